"""What one routing decision reads from the database, in ONE statement.

For the holders of the routing roles (``person_ids``, from the process's
directory copy) and for whoever stands in for one of them on ``day``:

* their status, how many requests they hold now and when they last accepted one
  (index lookups on (assignee_id, state) and (assignee_id, accepted_at), whatever
  the history's size);
* their absences not over by ``day`` (on (person_id, ends_on); later periods are
  included so back-to-back periods can be joined);
* the designations standing in on ``day`` (on (absent_person_id, ends_on)).

A routing decision used to run three or four statements for this. Each costs more in
SQLAlchemy's execution layer than SQLite needs to answer it, so the parts are
one ``UNION ALL`` whose rows say what they are (``kind``), built once and run as
Core on the session's connection (plain rows, no ORM layer). Every index used
works without ``ANALYZE`` statistics. The NULLs that pad each part are typed
(``CAST``), as PostgreSQL resolves a union's column types pairwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Date, Integer, String, bindparam, cast, func, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from storage.models import Absence, AvailabilityStatus, Person, Request, Substitute
from storage.types import UTCDateTime


class StatusAndLoad(NamedTuple):
    person_id: int
    status: str | None
    until: datetime | None
    open_count: int
    last_accepted: datetime | None


class Away(NamedTuple):
    person_id: int
    starts_on: date
    ends_on: date


class StandIn(NamedTuple):
    absent_person_id: int
    substitute_person_id: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class RoutingFacts:
    #: One per person (the routing people and those standing in today), in no particular order.
    people: list[StatusAndLoad]
    #: Ordered by person, then end date (the index's order); each absence once.
    absences: list[Away]
    #: Ordered by the absent person, then end date.
    stand_ins: list[StandIn]


def _statement():
    ids, day = bindparam("ids", expanding=True), bindparam("day")
    standing_in = (select(Substitute.id, Substitute.absent_person_id, Substitute.substitute_person_id,
                          Substitute.starts_on, Substitute.ends_on)
                   .where(Substitute.absent_person_id.in_(ids), Substitute.ends_on >= day,
                          Substitute.starts_on <= day)
                   .cte("standing_in"))
    no_int, no_date = cast(null(), Integer), cast(null(), Date)
    no_text, no_time = cast(null(), String), cast(null(), UTCDateTime())

    held = (select(func.count()).select_from(Request)
            .where(Request.assignee_id == Person.id, Request.state == "accepted")
            .correlate(Person).scalar_subquery())
    last = (select(func.max(Request.accepted_at)).where(Request.assignee_id == Person.id)
            .correlate(Person).scalar_subquery())
    #: kind, person_id, other_id, row_id, starts_on, ends_on, status, until, open_count, last_accepted
    person_cols = (literal_column("'p'").label("kind"), Person.id.label("person_id"),
                   no_int.label("other_id"), no_int.label("row_id"), no_date.label("starts_on"),
                   no_date.label("ends_on"), AvailabilityStatus.status, AvailabilityStatus.until,
                   held.label("open_count"), last.label("last_accepted"))
    routing_people = (select(*person_cols)
                      .outerjoin(AvailabilityStatus, AvailabilityStatus.person_id == Person.id)
                      .where(Person.id.in_(ids)))
    stand_in_people = (select(*person_cols)
                       .join(standing_in, standing_in.c.substitute_person_id == Person.id)
                       .outerjoin(AvailabilityStatus, AvailabilityStatus.person_id == Person.id))

    absence_cols = (literal_column("'a'"), Absence.person_id, no_int, Absence.id, Absence.starts_on,
                    Absence.ends_on, no_text, no_time, no_int, no_time)
    own_absences = select(*absence_cols).where(Absence.person_id.in_(ids), Absence.ends_on >= day)
    stand_in_absences = (select(*absence_cols)
                         .join(standing_in, standing_in.c.substitute_person_id == Absence.person_id)
                         .where(Absence.ends_on >= day))

    designations = select(literal_column("'s'"), standing_in.c.absent_person_id,
                          standing_in.c.substitute_person_id, standing_in.c.id, standing_in.c.starts_on,
                          standing_in.c.ends_on, no_text, no_time, no_int, no_time)
    return union_all(routing_people, stand_in_people, own_absences, stand_in_absences, designations)


#: Built once: it runs on every routing decision (building costs more than answering).
_ROUTING_FACTS = _statement()


def routing_facts(session: Session, person_ids: list[int], day: date) -> RoutingFacts:
    if not person_ids:
        return RoutingFacts([], [], [])
    rows = session.connection().execute(_ROUTING_FACTS, {"ids": person_ids, "day": day}).all()
    people: dict[int, StatusAndLoad] = {}
    absences: dict[int, tuple[int, date, date]] = {}  # absence id -> (person, starts, ends)
    designations: list[tuple[int, date, int, int, date]] = []
    for kind, pid, other_id, row_id, starts_on, ends_on, status, until, count, last_accepted in rows:
        if kind == "p":  # a stand-in who is also a routing person, or stands in twice, comes twice
            people[pid] = StatusAndLoad(pid, status, until, int(count or 0), last_accepted)
        elif kind == "a":  # an absence of a stand-in may come twice too
            absences[row_id] = (pid, starts_on, ends_on)
        else:  # "s": pid is the absent person, other_id stands in
            designations.append((pid, ends_on, row_id, other_id, starts_on))
    away = sorted(absences.items(), key=lambda kv: (kv[1][0], kv[1][2], kv[0]))
    designations.sort()
    stand_ins = [StandIn(absent, sub, starts, ends) for absent, ends, _id, sub, starts in designations]
    return RoutingFacts(list(people.values()), [Away(*period) for _id, period in away], stand_ins)
