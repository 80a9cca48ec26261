"""The context a crisis runs in: its clock, guards, reopen policy, plan and SLA policy."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit.crisis.lifecycle import CrisisLifecycle, Guard, ReopenPolicy
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.events import Event, KeyRing
from crisiskit.events.keys import as_ring
from crisiskit.events.sealing import seal
from crisiskit.messages import _, coded
from crisiskit.plan import EmergencyPlan
from crisiskit.serialization import _all_subclasses
from crisiskit.sla import SlaMetric, SlaPolicy, SlaTarget
from crisiskit.values.attributes import AttributeSchema
from crisiskit.values.clock import Clock
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import PUBLIC_AUDIENCES, CrisisType

__all__ = ["Context"]

E = TypeVar("E", bound=Event)


def _is_clock(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Clock):
        raise ValidationError(
            _(
                "Context.clock must have a now() method returning an aware datetime "
                "(SystemClock, ManualClock); got {type}",
                type=type(value).__name__,
            )
        )


def _is_plan(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, EmergencyPlan):
        raise ValidationError(
            _(
                "Context.plan must be an EmergencyPlan or None; got {type}",
                type=type(value).__name__,
            )
        )


def _is_sla(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, SlaPolicy):
        raise ValidationError(
            _("Context.sla must be an SlaPolicy or None; got {type}", type=type(value).__name__)
        )
    if value is not None and value.event_rules:
        known = {cls.__name__ for cls in _all_subclasses(Event)}
        for rule in value.event_rules:
            if rule.event not in known:
                raise PolicyError(
                    _(
                        "the SLA policy's event rule for {metric} names the event {event!r}, "
                        "which crisiskit does not have; events: {known}",
                        metric=coded(rule.metric),
                        event=rule.event,
                        known=", ".join(sorted(known)),
                    )
                )


def _is_entropy(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        raise ValidationError(
            _(
                "Context.entropy must be a function n -> n random bytes (os.urandom); got {type}",
                type=type(value).__name__,
            )
        )


def _to_marked(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, frozenset | set | list | tuple):
        raise ValidationError(
            _('Context.personal must be a set of "Event.field" names; got {value!r}', value=value)
        )
    for name in value:
        if not isinstance(name, str) or name.count(".") != 1:
            raise ValidationError(
                _(
                    'Context.personal names fields as "Type.field", e.g. '
                    '"ProgressReported.summary"; got {name!r}',
                    name=name,
                )
            )
    return frozenset(value)


def _is_schema(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, AttributeSchema):
        raise ValidationError(
            _(
                "Context.attributes must be an AttributeSchema or None; got {type}",
                type=type(value).__name__,
            )
        )


@frozen
class Context:
    """What a crisis needs from outside: the clock, lifecycle guards, the reopen policy.

    One context is usually shared by all the crises of an application. It is immutable;
    :meth:`with_guards` returns a copy with more guards.

    Args:
        clock: where "now" comes from (``SystemClock()`` in production, a ``ManualClock``
            in tests and simulations).
        guards: extra conditions on lifecycle moves (see :class:`~crisiskit.crisis.lifecycle.Guard`).
        reopen: how long after closing, and how often, a crisis may be reopened.
        plan: the emergency plan, if the host uses one: it supplies the warning notice, the
            roles required before the response starts, the audiences statements may go to
            and their approvers, and the budgets spending is tracked against.
        sla: the SLA policy, if the host times its crises: grading starts the timers of the
            level, level changes re-target them, lifecycle moves stop or restart them, and
            acknowledgements, first contacts and public statements fulfil them. With a plan
            too, the plan's communication rules set the first-statement and update-cadence
            targets (see :meth:`sla_for`).
        attributes: the host's own attributes on its crises (a ticket link, a region, tags),
            declared once; ``set_attributes`` checks values against it.
        keys: if given, events are sealed with HMAC-SHA-256 under the ring's current key, so a
            log cannot be rewritten consistently without it; older keys in the ring check
            events sealed before a rotation (a single :class:`~crisiskit.events.SealingKey`
            is a ring of one). :func:`~crisiskit.events.verify` takes the same ring.
        entropy: where the salts of personal-data commitments come from: ``n`` → ``n``
            unpredictable bytes (``os.urandom``; a seeded source in tests).
        personal: fields the host marks personal, as ``"Type.field"`` (e.g.
            ``"ProgressReported.summary"``), besides customer names, case notes, callback
            comments and compensation notes: they are kept out of the hashed data, so they
            can be erased without breaking the chain.
    """

    clock: Clock = field(validator=_is_clock)
    guards: tuple[Guard, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Guard, "Guard")
    )
    reopen: ReopenPolicy = field(factory=ReopenPolicy)
    plan: EmergencyPlan | None = field(default=None, validator=_is_plan)
    sla: SlaPolicy | None = field(default=None, validator=_is_sla)
    attributes: AttributeSchema | None = field(default=None, validator=_is_schema)
    keys: KeyRing | None = field(default=None, converter=as_ring, repr=False)
    entropy: Callable[[int], bytes] = field(
        default=os.urandom, repr=False, eq=False, validator=_is_entropy
    )
    personal: frozenset[str] = field(default=frozenset(), converter=_to_marked)
    _local: threading.local = field(factory=threading.local, init=False, eq=False, repr=False)
    _sla_by_type: dict[CrisisType, SlaPolicy] = field(
        factory=dict, init=False, eq=False, repr=False
    )

    def with_guards(self, *guards: Guard) -> Context:
        """A copy of this context with ``guards`` added."""
        return attrs.evolve(self, guards=(*self.guards, *guards))

    def _seal(self, event: E, about: Callable[[], tuple[str, ...]]) -> E:
        return seal(
            event,
            None if self.keys is None else self.keys.current,
            entropy=self.entropy,
            personal=self.personal,
            about=about,
        )

    def sla_for(self, crisis_type: CrisisType | str) -> SlaPolicy | None:
        """The SLA policy a crisis of ``crisis_type`` runs on (None without one).

        Without a plan, that is :attr:`sla`. With a plan, its communication rules decide two
        targets per level: the first public statement (the shortest ``first_within`` among
        the required rules for customers and media) and the progress-update cadence (the
        shortest ``cadence`` among them), each on the rule's calendar; a level whose rules
        set neither has no such target. The other targets are the SLA policy's own.
        """
        if self.sla is None or self.plan is None:
            return self.sla
        crisis_type = _checks.member("sla_for(crisis_type)", crisis_type, CrisisType)
        found = self._sla_by_type.get(crisis_type)
        if found is None:
            found = self._sla_by_type[crisis_type] = _with_plan_cadence(
                self.sla, self.plan, crisis_type
            )
        return found

    def _machine(self) -> CrisisLifecycle:
        # A machine costs ~150 µs and ~10 KB to build, so crises do not carry one: each
        # thread keeps one per context and loads a crisis's state into it per command.
        machine: CrisisLifecycle | None = getattr(self._local, "machine", None)
        if machine is None:
            machine = CrisisLifecycle()
            self._local.machine = machine
        return machine


_FROM_PLAN = frozenset({SlaMetric.PUBLIC_STATEMENT, SlaMetric.PROGRESS_UPDATE})


def _with_plan_cadence(sla: SlaPolicy, plan: EmergencyPlan, crisis_type: CrisisType) -> SlaPolicy:
    targets = [t for t in sla.targets if t.metric not in _FROM_PLAN]
    for level in Level:
        rules = [
            r
            for r in plan.for_crisis(crisis_type, level).communications
            if r.required and r.audience in PUBLIC_AUDIENCES
        ]
        firsts = [(r.first_within, r.calendar) for r in rules if r.first_within is not None]
        cadences = [(r.cadence, r.calendar) for r in rules if r.cadence is not None]
        if firsts:
            duration, calendar = min(firsts)
            targets.append(SlaTarget(level, SlaMetric.PUBLIC_STATEMENT, duration, calendar))
        if cadences:
            duration, calendar = min(cadences)
            targets.append(SlaTarget(level, SlaMetric.PROGRESS_UPDATE, duration, calendar))
    metrics, levels = list(SlaMetric), [None, *Level]
    targets.sort(key=lambda t: (metrics.index(t.metric), levels.index(t.level)))
    return attrs.evolve(sla, targets=tuple(targets))
