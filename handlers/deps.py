"""Everything the Slack edge needs, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.services.directory import DirectoryService
from bot.services.people import PeopleService
from bot.settings import Settings
from storage.db import make_engine, make_session_factory


@dataclass(frozen=True, slots=True)
class Deps:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    people: PeopleService
    directory: DirectoryService


def build_deps(settings: Settings, clock: Clock, engine: Engine | None = None) -> Deps:
    engine = engine or make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    return Deps(
        settings=settings,
        engine=engine,
        sessions=sessions,
        clock=clock,
        people=PeopleService(sessions, clock),
        directory=DirectoryService(sessions, clock),
    )
