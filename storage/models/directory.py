"""Who is who: areas, units, people and the roles they hold (SPEC §1)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base
from storage.types import UTCDateTime


class Area(Base):
    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))
    #: False: outside the interview network (a Dublin unit): no IFK of its own,
    #: no line on the duty post; its caseworkers are routed to the area's chain.
    network: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class Organisation(Base):
    """The shape of the organisation (one row, ``id`` 1): whether coordinators
    serve an area (``scope`` "area", IM 2012-012) or a unit ("unit", UDI 2016-018),
    and where the BFK belongs (an area code or a unit code; None: area A)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(8), default="area")
    bfk_home: Mapped[str | None] = mapped_column(String(40))


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="nb")
    #: Who chose ``language``: "directory" (the file or an admin), "user" (``/ifn språk``),
    #: "slack" (seeded from the Slack locale); None: the default, not chosen by anyone.
    language_origin: Mapped[str | None] = mapped_column(String(16))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Why no message reaches them in Slack (``no_slack_account``, ``deactivated_in_slack``,
    #: ``user_not_found``, ``cannot_dm_bot``, …); None: reachable as far as we know.
    unreachable_reason: Mapped[str | None] = mapped_column(String(40))
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Percent of their position for network work (IFK 30, BFK 80, IFR 75 in UDI 2016-018);
    #: None: not stated (counted as 100 when balancing load).
    network_share: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )
    acting: Mapped[list[ActingLeader]] = relationship(
        foreign_keys="ActingLeader.person_id", back_populates="person", cascade="all, delete-orphan",
        lazy="selectin",
    )


class RoleAssignment(Base):
    """One role held by one person, optionally for one area and a date range.

    The role is a plain string (see ``bot.domain.roles.Role``); storage does not
    import the domain layer.
    """

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("person_id", "role", "area_code", "valid_from", name="uq_role_assignment"),
        Index("ix_role_assignments_role_area", "role", "area_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="roles")


class ActingLeader(Base):
    """A fungerende områdeleder: ``person`` receives and decides what the area
    leader of ``area_code`` would, from ``starts_on`` to ``ends_on`` (inclusive)."""

    __tablename__ = "acting_leaders"
    __table_args__ = (Index("ix_acting_leaders_area_ends", "area_code", "ends_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    designated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(foreign_keys=[person_id], back_populates="acting")
