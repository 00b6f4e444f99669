"""The sandbox's workspace, derived from the demo directory: who can be picked
on the page (with Norwegian role names) and who is in which channel.

Channel membership (a rule of the sandbox, documented in the README):

* ``#ifn-nettverk`` – everyone in the directory with a Slack id: caseworkers
  sign up for group sessions and read the meeting reminders there;
* ``#ifn-ledelse`` – the department's management, the area leaders, the
  fagsjef, the IFRs and the admins (the monthly quality report and the minutes
  go there); unit leaders, coordinators and caseworkers are not in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.directory_file import DirectoryFile
from bot.domain.language import Lang
from bot.i18n import t


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    key: str  # how the page names it


NETWORK = Channel("CNETWORK01", "ifn-nettverk", "network")
MANAGEMENT = Channel("CMGMT00001", "ifn-ledelse", "management")
CHANNELS = (NETWORK, MANAGEMENT)

#: Roles whose holders are in the management channel.
MANAGEMENT_ROLES = frozenset({"management", "area_leader", "fagsjef", "ifr", "admin"})


def role_codes(person: Any) -> list[str]:
    return [str(getattr(r.role, "value", r.role)) for r in person.roles]


def channel_members(org: DirectoryFile) -> dict[str, list[str]]:
    """Channel id -> the Slack ids of its members (see the module docstring)."""
    people = [p for p in org.people if p.slack_id]
    return {
        NETWORK.id: [p.slack_id for p in people],
        MANAGEMENT.id: [p.slack_id for p in people if MANAGEMENT_ROLES & set(role_codes(p))],
    }


def people(org: DirectoryFile) -> list[dict[str, Any]]:
    """Everyone the page can be: id, name, area, unit, role codes and a label
    with the roles' Norwegian names, e.g. ``Ola Hansen — intervjufaglig
    koordinator (IFK), saksbehandler (B1)``."""
    units = {u.code: u for u in org.units}
    out = []
    for p in org.people:
        if not p.slack_id:
            continue
        area = p.area or (units[p.unit].area if p.unit in units else None)
        codes = role_codes(p)
        names = [t(Lang.NB, f"role.{code}") for code in codes]
        where = p.unit or area
        label = f"{p.name} — {', '.join(names)}" + (f" ({where})" if where else "")
        out.append({"id": p.slack_id, "name": p.name, "area": area, "unit": p.unit, "roles": codes,
                    "role_names": names, "label": label, "language": p.language,
                    "handle": (p.email or p.name).split("@")[0].lower().replace(" ", ".")})
    return out
