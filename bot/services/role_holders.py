"""Who holds which role on a given day. One place, so every feature (exhausted-chain
notices, exemptions, reports, line issues, substitutes, group sessions) agrees on
who the area leader or the IFK is; date ranges are read by ``in_force``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from bot.domain.roles import Role, in_force
from storage.models import Person
from storage.repositories import directory as directory_repo


def holdings(person: Person | None, day: date) -> list[tuple[Role, str | None]]:
    """The roles an active person holds on ``day``, with their area (an area role
    without one takes the person's area)."""
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
    return out


def holders(s: Session, role: Role, day: date, area: str | None = None) -> list[Person]:
    """Active people holding ``role`` on ``day`` (in ``area``, if given), by name."""
    found: dict[int, Person] = {}
    for person, _ra in directory_repo.people_with_roles(s, [role.value]):
        for held, held_area in holdings(person, day):
            if held is role and (area is None or held_area == area):
                found.setdefault(person.id, person)
    return sorted(found.values(), key=lambda p: (p.name, p.id))


def holds_any(person: Person | None, roles: Iterable[Role], day: date) -> bool:
    wanted = set(roles)
    return any(role in wanted for role, _ in holdings(person, day))
