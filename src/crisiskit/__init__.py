"""crisiskit: manage customer crises inside your CRM.

A pure-domain SDK: typed entities, a crisis lifecycle, grading, SLA timers over business
calendars, and domain events a host application persists, audits and replays. No database,
no network, no global state, no wall-clock reads: time comes from a :class:`Clock`.

Everything listed in ``__all__`` is public API; modules whose names start with ``_`` are
private.
"""

from crisiskit._version import __version__
from crisiskit.calendar import BusinessCalendar
from crisiskit.clock import Clock, SystemClock
from crisiskit.communications import Medium
from crisiskit.compensation import CompensationKind
from crisiskit.crisis import Context, Crisis
from crisiskit.customer_cases import CaseStep
from crisiskit.customers import CustomerRef
from crisiskit.errors import (
    CalendarError,
    ConcurrencyError,
    CrisisKitError,
    InvalidTransition,
    PolicyError,
    SerializationError,
    ValidationError,
)
from crisiskit.events import Event, verify
from crisiskit.facts import Facts
from crisiskit.grading import Assessment, GradingInput, GradingPolicy
from crisiskit.labels import LabelledEnum, Lang
from crisiskit.levels import Colour, Level
from crisiskit.lifecycle import Guard, ReopenPolicy
from crisiskit.money import Money
from crisiskit.plan import EmergencyPlan
from crisiskit.review import Review
from crisiskit.scenario import Scenario, simulate
from crisiskit.serialization import from_dict, from_json, to_dict, to_json
from crisiskit.signals import Signal
from crisiskit.sla import SlaMetric, SlaPolicy, SlaTimer
from crisiskit.vocabulary import Audience, Channel, ChannelGroup, CrisisState, CrisisType, Role

__all__ = [
    "Assessment",
    "Audience",
    "BusinessCalendar",
    "CalendarError",
    "CaseStep",
    "Channel",
    "ChannelGroup",
    "Clock",
    "Colour",
    "CompensationKind",
    "ConcurrencyError",
    "Context",
    "Crisis",
    "CrisisKitError",
    "CrisisState",
    "CrisisType",
    "CustomerRef",
    "EmergencyPlan",
    "Event",
    "Facts",
    "GradingInput",
    "GradingPolicy",
    "Guard",
    "InvalidTransition",
    "LabelledEnum",
    "Lang",
    "Level",
    "Medium",
    "Money",
    "PolicyError",
    "ReopenPolicy",
    "Review",
    "Role",
    "Scenario",
    "SerializationError",
    "Signal",
    "SlaMetric",
    "SlaPolicy",
    "SlaTimer",
    "SystemClock",
    "ValidationError",
    "__version__",
    "from_dict",
    "from_json",
    "simulate",
    "to_dict",
    "to_json",
    "verify",
]
