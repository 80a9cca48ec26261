"""The Crisis aggregate: one customer crisis, changed only by commands that record events.

Create a crisis with :meth:`Crisis.detect`; change it with its commands (``warn``,
``respond``, ``attach_signal``, ``set_level``, …). Every successful command appends one
:mod:`domain event <crisiskit.events>`, followed by the system's own events when it has
consequences (SLA timers started or stopped, a budget gone over); a refused command raises
and changes nothing — state, level, version and events are exactly as before. Collect new events with
:meth:`Crisis.pull_events`, persist them, and rebuild with :meth:`Crisis.replay`.

What a crisis needs from outside — the clock, lifecycle guards, the reopen policy — comes
in a :class:`Context`, shared by all the crises of a host application.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import cattrs
import pendulum

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.crisis import (
    actions,
    attributes,
    cases,
    merging,
    privacy,
    quality,
    recovery,
    sla,
    spending,
    statements,
    team,
)
from crisiskit.crisis._base import Evolver, Obliger, recorded_only
from crisiskit.crisis._record import CrisisSnapshot, Record
from crisiskit.crisis.actions import Actions
from crisiskit.crisis.attributes import HostAttributes
from crisiskit.crisis.cases import CustomerCases
from crisiskit.crisis.commands import REGISTRY, Command, Policies, Result, command, execute
from crisiskit.crisis.context import Context
from crisiskit.crisis.merging import Merging
from crisiskit.crisis.privacy import Privacy
from crisiskit.crisis.quality import Quality
from crisiskit.crisis.recovery import Recovery
from crisiskit.crisis.sla import SlaTiming
from crisiskit.crisis.spending import Spending
from crisiskit.crisis.statements import Statements
from crisiskit.crisis.team import Team
from crisiskit.errors import (
    ConcurrencyError,
    EventSequenceError,
    SerializationError,
    ValidationError,
)
from crisiskit.events import (
    AssessmentRecorded,
    CrisisClosed,
    CrisisDetected,
    CrisisDismissed,
    CrisisRelapsed,
    CrisisReopened,
    CustomersAdded,
    Event,
    FactsUpdated,
    LevelChanged,
    RecoveryStarted,
    ResponseStarted,
    SignalAttached,
    WarningIssued,
    WarningUpgraded,
)
from crisiskit.events.keys import KeyRing, SealingKey, as_ring
from crisiskit.events.sealing import StoredEvent, check_event, read
from crisiskit.grading import GradingInput, GradingPolicy
from crisiskit.messages import _
from crisiskit.values.customers import CustomerRef, customers_of, merge_customers
from crisiskit.values.facts import Facts
from crisiskit.values.levels import Level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import ClosedAs, CrisisState, CrisisType

__all__ = ["OPEN_COMMANDS", "Crisis"]


@serializable()
class Crisis(
    HostAttributes,
    Team,
    Statements,
    CustomerCases,
    Quality,
    Spending,
    Recovery,
    Actions,
    SlaTiming,
    Merging,
    Privacy,
):
    """A customer crisis (客户危机): the aggregate every command goes through.

    A crisis is plainly mutable: its commands record events and each event changes it in
    place. Its attributes are read-only; change a crisis only through its commands. Create
    one with :meth:`detect`, rebuild one with :meth:`replay`. Its commands are grouped by
    feature in the slices it joins; the lifecycle, signals, facts and levels are here.
    """

    __slots__ = ()

    @classmethod
    def detect(
        cls,
        context: Context,
        *,
        crisis_id: str,
        crisis_type: CrisisType | str,
        title: str,
        actor: str,
        signals: Iterable[Signal] = (),
        facts: Facts | None = None,
        reason: str | None = None,
        level: Level | str | None = None,
    ) -> Crisis:
        """Open a new crisis in state ``detected`` (its first event: :class:`~crisiskit.events.CrisisDetected`).

        Args:
            context: the clock, guards and policies to use.
            crisis_id: the host's id for the crisis.
            crisis_type: what kind of crisis it is.
            title: a short title.
            actor: who detected it.
            signals: the signals that revealed it; their customers become affected customers.
            facts: what is known so far.
            reason: why it is considered a crisis, if worth saying.
            level: the severity, when whoever detects it can already tell (a level-I incident
                reported by the general manager): it is given at once, as by
                :meth:`set_level`, so the level's targets run from the detection and the
                grading target is met.
        """
        chosen = None if level is None else _checks.member("detect(level)", level, Level)
        if not isinstance(context, Context):
            raise ValidationError(
                _("detect() needs a Context; got {type}", type=type(context).__name__)
            )
        _checks.text("crisis_id", crisis_id, max_length=200)
        _checks.text("actor", actor, max_length=200)
        event = CrisisDetected(
            crisis_id=crisis_id,
            sequence=1,
            occurred_at=context.clock.now(),
            actor=actor,
            reason=reason,
            crisis_type=crisis_type,
            title=title,
            signals=tuple(signals),
            facts=Facts() if facts is None else facts,
        )
        if not isinstance(event.facts, Facts):
            raise ValidationError(
                _("facts must be Facts; got {type}", type=type(event.facts).__name__)
            )
        context._seal(
            event, lambda: tuple(dict.fromkeys(c.customer_id for c in customers_of(event.signals)))
        )
        crisis = cls._from_detected(event, context)
        crisis._pending.append(event)
        for follow_up in crisis._follow_ups(event):  # the timers of an ungraded crisis
            crisis._commit(follow_up)
        if chosen is not None:
            crisis.set_level(
                chosen, actor=actor, reason=reason or _("the level was given at detection")
            )
        return crisis

    @classmethod
    def _from_detected(cls, event: CrisisDetected, context: Context | None) -> Crisis:
        record = Record(
            id=event.crisis_id,
            crisis_type=event.crisis_type,
            title=event.title,
            state=CrisisState.DETECTED,
            level=None,
            facts=event.facts,
            detected_at=event.occurred_at,
            updated_at=event.occurred_at,
            version=1,
            last_hash=event.hash,
        )
        record.add_signals(event.signals)
        return cls(record, context, bytearray(bytes.fromhex(event.hash[:32])))

    @classmethod
    def replay(
        cls,
        events: Iterable[StoredEvent | Event],
        context: Context | None = None,
        *,
        keys: KeyRing | SealingKey | None = None,
        until: pendulum.DateTime | None = None,
    ) -> Crisis:
        """Rebuild a crisis from its events, as it was after the last one (or at ``until``).

        Give it the stored events (:class:`~crisiskit.events.StoredEvent`): each one's seal is
        checked against its bytes as stored, then its data is upcast to the current version
        and applied. Events this process recorded or read are accepted as they are. Applying
        an event is not a state-machine transition: replay costs microseconds per event. A
        re-delivered event (same id, same sequence) is skipped; a gap, a reordering, or an
        event of another crisis raises :class:`~crisiskit.errors.EventSequenceError`, and a
        seal that does not check out :class:`~crisiskit.errors.SealError`.

        Args:
            events: the crisis's events, in order, starting with its ``CrisisDetected``.
            context: the context for commands issued after the replay; without one the
                crisis can be read but not changed.
            keys: the key ring the log was sealed with, when there is no context (a
                context's own ``keys`` are used otherwise).
            until: stop after the last event that occurred at or before this instant:
                "what did we know at ``until``?".
        """
        limit = None if until is None else _checks.instant("replay(until=)", until)
        ring = as_ring(keys) if context is None or keys is not None else context.keys
        iterator = iter(events)
        item = next(iterator, None)
        if item is None:
            raise EventSequenceError(_("replay() needs at least the crisis's CrisisDetected event"))
        first = _checked(item, ring)
        if not isinstance(first, CrisisDetected) or first.sequence != 1:
            raise EventSequenceError(
                _(
                    "a crisis's history starts with CrisisDetected at sequence 1; got "
                    "{event} at sequence {sequence}",
                    event=first.name,
                    sequence=first.sequence,
                )
            )
        if limit is not None and first.occurred_at > limit:
            raise EventSequenceError(
                _(
                    "crisis {crisis_id!r} was detected at {detected_at}, after {until}: "
                    "it did not exist yet",
                    crisis_id=first.crisis_id,
                    detected_at=first.occurred_at.isoformat(),
                    until=limit.isoformat(),
                )
            )
        crisis = cls._from_detected(first, context)
        crisis._apply_checked(iterator, ring, limit)
        return crisis

    def apply(
        self,
        events: Iterable[StoredEvent | Event],
        *,
        keys: KeyRing | SealingKey | None = None,
        until: pendulum.DateTime | None = None,
    ) -> int:
        """Apply stored events to this crisis (catching up a copy); return how many were new.

        All of them are checked before any is applied, so a bad one changes nothing: each
        seal (with ``keys``, or the context's), and that they continue this crisis's chain.
        An event already applied (same sequence and id) is a no-op. A different event at a
        sequence already applied raises :class:`~crisiskit.errors.ConcurrencyError`; a gap,
        an event of another crisis or an unknown event type raises
        :class:`~crisiskit.errors.EventSequenceError`; a seal that does not check out
        :class:`~crisiskit.errors.SealError`. Events after ``until`` are ignored.
        """
        ring = as_ring(keys) if keys is not None or self._context is None else self._context.keys
        return self._apply_checked(iter(events), ring, until)

    def _apply_checked(
        self,
        items: Iterable[StoredEvent | Event],
        ring: KeyRing | None,
        until: pendulum.DateTime | None,
    ) -> int:
        new: list[Event] = []
        version, last_hash, last_time = self.version, self.last_hash, self.updated_at
        for item in items:
            event = _checked(item, ring)
            if until is not None and event.occurred_at > until:
                break
            if event.crisis_id != self.id:
                raise EventSequenceError(
                    _(
                        "event {sequence} ({event}) belongs to crisis {other!r}, not {crisis_id!r}",
                        sequence=event.sequence,
                        event=event.name,
                        other=event.crisis_id,
                        crisis_id=self.id,
                    )
                )
            if event.sequence <= self.version:
                self._check_known(event)
                continue
            if event.sequence <= version:  # re-delivered within this batch
                if new[event.sequence - self.version - 1].event_id != event.event_id:
                    raise self._conflict(event)
                continue
            if event.sequence != version + 1:
                raise EventSequenceError(
                    _(
                        "crisis {crisis_id!r} is at version {version}: the next event must have "
                        "sequence {next}, got {sequence} ({event}); events are missing or out "
                        "of order",
                        crisis_id=self.id,
                        version=version,
                        next=version + 1,
                        sequence=event.sequence,
                        event=event.name,
                    )
                )
            if event.prev_hash != last_hash:
                raise EventSequenceError(
                    _(
                        "event {sequence} ({event}) does not link to event {version}: its "
                        "prev_hash differs from that event's hash",
                        sequence=event.sequence,
                        event=event.name,
                        version=version,
                    )
                )
            if event.occurred_at < last_time:
                raise EventSequenceError(
                    _(
                        "event {sequence} ({event}) occurred at {occurred_at}, before event "
                        "{version} ({last_time}): a crisis's history never goes back in time",
                        sequence=event.sequence,
                        event=event.name,
                        occurred_at=event.occurred_at.isoformat(),
                        version=version,
                        last_time=last_time.isoformat(),
                    )
                )
            if type(event) not in self._EVOLVE:
                raise EventSequenceError(
                    _("crisiskit does not know how to apply {event}", event=event.name)
                )
            new.append(event)
            version, last_hash, last_time = event.sequence, event.hash, event.occurred_at
        for event in new:
            self._apply(event)
        return len(new)

    def _check_known(self, event: Event) -> None:
        offset = (event.sequence - 1) * 16
        known = bytes(self._event_ids[offset : offset + 16])
        try:
            given = uuid.UUID(event.event_id).bytes
        except ValueError:
            given = b""
        if given != known:
            raise self._conflict(event)

    def _conflict(self, event: Event) -> ConcurrencyError:
        """The error for ``event`` where the crisis has (or was just given) another one."""
        return ConcurrencyError(
            _(
                "crisis {crisis_id!r} already has a different event at sequence "
                "{sequence}; {event} {event_id} conflicts with it",
                crisis_id=self.id,
                sequence=event.sequence,
                event=event.name,
                event_id=event.event_id,
            )
        )

    def __crisiskit_unstructure__(self, converter: cattrs.Converter) -> dict[str, Any]:
        # A snapshot: the public state plus the ids of the events applied, so that a crisis
        # loaded from it still recognises re-delivered events. No context, no pending events.
        data: dict[str, Any] = converter.unstructure(
            self._r.snapshot(self._event_ids.hex()), CrisisSnapshot
        )
        if not data["attributes"]:
            del data["attributes"]  # a crisis without attributes is stored as before they existed
        return data

    @classmethod
    def __crisiskit_structure__(cls, data: dict[str, Any], converter: cattrs.Converter) -> Crisis:
        snapshot = converter.structure(data, CrisisSnapshot)
        ids = snapshot.event_ids
        if (
            not isinstance(ids, str)
            or len(ids) != 32 * snapshot.version
            or snapshot.version < 1
            or any(ch not in "0123456789abcdef" for ch in ids)
        ):
            raise SerializationError(
                _(
                    "$.event_ids must hold 32 lower-case hex digits per event, one per "
                    "version; got {found} characters for version {version}",
                    found=len(ids) if isinstance(ids, str) else repr(ids),
                    version=snapshot.version,
                )
            )
        return cls(Record.from_snapshot(snapshot), None, bytearray.fromhex(ids))

    def execute(
        self,
        command: Command[Result],
        *,
        crises: Mapping[str, Crisis] | None = None,
        policies: Policies | None = None,
    ) -> Result:
        """Run a :mod:`command object <crisiskit.crisis.commands>` through the method it names.

        The very method runs — the same rules, refusals and events; a refused command changes
        nothing. ``crises`` holds, by id, the other crisis a merge names; ``policies`` the
        registry a :class:`~crisiskit.crisis.commands.Grade` finds its policy in (by default
        :data:`crisiskit.grading.POLICIES`). Anything but a command object raises
        :class:`~crisiskit.errors.UnknownValueError`.
        """
        return execute(self, command, crises=crises, policies=policies)

    @command()
    def warn(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> WarningIssued:
        """Issue a warning (预警): detected → warned, with a warning notice.

        The notice states the level, the crisis type, the affected scope and — from the
        context's emergency plan — the measures of the warning phase and the recipients by
        role. With a plan, the crisis must be graded first.
        """
        notice = self._warning_notice(self._require_context())
        return self._move("warn", WarningIssued, actor, reason, notice=notice)

    @command()
    def respond(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> ResponseStarted:
        """Start the response (启动应急响应): warned → responding, or detected → responding for a sudden crisis."""
        return self._move("respond", ResponseStarted, actor, reason)

    @command()
    def recover(
        self, *, actor: str, reason: str | None = None, expected_version: int | None = None
    ) -> RecoveryStarted:
        """Move into recovery (恢复): responding → recovering."""
        return self._move("recover", RecoveryStarted, actor, reason)

    @command()
    def close(
        self,
        summary: str,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CrisisClosed:
        """Close the crisis after recovery: recovering → closed, with a summary. A review must be recorded first."""
        summary = _checks.text("close(summary)", summary)
        return self._move("close", CrisisClosed, actor, reason, summary=summary)

    @command(reason="required")
    def dismiss(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisDismissed:
        """Dismiss a false alarm (误报): detected or warned → closed. A reason is required."""
        return self._move("dismiss", CrisisDismissed, actor, reason)

    @command(reason="required")
    def relapse(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisRelapsed:
        """The crisis flared up again: recovering → responding. A reason is required."""
        return self._move("relapse", CrisisRelapsed, actor, reason)

    @command(reason="required")
    def reopen(
        self, *, actor: str, reason: str, expected_version: int | None = None
    ) -> CrisisReopened:
        """Reopen a closed crisis: closed → responding, within the context's :class:`ReopenPolicy`."""
        return self._move(
            "reopen", CrisisReopened, actor, reason, reopen_count=self.reopen_count + 1
        )

    @command()
    def attach_signal(
        self,
        signal: Signal,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> SignalAttached:
        """Attach another signal; its customers become affected customers."""
        if not isinstance(signal, Signal):
            raise ValidationError(
                _("attach_signal() takes a Signal; got {type}", type=type(signal).__name__)
            )
        if self.has_signal(signal):
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} already has this signal: {signal!r}",
                    crisis_id=self.id,
                    signal=signal.description,
                )
            )
        return self._record(SignalAttached, actor, reason, signal=signal)

    @command()
    def add_customers(
        self,
        customers: Iterable[CustomerRef],
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> CustomersAdded:
        """Record more affected customers; those already recorded (by id) are left out."""
        given = _checks.to_tuple(customers)
        for i, customer in enumerate(given):
            if not isinstance(customer, CustomerRef):
                raise ValidationError(
                    _(
                        "add_customers()[{index}] must be a CustomerRef; got {type}",
                        index=i,
                        type=type(customer).__name__,
                    )
                )
        new = tuple(c for c in merge_customers((), given) if not self.has_customer(c.customer_id))
        if not new:
            raise ValidationError(
                _(
                    "no new customers: every one given is already recorded on crisis {crisis_id!r}",
                    crisis_id=self.id,
                )
            )
        return self._record(CustomersAdded, actor, reason, customers=new)

    @command()
    def update_facts(
        self,
        *,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
        **changes: object,
    ) -> FactsUpdated:
        """Fill in or correct facts (time, place, cause, course, scope, customers_affected)."""
        new = self.facts.updated(**changes)
        if new == self.facts:
            raise ValidationError(
                _(
                    "update_facts() changes nothing: the facts of crisis {crisis_id!r} "
                    "already read so",
                    crisis_id=self.id,
                )
            )
        return self._record(FactsUpdated, actor, reason, old=self.facts, new=new)

    @command(reason="required")
    def set_level(
        self, level: Level | str, *, actor: str, reason: str, expected_version: int | None = None
    ) -> LevelChanged:
        """Set the level by hand: any open state, a reason required. The state does not change."""
        level = _checks.member("set_level(level)", level, Level)
        if level is self.level:
            raise ValidationError(
                _(
                    "crisis {crisis_id!r} is already level {level}",
                    crisis_id=self.id,
                    level=level.value,
                )
            )
        return self._record(LevelChanged, actor, reason, old_level=self.level, new_level=level)

    def regrade(
        self, level: Level | str, *, actor: str, reason: str, expected_version: int | None = None
    ) -> LevelChanged:
        """Deprecated name of :meth:`set_level` (it goes in 0.3)."""
        warnings.warn(
            "Crisis.regrade() is now Crisis.set_level(); regrade goes in crisiskit 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.set_level(level, actor=actor, reason=reason, expected_version=expected_version)

    @command()
    def grade(
        self,
        policy: GradingPolicy,
        *,
        factors: Mapping[str, float] | None = None,
        actor: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> LevelChanged | AssessmentRecorded:
        """Grade the crisis with ``policy``: the level follows the assessment.

        The policy reads the crisis's type, signals, customers and facts, the analyst's
        ``factors`` and the current level (for hysteresis). When the level changes this
        records :class:`~crisiskit.events.LevelChanged` carrying the assessment, its reason
        the assessment's own; otherwise :class:`~crisiskit.events.AssessmentRecorded`.
        """
        if not isinstance(policy, GradingPolicy):
            raise ValidationError(
                _("grade() takes a GradingPolicy; got {type}", type=type(policy).__name__)
            )
        inputs = GradingInput(
            crisis_type=self.crisis_type,
            signals=self.signals,
            customers=self.customers,
            facts=self.facts,
            factors=factors or {},
            previous_level=self.level,
        )
        assessment = policy.assess(inputs, at=self._now(self._require_context()))
        if assessment.changes(self.level):
            return self._record(
                LevelChanged,
                actor,
                reason or assessment.reason("en"),
                old_level=self.level,
                new_level=assessment.level,
                assessment=assessment,
            )
        return self._record(AssessmentRecorded, actor, reason, assessment=assessment)


def _signal_attached(r: Record, event: SignalAttached) -> None:
    r.add_signals((event.signal,))


def _customers_added(r: Record, event: CustomersAdded) -> None:
    r.add_customers(event.customers)


def _facts_updated(r: Record, event: FactsUpdated) -> None:
    r.facts = event.new


def _level_changed(r: Record, event: LevelChanged) -> None:
    r.level = event.new_level
    if event.assessment is not None:
        r.assessment = event.assessment


def _assessed(r: Record, event: AssessmentRecorded) -> None:
    r.assessment = event.assessment


def _closed(r: Record, event: CrisisClosed) -> None:
    r.closed_at, r.closed_as, r.summary = event.occurred_at, ClosedAs.RESOLVED, event.summary


def _dismissed(r: Record, event: CrisisDismissed) -> None:
    r.closed_at, r.closed_as = event.occurred_at, ClosedAs.DISMISSED


def _reopened(r: Record, event: CrisisReopened) -> None:
    r.closed_at = r.closed_as = r.summary = r.duplicate_of = None
    r.reopen_count = event.reopen_count


def _warned(r: Record, event: WarningIssued | WarningUpgraded) -> None:
    if event.notice is not None:
        r.notice = event.notice


EVOLVE: dict[type[Event], Evolver] = {
    CrisisDetected: recorded_only,
    WarningUpgraded: _warned,
    SignalAttached: _signal_attached,
    CustomersAdded: _customers_added,
    FactsUpdated: _facts_updated,
    LevelChanged: _level_changed,
    AssessmentRecorded: _assessed,
    WarningIssued: _warned,
    ResponseStarted: recorded_only,
    RecoveryStarted: recorded_only,
    CrisisRelapsed: recorded_only,
    CrisisClosed: _closed,
    CrisisDismissed: _dismissed,
    CrisisReopened: _reopened,
}
"""How each event of this slice changes the crisis's state record."""


EVOLVE_ALL: dict[type[Event], Evolver] = {}
for _table in (
    EVOLVE,
    attributes.EVOLVE,
    team.EVOLVE,
    statements.EVOLVE,
    cases.EVOLVE,
    quality.EVOLVE,
    spending.EVOLVE,
    recovery.EVOLVE,
    actions.EVOLVE,
    sla.EVOLVE,
    merging.EVOLVE,
    privacy.EVOLVE,
):
    for _kind in _table:
        if _kind in EVOLVE_ALL:  # pragma: no cover - a slice claims another's event
            raise TypeError(f"{_kind.__name__} is evolved by two slices")
    EVOLVE_ALL.update(_table)
Crisis._EVOLVE = EVOLVE_ALL

OBLIGATIONS_ALL: dict[type[Event], tuple[Obliger, ...]] = {}
for _owes in (
    cases.OBLIGATIONS,
    quality.OBLIGATIONS,
    recovery.OBLIGATIONS,
    statements.OBLIGATIONS,
    actions.OBLIGATIONS,
):
    for _kind, _obliger in _owes.items():
        OBLIGATIONS_ALL[_kind] = (*OBLIGATIONS_ALL.get(_kind, ()), _obliger)
Crisis._OBLIGATIONS = OBLIGATIONS_ALL

OPEN_COMMANDS: tuple[str, ...] = tuple(s.name for s in REGISTRY.values() if not s.move)
"""The commands that do not move the lifecycle state, read off the registry."""


def _checked(item: object, ring: KeyRing | None) -> Event:
    if isinstance(item, StoredEvent):
        return read(item, ring)
    if isinstance(item, Event):
        check_event(item, ring)
        return item
    raise EventSequenceError(
        _(
            "replay() and apply() take stored events (or events); got {type}",
            type=type(item).__name__,
        )
    )
