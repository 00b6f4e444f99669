"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from storage.models.base import Base
from storage.models.directory import Area, Person, RoleAssignment, Unit

__all__ = ["Area", "Base", "Person", "RoleAssignment", "Unit"]
