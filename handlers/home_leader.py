"""Slack edge for the leaders' Home view: a request's timeline, opened from the
list of their area's open requests. Who may read it is decided by the timeline
service from the clicking user (an area leader: their area's requests; never
a support conversation)."""

from __future__ import annotations

from slack_bolt import App

from bot.services.timeline import TimelineService
from handlers.prelude import Click, Edge, Reply
from handlers.views.home_leader import TIMELINE_ACTION


class LeaderHomeHandlers:
    def __init__(self, edge: Edge, timeline: TimelineService) -> None:
        self.edge = edge
        self.timeline = timeline

    def register(self, app: App) -> None:
        app.action(TIMELINE_ACTION)(self.edge.click(self._timeline))

    def _timeline(self, click: Click) -> Reply:
        rid = click.number or 0
        result = self.timeline.timeline(rid, click.actor.person_id, click.lang)
        if not result.ok:
            return Reply(self.edge.words(click.lang, result))
        return Reply("\n".join(result.params["lines"]))
