"""Slack edge for the directory kept in Slack: ``/ifn katalog [navn]``, the Home
tab's admin section (pick a person, add one, show the listing) and the person
form. Thin: who may is decided by the service on every step."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slack_bolt import App

from bot.commands import Subcommand
from bot.i18n import t
from bot.services.directory_admin import DirectoryAdminService, PersonEdit
from handlers.commands import Sub
from handlers.prelude import Click, Command, Edge, FieldErrors, Reply, Submission, parse_id
from handlers.views.home_admin import (
    FIELD_BLOCKS,
    DirectoryAction,
    DirectoryCallback,
    PersonBlock,
    directory_message,
    form_values,
    listing_modal,
    person_modal,
)


class DirectoryHandlers:
    def __init__(self, edge: Edge, admin: DirectoryAdminService, tz: ZoneInfo) -> None:
        self.edge = edge
        self.admin = admin
        self.tz = tz

    def subcommands(self) -> dict[Subcommand, Sub]:
        return {Subcommand.DIRECTORY: Sub(self.directory_command)}

    def directory_command(self, cmd: Command) -> Reply:
        assert cmd.actor is not None
        lang = cmd.lang
        overview = self.admin.overview(cmd.actor.person_id)
        if overview is None:
            return Reply(t(lang, "dir.admin.not_admin"))
        search = " ".join(cmd.parsed.args).strip() or None
        return Reply(t(lang, "dir.admin.title"), blocks=directory_message(lang, overview, self.tz, search))

    def register(self, app: App) -> None:
        app.action(DirectoryAction.EDIT.value)(self.edge.click(self._edit))
        app.action(DirectoryAction.ADD.value)(self.edge.click(self._add))
        app.action(DirectoryAction.SHOW.value)(self.edge.click(self._show))
        app.view(DirectoryCallback.PERSON.value)(self.edge.submission(self._submit, PersonBlock.NAME.value))

    def _edit(self, click: Click) -> Reply:
        overview = self.admin.overview(click.actor.person_id)
        if overview is None:
            return Reply(t(click.lang, "dir.admin.not_admin"))
        person_id = click.number
        person = self.admin.person(click.actor.person_id, person_id) if person_id is not None else None
        if person is None:
            return Reply(t(click.lang, "dir.admin.gone"))
        return Reply(view=person_modal(click.lang, overview, person))

    def _add(self, click: Click) -> Reply:
        overview = self.admin.overview(click.actor.person_id)
        if overview is None:
            return Reply(t(click.lang, "dir.admin.not_admin"))
        return Reply(view=person_modal(click.lang, overview, None))

    def _show(self, click: Click) -> Reply:
        overview = self.admin.overview(click.actor.person_id)
        if overview is None:
            return Reply(t(click.lang, "dir.admin.not_admin"))
        return Reply(view=listing_modal(click.lang, overview))

    def _submit(self, sub: Submission) -> Reply | FieldErrors:
        values = form_values(sub.values)
        meta = sub.metadata
        person_id = parse_id(meta) if meta else None
        if meta and person_id is None:
            return FieldErrors({PersonBlock.NAME.value: t(sub.lang, "dir.admin.gone")})
        present = {b.get("block_id") for b in sub.view.get("blocks") or []}
        edit = PersonEdit(person_id=person_id, name=values[PersonBlock.NAME] or "",
                          slack_id=values[PersonBlock.SLACK], email=values[PersonBlock.EMAIL],
                          area=values[PersonBlock.AREA], unit=values[PersonBlock.UNIT],
                          language=values[PersonBlock.LANGUAGE], roles_text=values[PersonBlock.ROLES] or "",
                          active=values[PersonBlock.ACTIVE] != "inactive")
        outcome = self.admin.save(sub.actor.person_id, edit, sub.lang, view_id=sub.view_id or None)
        if outcome.errors:
            errors = {}
            for field, text in outcome.errors.items():
                block = FIELD_BLOCKS.get(field, PersonBlock.NAME).value
                errors[block if block in present else PersonBlock.NAME.value] = text
            return FieldErrors(errors)
        return Reply(outcome.text, home=True)
