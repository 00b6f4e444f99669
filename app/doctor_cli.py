"""``ifn-bot doctor`` and the start-up warnings of ``ifn-bot run``: the checks
of ``bot.services.doctor`` against the configured Slack and database."""

from __future__ import annotations

import logging
import sys

from slack_sdk import WebClient

from app.slack_directory import SlackDirectoryClient
from bot.services.doctor import Checkup, check
from bot.settings import Settings
from storage.db import make_engine, make_session_factory

log = logging.getLogger("ifn_bot.doctor")


def checkup(settings: Settings) -> Checkup:
    client = WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
                       timeout=10)
    engine = make_engine(settings.database_url)
    try:
        return check(settings, SlackDirectoryClient(client), make_session_factory(engine))
    finally:
        engine.dispose()


def run_doctor(settings: Settings) -> int:
    """Every finding on stdout ("ok: …" / "problem: …"); non-zero when there is a problem."""
    result = checkup(settings)
    for finding in result.findings:
        print(f"{'ok' if finding.ok else 'problem'}: {finding.line}")
    problems = result.problems
    if problems:
        print(f"ifn-bot doctor: {len(problems)} problem{'s' if len(problems) != 1 else ''}", file=sys.stderr)
        return 1
    return 0


def warn_at_start(settings: Settings) -> None:
    """One warning per problem before serving (a refused token is the server's to report)."""
    try:
        result = checkup(settings)
    except Exception:  # noqa: BLE001 - a check that cannot run must not keep the bot from starting
        log.exception("the start-up checks could not run")
        return
    if result.token_refused:
        return
    for line in result.problems:
        log.warning("%s", line)
