"""The one fake workspace the fake Web API and the signed-request builder both describe.

Both sides read these defaults so that, e.g., the bot user id Bolt learns from
``auth.test`` is the one the Events API envelope lists in ``authorizations``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workspace:
    team_id: str = "T0IFNTEST"
    team_domain: str = "ifn-test"
    team_name: str = "IFN Test"
    enterprise_id: str | None = None
    api_app_id: str = "A0IFNBOT"
    bot_id: str = "B0IFNBOT"
    bot_user_id: str = "U0IFNBOT"
    bot_user_name: str = "ifn-bot"
    bot_token: str = "xoxb-test"
    app_token: str = "xapp-1-test"  # app-level token: Socket Mode's apps.connections.open


DEFAULT_WORKSPACE = Workspace()
