"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from storage.models.app_state import AppState
from storage.models.audit import AuditEvent, AuditImmutableError
from storage.models.availability import Absence, AvailabilityStatus, Substitute
from storage.models.base import Base
from storage.models.decisions import Decision
from storage.models.directory import ActingLeader, Area, Organisation, Person, RoleAssignment, Unit
from storage.models.issues import LineIssue
from storage.models.meetings import Meeting, MeetingOccurrence, Minutes
from storage.models.outbox import OutboxMessage
from storage.models.production import Exemption, ProductionLog
from storage.models.requests import Offer, Request
from storage.models.scheduler_lock import SchedulerLock, SchedulerTick
from storage.models.timers import Timer
from storage.models.training import GroupSession, GroupSignup, TrainingRecord

__all__ = [
    "Absence",
    "ActingLeader",
    "AppState",
    "Area",
    "AuditEvent",
    "AuditImmutableError",
    "AvailabilityStatus",
    "Base",
    "Decision",
    "Exemption",
    "GroupSession",
    "GroupSignup",
    "LineIssue",
    "Meeting",
    "MeetingOccurrence",
    "Minutes",
    "Offer",
    "Organisation",
    "OutboxMessage",
    "Person",
    "ProductionLog",
    "Request",
    "RoleAssignment",
    "SchedulerLock",
    "SchedulerTick",
    "Substitute",
    "Timer",
    "TrainingRecord",
    "Unit",
]
