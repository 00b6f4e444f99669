"""Who holds which role on a given day. One place, so every feature (exhausted-chain
notices, exemptions, reports, line issues, substitutes, group sessions) agrees on
who the area leader or the IFK is; date ranges are read by ``in_force``.

Who leads an area today (``holders(s, Role.AREA_LEADER, day, area)``): the
acting area leader designated for that day (fungerende); else the area leader;
with no area leader at all, the fagsjef, and with no fagsjef the admins — so an
exemption, an issue, a reminder or an exhausted chain always reaches someone who
may act on it (``leads``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from bot.domain.roles import Role, in_force
from storage.models import Person
from storage.repositories import directory as directory_repo


def holdings(person: Person | None, day: date) -> list[tuple[Role, str | None]]:
    """The roles an active person holds on ``day``, with their area (an area role
    without one takes the person's area); an acting area leader holds the area
    leader's role for their period."""
    if person is None or not person.active:
        return []
    out: list[tuple[Role, str | None]] = []
    for r in person.roles:
        if not in_force(r.valid_from, r.valid_to, day):
            continue
        try:
            role = Role(r.role)
        except ValueError:
            continue
        out.append((role, r.area_code or person.area_code))
    for acting in person.acting:
        held = (Role.AREA_LEADER, acting.area_code)
        if in_force(acting.starts_on, acting.ends_on, day) and held not in out:
            out.append(held)
    return out


def _by_name(people: Iterable[Person]) -> list[Person]:
    found = {p.id: p for p in people}
    return sorted(found.values(), key=lambda p: (p.name, p.id))


def _regular(s: Session, role: Role, day: date, area: str | None) -> list[Person]:
    found: list[Person] = []
    for person, ra in directory_repo.people_with_roles(s, [role.value]):
        if person.active and in_force(ra.valid_from, ra.valid_to, day) \
                and (area is None or (ra.area_code or person.area_code) == area):
            found.append(person)
    return _by_name(found)


def _acting(s: Session, day: date, area: str | None) -> list[Person]:
    return _by_name(a.person for a in directory_repo.acting_on(s, area, day) if a.person.active)


def area_leaders(s: Session, day: date, area: str | None, *, fallback: bool = True) -> list[Person]:
    """Who leads ``area`` on ``day`` (see the module docstring). Without an area:
    every area's acting or regular leader (an area leader replaced by an acting
    one for the day is not among them)."""
    if area is None:
        out: list[Person] = []
        for code in directory_repo.area_codes(s):
            out += area_leaders(s, day, code, fallback=False)
        return _by_name(out)
    found = _acting(s, day, area) or _regular(s, Role.AREA_LEADER, day, area)
    if found or not fallback:
        return found
    return _regular(s, Role.FAGSJEF, day, None) or _regular(s, Role.ADMIN, day, None)


def holders(s: Session, role: Role, day: date, area: str | None = None) -> list[Person]:
    """Active people holding ``role`` on ``day`` (in ``area``, if given), by name."""
    if role is Role.AREA_LEADER:
        return area_leaders(s, day, area)
    return _regular(s, role, day, area)


def leads(s: Session, person_id: int, day: date) -> set[str]:
    """The areas ``person_id`` may act for as their leader on ``day``: those they
    are area leader (or acting area leader) of, and those whose leader's work
    falls to them because the area has none."""
    person = s.get(Person, person_id)
    areas = {area for role, area in holdings(person, day) if role is Role.AREA_LEADER and area}
    for area in directory_repo.area_codes(s):
        if area not in areas and any(p.id == person_id for p in area_leaders(s, day, area)):
            areas.add(area)
    return areas


def holds_any(person: Person | None, roles: Iterable[Role], day: date) -> bool:
    wanted = set(roles)
    return any(role in wanted for role, _ in holdings(person, day))
