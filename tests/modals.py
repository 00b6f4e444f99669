"""Every modal of the bot, opened the way a person opens it and filled in with
valid values, so a test can put one chosen text into one chosen field.

Shared by the end-to-end tests (the bot in this process, listeners inline) and
the fault suite (real ``ifn-bot`` processes, listeners on Bolt's threads): both
hand in a ``Driver``. Only what Slack sees is used — the slash commands and
buttons a person presses, the ``views.open`` calls the fake Slack recorded — plus
a read-only SQL query where a button's value is an id the person would see in
a message (the issue to answer, the occurrence to write minutes for).

The filler reads the opened view: every text input gets a harmless text (or the
chosen one), every required select its initial or first option, dates and
times their initial value or a working day ahead of the suites' fixed start
(Wednesday 25 November 2026), optional choices are left empty.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sandbox.slack_requests import SignedRequests, button

# People of examples/org.yaml
CW_B = "U0CWB10001"  # Emil Strand, caseworker in B1
IFK_A, IFK_B = "U0IFKA0001", "U0IFKB0001"
IFR_1 = "U0IFR00001"  # Ingrid Solberg, IFR and admin
LEADER_B = "U0ALEADB01"

#: A day after the suites' fixed start, a working day, within every form's limits.
FORM_DATE = "2026-12-02"
FORM_TIME = "13:00"

TEXT_KINDS = ("plain_text_input", "url_text_input")
DEFAULT_TEXT = "Vanlig tekst til prøven"
#: Valid values where a plain text would be refused.
SPECIAL_TEXT = {"case_ref": "26/01234", "mtg_agenda": "https://wiki.example/ifn/agenda",
                "dir_email": "ny.kollega@ifn.example", "dir_roles": "ifr"}
#: Fields whose text must have a fixed shape (validated by the feature).
SHAPED = ("case_ref", "mtg_agenda", "dir_email", "dir_roles")
#: Fields that refuse < and > outright (a person's name is shown as written).
MARKUP_REFUSED = ("dir_name",)
#: Optional fields that stand in for another (the recording instead of the report,
#: issue 15): left empty while the other is in the view, unless a test gives them a text.
ALTERNATIVES = {"recording_ref": "report_location"}


class CallLike(Protocol):
    method: str
    args: dict[str, Any]
    response: dict[str, Any] | None


class FakeLike(Protocol):
    def calls(self, method: str | None = None) -> list[Any]: ...


class Driver(Protocol):
    slack: SignedRequests
    fake: FakeLike

    def query(self, sql: str) -> list[tuple[Any, ...]]: ...


def wait_for(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02) -> Any:
    """Poll ``check`` until it returns something truthy; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def _view_opened(driver: Driver, trigger_id: str, timeout: float) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        for call in driver.fake.calls("views.open"):
            if call.args.get("trigger_id") == trigger_id and call.response and call.response.get("ok"):
                return call.response["view"]
        return None

    return wait_for(find, timeout)


def open_by_command(driver: Driver, user: str, text: str, timeout: float = 10.0) -> dict[str, Any]:
    trigger = driver.slack.new_trigger_id()
    resp = driver.slack.slash_command(user, text, trigger_id=trigger)
    assert resp.status == 200, (text, resp.status, resp.body)
    return _view_opened(driver, trigger, timeout)


def open_by_button(driver: Driver, user: str, action_id: str, value: str,
                   timeout: float = 10.0) -> dict[str, Any]:
    """Press a button whose value the person sees; the message it sits in is a
    plain DM (the server never trusts the message)."""
    trigger = driver.slack.new_trigger_id()
    message = {"type": "message", "ts": "1700000000.000100", "text": "", "blocks": []}
    resp = driver.slack.block_actions(user, [button(action_id, value)], message=message,
                                      channel="D" + user, trigger_id=trigger)
    assert resp.status == 200, (action_id, resp.status, resp.body)
    return _view_opened(driver, trigger, timeout)


# ------------------------------------------------------------------- filling


def _inputs(view: Mapping[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
    return [(b["block_id"], b["element"], bool(b.get("optional")))
            for b in view.get("blocks") or [] if b.get("type") == "input"]


def text_blocks(view: Mapping[str, Any]) -> list[str]:
    """Block ids of the free-text inputs of ``view``."""
    return [block for block, element, _ in _inputs(view) if element.get("type") in TEXT_KINDS]


def _option(element: Mapping[str, Any]) -> dict[str, Any] | None:
    if element.get("initial_option"):
        return element["initial_option"]
    options = element.get("options") or [o for g in element.get("option_groups") or []
                                          for o in g.get("options") or []]
    return options[0] if options else None


def fill(view: Mapping[str, Any], texts: Mapping[str, str] | None = None,
         choices: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """``view.state.values`` for a submission of ``view``: ``texts`` go into
    those text blocks, ``choices`` are select/radio values sent as given (even
    ones never offered)."""
    texts, choices = texts or {}, choices or {}
    values: dict[str, dict[str, Any]] = {}
    present = {block for block, _, _ in _inputs(view)}
    for block, element, optional in _inputs(view):
        kind, action = element.get("type"), element.get("action_id", block)
        state: dict[str, Any] | None = None
        if kind in TEXT_KINDS and ALTERNATIVES.get(block) in present and block not in texts:
            continue
        if kind in TEXT_KINDS:
            state = {"type": kind, "value": texts.get(block, SPECIAL_TEXT.get(block, DEFAULT_TEXT))}
        elif kind == "number_input":
            state = {"type": kind, "value": texts.get(block, "2")}
        elif kind == "datepicker":
            state = {"type": kind, "selected_date": element.get("initial_date") or FORM_DATE}
        elif kind == "timepicker":
            state = {"type": kind, "selected_time": element.get("initial_time") or FORM_TIME}
        elif kind in ("static_select", "radio_buttons"):
            if block in choices:
                value = choices[block]
                state = {"type": kind, "selected_option": {
                    "text": {"type": "plain_text", "text": value}, "value": value}}
            elif not optional or element.get("initial_option"):
                state = {"type": kind, "selected_option": _option(element)}
        elif kind in ("checkboxes", "multi_static_select"):
            if not optional:
                option = _option(element)
                state = {"type": kind, "selected_options": [option] if option else []}
        elif kind == "users_select":
            state = {"type": kind, "selected_user": element.get("initial_user")}
        if state is not None:
            values[block] = {action: state}
    return values


def submit(driver: Driver, user: str, view: Mapping[str, Any], values: Mapping[str, Any], **options: Any):
    return driver.slack.view_submission(user, view["callback_id"], dict(values), view.get("private_metadata"),
                                        view["id"], view=dict(view), **options)


# ------------------------------------------------------------------ the modals


def _last_id(driver: Driver, sql: str) -> str:
    rows = wait_for(lambda: driver.query(sql))
    return str(rows[0][0])


def _submit_ok(driver: Driver, user: str, view: Mapping[str, Any]) -> None:
    resp = submit(driver, user, view, fill(view))
    assert resp.status == 200 and not resp.body.strip(), (view.get("callback_id"), resp.status, resp.body)


def _exemption(driver: Driver) -> dict[str, Any]:
    """The form for the latest week the coordinator has asked nothing for yet."""
    used = {week for (week,) in driver.query(
        "SELECT e.week FROM exemptions e JOIN people p ON p.id = e.person_id "
        f"WHERE p.slack_user_id = '{IFK_A}'")}
    week = next(f"2026-W{n:02d}" for n in range(48, 0, -1) if f"2026-W{n:02d}" not in used)
    return open_by_button(driver, IFK_A, "production_request_exemption", week)


def _minutes(driver: Driver) -> dict[str, Any]:
    sql = ("SELECT o.id FROM meeting_occurrences o WHERE NOT EXISTS "
           "(SELECT 1 FROM minutes m WHERE m.occurrence_id = o.id) ORDER BY o.id LIMIT 1")
    if not driver.query(sql):
        _submit_ok(driver, IFR_1, open_by_command(driver, IFR_1, "møte ny"))
    return open_by_button(driver, IFR_1, "minutes_write", _last_id(driver, sql))


def _issue_reply(driver: Driver) -> dict[str, Any]:
    sql = "SELECT id FROM line_issues WHERE reply IS NULL AND recipient_id = " \
          f"(SELECT id FROM people WHERE slack_user_id = '{LEADER_B}') ORDER BY id DESC LIMIT 1"
    if not driver.query(sql):
        view = open_by_command(driver, IFK_B, "sak")
        resp = submit(driver, IFK_B, view, fill(view, choices={"issue_kind": "country", "area": "B"}))
        assert resp.status == 200 and not resp.body.strip(), resp.body
    return open_by_button(driver, LEADER_B, "issue_reply", _last_id(driver, sql))


def _feedback_response(driver: Driver) -> dict[str, Any]:
    """A feedback request from a caseworker in area B, accepted by the area's IFK."""
    sql = "SELECT id FROM requests WHERE type = 'feedback' AND state = 'accepted' ORDER BY id DESC LIMIT 1"
    if not driver.query(sql):
        before = driver.query("SELECT COALESCE(MAX(id), 0) FROM requests")[0][0]
        view = open_by_command(driver, CW_B, "tilbakemelding")
        resp = submit(driver, CW_B, view, fill(view, choices={"area": "B"}))
        assert resp.status == 200 and not resp.body.strip(), resp.body
        rid = _last_id(driver, f"SELECT id FROM requests WHERE id > {before} ORDER BY id LIMIT 1")
        message = {"type": "message", "ts": "1700000000.000200", "text": "", "blocks": []}
        driver.slack.block_actions(IFK_B, [button("request_accept", rid)], message=message,
                                   channel="D" + IFK_B)
        wait_for(lambda: driver.query(sql))
    return open_by_button(driver, IFK_B, "request_write_feedback", _last_id(driver, sql))


@dataclass(frozen=True)
class Modal:
    name: str
    user: str
    open: Callable[[Driver], dict[str, Any]]
    choices: Mapping[str, str] | None = None


def _command(user: str, text: str) -> Callable[[Driver], dict[str, Any]]:
    return lambda driver: open_by_command(driver, user, text)


Opener = Callable[[Driver], dict[str, Any]]


def _leaving_out(block: str, opener: Opener) -> Opener:
    """The modal as a person sees it who leaves ``block`` empty (of two fields
    where exactly one is given): the suites fill every other field."""
    def open_(driver: Driver) -> dict[str, Any]:
        view = opener(driver)
        return {**view, "blocks": [b for b in view["blocks"] if b.get("block_id") != block]}
    return open_


MODALS: tuple[Modal, ...] = (
    Modal("live", CW_B, _command(CW_B, "veiledning")),
    Modal("feedback", CW_B, _leaving_out("recording_ref", _command(CW_B, "tilbakemelding"))),
    Modal("feedback on a recording", CW_B, _leaving_out("report_location", _command(CW_B, "tilbakemelding"))),
    Modal("hour", CW_B, _command(CW_B, "time")),
    Modal("sit-in", CW_B, _command(CW_B, "bisitting")),
    Modal("support", CW_B, _command(CW_B, "støtte")),
    Modal("issue", IFK_B, _command(IFK_B, "sak"), {"issue_kind": "general"}),
    Modal("issue reply", LEADER_B, _issue_reply),
    Modal("group session", IFK_B, _command(IFK_B, "gruppe")),
    Modal("training session", IFK_A, _command(IFK_A, "opplæring ny")),
    Modal("feedback response", IFK_B, _feedback_response),
    Modal("meeting", IFR_1, _command(IFR_1, "møte ny")),
    Modal("minutes", IFR_1, _minutes),
    Modal("work plan", IFR_1, _command(IFR_1, "referat plan")),
    Modal("exemption", IFK_A, _exemption),
    Modal("exemption period", IFK_B, _command(IFK_B, "produksjon unntak")),
    Modal("directory person", IFR_1,
          lambda driver: open_by_button(driver, IFR_1, "directory_add_person", "")),
)


def modal(name: str) -> Modal:
    return next(m for m in MODALS if m.name == name)


def refused_on(resp: Any, block: str) -> bool:
    """The submission was answered with a field error under ``block``."""
    if resp.status != 200 or not resp.body.strip():
        return False
    try:
        body = resp.json()
    except ValueError:
        return False
    return body.get("response_action") == "errors" and block in (body.get("errors") or {})
