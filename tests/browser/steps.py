"""What a person does on the sandbox page, as small steps for the browser tests
and the screenshots: be someone, open a conversation, type, fill and submit a
modal, press a button in a message, move the bot's clock. Every step goes
through the page (never the sandbox's API) and waits for what it causes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TIMEOUT = 15_000

CW_B, CW_B2 = "U0CWB10001", "U0CWB10002"  # Emil Strand, Ida Olsen (caseworkers, B1)
IFK_A, IFK_B, IFK_C, BFK = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"
IFR_1, IFR_2 = "U0IFR00001", "U0IFR00002"  # Ingrid Solberg (also admin), Tore Bakken
LEADER_B = "U0ALEADB01"  # Bjørn Dahl


@dataclass
class Slack:
    """One browser tab on the sandbox page."""

    page: Any

    def open(self, url: str, user: str) -> Slack:
        self.page.set_default_timeout(TIMEOUT)
        self.page.goto(f"{url}#{user}")
        self.page.wait_for_selector(f"#who option[value='{user}']", state="attached")
        self.page.locator(".nav-item[data-view='dm']").wait_for()
        return self

    def be(self, user: str, view: str = "dm") -> Slack:
        self.page.select_option("#who", user)
        self.page.locator("#me").filter(has_text=self.name_of(user)).wait_for()
        return self.go(view)

    def name_of(self, user: str) -> str:
        return self.page.locator(f"#who option[value='{user}']").inner_text().split(" — ")[0]

    def go(self, view: str) -> Slack:
        self.page.click(f".nav-item[data-view='{view}']")
        self.page.locator(f".nav-item.active[data-view='{view}']").wait_for()
        return self

    def go_to_group_with(self, name: str) -> Slack:
        item = self.page.locator(".nav-item", has_text=name).filter(has_text="👥")
        item.click()
        self.page.locator(".nav-item.active", has_text=name).wait_for()
        return self

    def type(self, text: str) -> Slack:
        self.page.fill("#composer", text)
        self.page.press("#composer", "Enter")
        return self

    def command(self, text: str, callback_id: str | None = None) -> Any:
        """Type ``/ifn <text>``; with ``callback_id``, wait for that modal and return it."""
        self.type(f"/ifn {text}")
        if callback_id is None:
            return None
        return self.modal(callback_id)

    def modal(self, callback_id: str | None = None) -> Any:
        """The modal on top (with ``callback_id``: that one), once it is open."""
        modal = self.page.locator(f".modal[data-callback-id='{callback_id}']" if callback_id else ".modal")
        modal.wait_for()
        return modal

    @staticmethod
    def field(modal: Any, block_id: str, tag: str = "input") -> Any:
        return modal.locator(f"[data-block-id='{block_id}'] {tag}")

    def submit(self, modal: Any) -> None:
        modal.locator(".modal-submit").click()
        try:
            modal.wait_for(state="detached")
        except Exception:
            errors = modal.locator(".bk-error").all_inner_texts()
            raise AssertionError(f"modal still open: {errors} {self.page.inner_text('#notice')}") from None

    def messages(self, has_text: str | None = None) -> Any:
        found = self.page.locator("#conversation .msg:not(.msg-typed)")
        return found.filter(has_text=has_text) if has_text else found

    def message(self, has_text: str) -> Any:
        """The latest message in the open conversation that says ``has_text``."""
        found = self.messages(has_text).last
        found.wait_for()
        return found

    def with_button(self, action_id: str) -> Any:
        """The latest message in the open conversation with a button ``action_id`` (prefix with ^=)."""
        op = "^=" if action_id.endswith("*") else "="
        found = self.messages().filter(
            has=self.page.locator(f"[data-action-id{op}'{action_id.rstrip('*')}']")).last
        found.wait_for()
        return found

    def press(self, message: Any, action_id: str, confirm: bool = True) -> None:
        message.locator(f".bk-button[data-action-id='{action_id}']").click()
        if confirm and self.page.locator(".bk-confirm").count():
            self.page.click(".bk-confirm-yes")

    def clock(self, step: str) -> str:
        """Press a clock button; return the notice with what fired."""
        before = self.page.inner_text("#clock")
        self.page.click(f"[data-step='{step}']")
        self.page.wait_for_function("(before) => document.querySelector('#clock').textContent !== before",
                                    arg=before)
        notice = self.page.locator("#notice")
        notice.wait_for()
        return notice.inner_text()

    def home(self) -> Any:
        self.go("home")
        home = self.page.locator("#conversation .bk-blocks")
        home.wait_for()
        return home
