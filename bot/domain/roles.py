"""Roles from SPEC §1 and which of them are tied to an area."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class Role(StrEnum):
    CASEWORKER = "caseworker"
    UNIT_LEADER = "unit_leader"
    AREA_LEADER = "area_leader"
    IFK = "ifk"
    BFK = "bfk"
    IFR = "ifr"
    FAGSJEF = "fagsjef"
    MANAGEMENT = "management"
    ADMIN = "admin"


#: Roles that belong to one area; the area defaults to the person's own.
AREA_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_LEADER, Role.AREA_LEADER, Role.IFK})

#: Roles of which only one holder may be active at a time per area (or in all,
#: for the BFK). The memo names one IFK and one area leader per area and one BFK.
SINGLE_HOLDER_ROLES = frozenset({Role.IFK, Role.AREA_LEADER, Role.BFK})

#: The BFK is organised under area A (memo §4) but serves every area.
BFK_HOME_AREA = "A"

#: Who has an availability status (memo §3; SPEC §4).
STATUS_ROLES = frozenset(
    {Role.IFK, Role.BFK, Role.IFR, Role.AREA_LEADER, Role.UNIT_LEADER, Role.FAGSJEF}
)

DEFAULT_AREAS = ("A", "B", "C")


def in_force(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """Is a role with this (inclusive, open-ended) date range held on ``day``?"""
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)
