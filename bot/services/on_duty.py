"""Who is on duty on a working day (SPEC §5): per area the IFK — or the
substitute standing in for an absent one, with why — the BFK and the IFRs, each
with their status and absence. In the unit model (UDI 2016-018) an area lists
the IFK of each of its units in the network, each with their unit's code. Read
by the morning's duty post and by the area leader's view of their coordinators,
so both say the same thing.

Who holds which role comes from the process's copy of the directory
(``DirectoryView.holders``); statuses, absences and substitutes from the
database, three queries for the whole network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.domain.requests import AvailabilityStatus
from bot.domain.roles import Role
from bot.routing import absence_end
from bot.routing_types import AbsenceInfo
from bot.services.directory_cache import DirectoryView, PersonRecord
from storage.repositories import availability as avail_repo


@dataclass(frozen=True, slots=True)
class OnDuty:
    """One person as the network reads them today."""

    person_id: int
    name: str
    status: AvailabilityStatus | None  # None: no status set (available in working hours)
    until: datetime | None  # when the status lapses
    absent_until: date | None  # registered absent today, up to and including this day
    stand_in: OnDuty | None = None  # the substitute standing in while absent
    unit: str = ""  # unit model: the code of the unit the IFK serves

    @property
    def reachable_now(self) -> bool:
        return self.absent_until is None and self.status not in (AvailabilityStatus.BUSY,
                                                                 AvailabilityStatus.AWAY)


@dataclass(frozen=True, slots=True)
class AreaDuty:
    area: str
    ifks: tuple[OnDuty, ...]


@dataclass(frozen=True, slots=True)
class Roster:
    day: date
    areas: tuple[AreaDuty, ...]
    bfks: tuple[OnDuty, ...]
    ifrs: tuple[OnDuty, ...]

    def people(self) -> list[OnDuty]:
        return [*(p for a in self.areas for p in a.ifks), *self.bfks, *self.ifrs]


def load_roster(s: Session, view: DirectoryView, day: date, now: datetime) -> Roster:
    ifks = {area: view.holders(Role.IFK, day, area) for area in view.areas}
    bfks, ifrs = view.holders(Role.BFK, day), view.holders(Role.IFR, day)
    everyone_held = [*bfks, *ifrs, *(p for ps in ifks.values() for p in ps)]
    holders: dict[int, PersonRecord] = {p.id: p for p in everyone_held}
    ids = list(holders)
    subs = avail_repo.substitutes_standing_in(s, ids, day)
    stand_ins: dict[int, int] = {}
    # The most recent designation stands in (as the router picks it); person id breaks ties.
    for sub in sorted(subs, key=lambda x: (x.starts_on, -x.substitute_person_id)):
        stand_ins[sub.absent_person_id] = sub.substitute_person_id
    everyone = {*ids, *stand_ins.values()}
    absences: dict[int, list[AbsenceInfo]] = {}
    for a in avail_repo.absences_from(s, list(everyone), day):
        absences.setdefault(a.person_id, []).append(AbsenceInfo(a.starts_on, a.ends_on))
    statuses = {row.person_id: row for row in avail_repo.statuses_of(s, list(everyone))}

    def unit_of(p: PersonRecord) -> str:
        if not view.org.unit_scope or p.unit_id is None:
            return ""
        return view.org.unit_codes.get(p.unit_id, "")

    def one(person_id: int, name: str, with_stand_in: bool = True, unit: str = "") -> OnDuty:
        row = statuses.get(person_id)
        live = row is not None and (row.until is None or row.until > now)
        away_until = absence_end(absences.get(person_id, ()), day)
        stand_in = None
        if with_stand_in and away_until is not None and person_id in stand_ins:
            sub_id = stand_ins[person_id]
            sub = view.person(sub_id)
            stand_in = one(sub_id, sub.name if sub else f"#{sub_id}", with_stand_in=False)
        return OnDuty(person_id, name, AvailabilityStatus(row.status) if live and row else None,
                      row.until if live and row else None, away_until, stand_in, unit)

    return Roster(
        day=day,
        areas=tuple(AreaDuty(area, tuple(one(p.id, p.name, unit=unit_of(p))
                                         for p in sorted(people, key=lambda p: (unit_of(p), p.name))))
                    for area, people in ifks.items()),
        bfks=tuple(one(p.id, p.name) for p in bfks),
        ifrs=tuple(one(p.id, p.name) for p in ifrs),
    )


def on_roster(view: DirectoryView, s: Session, person_id: int, day: date) -> bool:
    """Does a change to this person's status or absence change the duty post?
    (They hold IFK, BFK or IFR today, or stand in for someone who does.)"""
    person = view.person(person_id)
    if person is not None and any(person.holds(r, day) for r in (Role.IFK, Role.BFK, Role.IFR)):
        return True
    return avail_repo.is_standing_in(s, person_id, day)
