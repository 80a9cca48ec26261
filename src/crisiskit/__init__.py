"""crisiskit: manage customer crises inside your CRM.

A pure-domain SDK: typed entities, a crisis lifecycle, grading, SLA timers over business
calendars, and domain events a host application persists, audits and replays. No database,
no network, no wall-clock reads (time comes from a :class:`Clock`), and no global state but
the roles, crisis types, channels and audiences a host registers once at start-up.

Everything listed in ``__all__`` is public API; modules whose names start with ``_`` are
private.
"""

from crisiskit import _compat
from crisiskit._version import __version__
from crisiskit.app.scenario import Scenario, simulate
from crisiskit.calendar import BusinessCalendar
from crisiskit.crisis import Context, Crisis
from crisiskit.crisis.lifecycle import Guard, ReopenPolicy
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
from crisiskit.grading import Assessment, GradingInput, GradingPolicy
from crisiskit.operations.compensation import CompensationKind
from crisiskit.operations.customer_cases import CaseStep
from crisiskit.operations.review import Review
from crisiskit.operations.statements import Medium
from crisiskit.plan import EmergencyPlan
from crisiskit.serialization import from_dict, from_json, to_dict, to_json
from crisiskit.sla import SlaMetric, SlaPolicy, SlaTimer
from crisiskit.values.clock import Clock, SystemClock
from crisiskit.values.customers import CustomerRef
from crisiskit.values.facts import Facts
from crisiskit.values.labels import LabelledEnum, Lang
from crisiskit.values.levels import Colour, Level
from crisiskit.values.money import Money
from crisiskit.values.open_enum import OpenLabelledEnum
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import (
    Audience,
    Channel,
    ChannelGroup,
    CrisisState,
    CrisisType,
    Role,
)

_compat.install()

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
    "OpenLabelledEnum",
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
