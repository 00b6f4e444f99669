"""What ``ifn-bot doctor`` checks, and ``ifn-bot run`` warns about at start
(issue 12): the token Slack accepts, the scopes the features need, the network
and management channels set and the bot a member of them, a directory that is
loaded, and who in it Slack cannot reach. Each problem is one line saying what
is wrong and what to do; the CLI (``app/``) prints them and sets the exit code.

Plain English, like every CLI message.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.i18n import t
from bot.notifier import FailureKind, SlackFailure
from bot.settings import CoreSettings
from bot.slack_directory import REQUIRED_SCOPES, SlackAuth, SlackDirectory
from storage.repositories import directory as repo

#: The channels the features post to, and what goes there.
CHANNELS = (
    ("IFN_NETWORK_CHANNEL", "ifn_network_channel",
     "meeting reminders, group sessions and minutes are not posted"),
    ("IFN_MANAGEMENT_CHANNEL", "ifn_management_channel",
     "minutes, work plans and the monthly quality report are not posted"),
)


@dataclass(frozen=True, slots=True)
class Finding:
    ok: bool
    line: str


@dataclass(frozen=True, slots=True)
class Checkup:
    findings: tuple[Finding, ...]

    @property
    def problems(self) -> list[str]:
        return [f.line for f in self.findings if not f.ok]

    @property
    def token_refused(self) -> bool:
        return any(not f.ok and f.line.startswith("SLACK_BOT_TOKEN") for f in self.findings)


def _auth(slack: SlackDirectory, out: list[Finding]) -> SlackAuth | None:
    try:
        auth = slack.auth()
    except SlackFailure as exc:
        if exc.kind is FailureKind.PERMANENT:
            out.append(Finding(False, f"SLACK_BOT_TOKEN: Slack refused it ({exc.error})"))
        else:
            out.append(Finding(False, f"SLACK_API_URL: cannot reach Slack ({exc.error})"))
        return None
    out.append(Finding(True, f"token: accepted for {auth.team or 'the workspace'} (bot user {auth.user_id})"))
    return auth


def _scopes(auth: SlackAuth, out: list[Finding]) -> None:
    if auth.scopes is None:
        out.append(Finding(False, "scopes: Slack did not say which scopes the token has (no X-OAuth-Scopes)"))
        return
    missing = [s for s in REQUIRED_SCOPES if s not in auth.scopes]
    for scope in missing:
        out.append(Finding(False, f"scope {scope} is missing (needed for {REQUIRED_SCOPES[scope]}); "
                                  "add it under OAuth & Permissions as manifest.yaml lists it, "
                                  "then reinstall the app"))
    if not missing:
        out.append(Finding(True, f"scopes: all {len(REQUIRED_SCOPES)} the features need"))


def _channels(settings: CoreSettings, slack: SlackDirectory, out: list[Finding]) -> None:
    for env, attr, without in CHANNELS:
        channel_id = getattr(settings, attr)
        if not channel_id:
            out.append(Finding(False, f"{env} is not set: {without}"))
            continue
        try:
            found = slack.channel(channel_id)
        except SlackFailure as exc:
            out.append(Finding(False, f"{env}: cannot check channel {channel_id} ({exc.error})"))
            continue
        if found is None:
            out.append(Finding(False, f"{env}: channel {channel_id} does not exist or the bot cannot see it"))
        elif found.is_archived:
            out.append(Finding(False, f"{env}: #{found.name} ({channel_id}) is archived"))
        elif not found.is_member:
            out.append(Finding(False, f"{env}: the bot is not a member of #{found.name} ({channel_id}); "
                                      "invite it with /invite @IFN in the channel"))
        else:
            out.append(Finding(True, f"{env}: #{found.name}, the bot is a member"))


def _directory(sessions: sessionmaker[Session], out: list[Finding]) -> None:
    with sessions() as s:
        people = repo.active_people(s)
        unreachable = [p for p in people if p.unreachable_reason or not p.slack_user_id]
    if not people:
        out.append(Finding(False, "directory: nobody in it; load it with `ifn-bot directory import FILE`"))
        return
    for p in unreachable:
        why = t("en", f"reach.why.{p.unreachable_reason or 'no_slack_user'}")
        out.append(Finding(False, f"unreachable: {p.name} ({p.email or p.slack_user_id}) {why}; they are "
                                  "offered nothing (fix the directory or their Slack account)"))
    out.append(Finding(True, f"directory: {len(people)} active people, {len(unreachable)} unreachable"))


def check(settings: CoreSettings, slack: SlackDirectory, sessions: sessionmaker[Session]) -> Checkup:
    out: list[Finding] = []
    auth = _auth(slack, out)
    if auth is not None:
        _scopes(auth, out)
        _channels(settings, slack, out)
    _directory(sessions, out)
    return Checkup(tuple(out))
