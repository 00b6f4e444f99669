"""App factory: builds the Bolt ``App`` with its own ``WebClient`` and registers
every listener. Nothing here runs at import time."""

from __future__ import annotations

from concurrent.futures import Executor

from slack_bolt import App

from handlers import commands, errors, home
from handlers.availability import AvailabilityHandlers
from handlers.deps import Deps
from handlers.group_sessions import GroupSessionHandlers
from handlers.line_issues import LineIssueHandlers
from handlers.meetings import MeetingHandlers
from handlers.production import ProductionHandlers
from handlers.requests import RequestHandlers
from handlers.support import SupportHandlers
from handlers.training import TrainingHandlers


def build_app(deps: Deps, *, listener_executor: Executor | None = None) -> App:
    """``listener_executor``: tests pass an inline executor so work after ``ack()``
    finishes before the HTTP response returns; production uses Bolt's thread pool."""
    app = App(
        client=deps.client,
        signing_secret=deps.settings.slack_signing_secret.get_secret_value(),
        listener_executor=listener_executor,
    )
    errors.register(app, deps)
    request_handlers = RequestHandlers(deps)
    availability_handlers = AvailabilityHandlers(deps)
    support_handlers = SupportHandlers(deps)
    issue_handlers = LineIssueHandlers(deps, deps.line_issues)
    group_handlers = GroupSessionHandlers(deps, deps.group_sessions)
    meeting_handlers = MeetingHandlers(deps)
    production_handlers = ProductionHandlers(deps)
    training_handlers = TrainingHandlers(deps)
    subcommands = {**request_handlers.subcommands(), **availability_handlers.subcommands(),
                   **support_handlers.subcommands(), **issue_handlers.subcommands(),
                   **group_handlers.subcommands(), **meeting_handlers.subcommands(),
                   **production_handlers.subcommands(), **training_handlers.subcommands()}
    commands.register(app, deps, extra=subcommands)
    request_handlers.register(app)
    meeting_handlers.register(app)
    availability_handlers.register(app)
    support_handlers.register(app)
    issue_handlers.register(app)
    group_handlers.register(app)
    production_handlers.register(app)
    home.register(app, deps)
    return app
