"""The organisation's shape (issue 15): IM 2012-012 has one IFK per area; UDI
2016-018 has an IFK in every unit that interviews, some units outside the
network (Dublin, coordination) and the BFK in the children's unit. Which one a
department runs is data (the directory file's ``organisation``), read here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.roles import BFK_HOME_AREA


class Scope(StrEnum):
    AREA = "area"  # a coordinator serves an area (IM 2012-012)
    UNIT = "unit"  # a coordinator serves a unit (UDI 2016-018)


@dataclass(frozen=True, slots=True)
class OrgShape:
    scope: Scope = Scope.AREA
    #: The unit the BFK belongs to (unit model), or None (the BFK belongs to ``bfk_area``).
    bfk_home_unit: int | None = None
    bfk_area: str = BFK_HOME_AREA
    #: Units outside the network (``network: false``): no IFK, no duty-post line.
    outside_units: frozenset[int] = frozenset()
    #: Unit id -> code, for the reasons a chain shows ("IFK i enhet A1").
    unit_codes: Mapping[int, str] = field(default_factory=dict)
    #: Unit id -> area code.
    unit_areas: Mapping[int, str] = field(default_factory=dict)

    @property
    def unit_scope(self) -> bool:
        return self.scope is Scope.UNIT

    def in_network(self, unit_id: int | None) -> bool:
        """A person with no unit counts as in the network (department staff)."""
        return unit_id is None or unit_id not in self.outside_units


def weekly_cap(weekly_max: int, share: int | None) -> int | None:
    """The most routed tasks a person may be given in a week: ``weekly_max`` is
    for someone with all (100 %) of their position in the network, scaled down
    by their share and never below one; 0 (or less) means no cap."""
    if weekly_max <= 0:
        return None
    return max(1, weekly_max * (share or 100) // 100)
