"""The monitor: signals in, per-key sliding windows, indicator readings, decisions out.

Everything here is pure: the monitor reads time from the signals (``observed_at``) and, for
snoozing, from the :class:`~crisiskit.values.clock.Clock` it is given; it does no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.checks import FrozenMetrics
from crisiskit._internal.registry import serializable
from crisiskit.errors import ValidationError
from crisiskit.grading import _util
from crisiskit.grading.explanation import Bilingual, level_said
from crisiskit.grading.indicators import IndicatorRule
from crisiskit.messages import _
from crisiskit.monitor.config import MonitorConfig
from crisiskit.monitor.decisions import Decision, DecisionKind
from crisiskit.values.clock import Clock
from crisiskit.values.levels import Level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import Channel, ChannelGroup

__all__ = ["KeyState", "Monitor", "MonitorState", "Window", "decide"]

# The counters of a bucket, in order; floats are kept as whole micro-units, so that sums
# taken in any order (or rebuilt from saved buckets) are exactly equal.
_N, _OPINION, _NEGATIVE, _HEAT, _NEWS, _SAT, _SAT_N, _COMPLAINTS, _ORDERS = range(9)
_FIXED = 9
_MICRO = 1_000_000


def _micro(value: float) -> int:
    return round(value * _MICRO)


class Window:
    """A key's current window and the one before it: what indicators are computed from.

    A host indicator is a function of this object (see :meth:`Monitor.readings`). Counts
    are numbers of signals; ``heat`` is the sum over public-opinion signals of their
    ``heat`` metric (1 for a post without one); a *negative report* is a public-opinion
    signal whose ``sentiment`` metric is below 0; a *complaint* is a signal from a
    customer-feedback channel, unless its ``complaint`` metric is 0 (an inquiry); ``orders`` sums the ``orders`` metric; ``satisfaction`` is
    the mean of the ``satisfaction`` metric (a score 0–100).
    """

    __slots__ = ("_current", "_previous", "_track", "key", "span")

    def __init__(
        self,
        key: str,
        current: list[int],
        previous: list[int],
        span: dt.timedelta,
        track: Mapping[str, int],
    ) -> None:
        self.key = key
        """The key the window is about."""
        self.span = span
        """The length of each window (wall or business time)."""
        self._current = current
        self._previous = previous
        self._track = track

    def _of(self, previous: bool) -> list[int]:
        return self._previous if previous else self._current

    def count(self, *, previous: bool = False) -> int:
        """How many signals fell in the window."""
        return self._of(previous)[_N]

    def heat(self, *, previous: bool = False) -> float:
        """Public-opinion heat: the ``heat`` of every public-opinion signal, summed."""
        return self._of(previous)[_HEAT] / _MICRO

    def rated_opinion(self, *, previous: bool = False) -> int:
        """How many public-opinion signals carried a ``sentiment`` reading."""
        return self._of(previous)[_OPINION]

    def negative_reports(self, *, previous: bool = False) -> int:
        """How many public-opinion signals were negative (``sentiment`` below 0)."""
        return self._of(previous)[_NEGATIVE]

    def media(self, *, previous: bool = False) -> int:
        """How many news-media signals fell in the window."""
        return self._of(previous)[_NEWS]

    def complaints(self, *, previous: bool = False) -> int:
        """How many signals came from customer-feedback channels."""
        return self._of(previous)[_COMPLAINTS]

    def orders(self, *, previous: bool = False) -> float:
        """The ``orders`` metric, summed."""
        return self._of(previous)[_ORDERS] / _MICRO

    def satisfaction(self, *, previous: bool = False) -> float | None:
        """The mean ``satisfaction`` reading (0–100), or None without one."""
        counters = self._of(previous)
        return counters[_SAT] / _MICRO / counters[_SAT_N] if counters[_SAT_N] else None

    def total(self, metric: str, *, previous: bool = False) -> float:
        """The sum of a tracked host metric (see :attr:`MonitorConfig.track`)."""
        index = self._track.get(metric)
        if index is None:
            raise ValidationError(
                _(
                    "Window.total({metric!r}): only tracked metrics are summed; tracked: {tracked} (MonitorConfig(track=...))",
                    metric=metric,
                    tracked=tuple(self._track) or _("none"),
                )
            )
        return self._of(previous)[index] / _MICRO


class _Compiled:
    """Rules as plain tuples, for the per-signal path: (rule, rising, ((severity, level, threshold), ...))."""

    __slots__ = ("rules",)

    def __init__(self, rules: Iterable[IndicatorRule]) -> None:
        self.rules = tuple(
            (
                rule,
                rule.comparison == "≥",
                tuple((level.severity, level, threshold) for level, threshold in rule.thresholds),
            )
            for rule in rules
        )

    def reached(
        self, readings: Mapping[str, float]
    ) -> tuple[int, tuple[IndicatorRule, float, float, Level] | None]:
        best, decider = 0, None
        for rule, rising, thresholds in self.rules:
            value = readings.get(rule.indicator)
            if value is None:
                continue
            for severity, level, threshold in thresholds:
                if (value >= threshold) if rising else (value <= threshold):
                    if severity > best:
                        best, decider = severity, (rule, value, threshold, level)
                    break
        return best, decider

    def approaching(
        self, readings: Mapping[str, float], watch_at: float
    ) -> tuple[IndicatorRule, float, float] | None:
        for rule, rising, thresholds in self.rules:
            value = readings.get(rule.indicator)
            if value is None:
                continue
            lowest = thresholds[-1][2]
            band = abs(lowest) * (1 - watch_at)
            if (value >= lowest - band) if rising else (value <= lowest + band):
                return rule, value, lowest
        return None

    def released(self, readings: Mapping[str, float], open_at: Level, hysteresis: float) -> bool:
        for rule, _rising, _thresholds in self.rules:
            value = readings.get(rule.indicator)
            if value is None:
                continue
            held = rule.held(value, hysteresis)
            if held is not None and held >= open_at:
                return False
        return True


def decide(
    rules: Iterable[IndicatorRule],
    readings: Mapping[str, float],
    *,
    open_at: Level = Level.IV,
    watch_at: float = 0.5,
    hysteresis: float = 0.0,
    crisis_level: Level | None = None,
    armed: bool = True,
) -> tuple[DecisionKind, Level | None, Bilingual]:
    """The decision the readings call for, pure: kind, level and reason.

    ``crisis_level`` is the level of the key's open crisis (None: none open); ``armed``
    is False after a crisis of the key closed while the readings have not yet fallen below
    the release points (``threshold × (1 − hysteresis)``) of the ``open_at`` level.

    Worse readings never give a weaker decision (``DecisionKind.rank``) or a lower level.

    >>> from crisiskit.grading import DEFAULT_RULES
    >>> kind, level, why = decide(DEFAULT_RULES, {"heat": 12_000})
    >>> kind.value, level.value, why.en
    ('open', 'II', 'public-opinion heat 12000 ≥ 10000, the II threshold')
    """
    return _decide(
        _Compiled(rules),
        readings,
        open_at=open_at,
        watch_at=watch_at,
        hysteresis=hysteresis,
        crisis_level=crisis_level,
        armed=armed,
    )


def _decide(
    rules: _Compiled,
    readings: Mapping[str, float],
    *,
    open_at: Level,
    watch_at: float,
    hysteresis: float,
    crisis_level: Level | None,
    armed: bool,
) -> tuple[DecisionKind, Level | None, Bilingual]:
    best, decider = rules.reached(readings)
    if crisis_level is not None:
        if decider is not None and best > _SEVERITY[crisis_level._value_]:
            return DecisionKind.RAISE, decider[3], _threshold_text(*decider)
        return DecisionKind.ATTACH, crisis_level, _attach_text(crisis_level)
    if decider is not None and best >= _SEVERITY[open_at._value_]:
        if armed:
            return DecisionKind.OPEN, decider[3], _threshold_text(*decider)
        rule, value, _threshold, level = decider
        point = rule.release_point(open_at, hysteresis)
        still = (
            _(
                "{indicator} {value} is still high, but a crisis of this key closed and the "
                "readings have not fallen back below the release point since (hysteresis): no "
                "new crisis",
                indicator=rule.label,
                value=_util.fmt(value),
            )
            if point is None
            else _(
                "{indicator} {value} is still high, but a crisis of this key closed and the "
                "readings have not fallen back below the release point {point} since "
                "(hysteresis): no new crisis",
                indicator=rule.label,
                value=_util.fmt(value),
                point=_util.fmt(point),
            )
        )
        return DecisionKind.WATCH, level, Bilingual.of(still)
    if decider is not None:  # a level below the one that opens a crisis
        rule, value, threshold, level = decider
        return (
            DecisionKind.WATCH,
            level,
            Bilingual._later(
                lambda: _(
                    "{indicator} {value} {comparison} {threshold}, the {level} threshold; a "
                    "crisis opens from {open_at}",
                    indicator=rule.label,
                    value=_util.fmt(value),
                    comparison=rule.comparison,
                    threshold=_util.fmt(threshold),
                    level=level.value,
                    open_at=level_said(open_at),
                )
            ),
        )
    rising = readings.get("count_growth", 0.0) > 0
    if not rising:
        return DecisionKind.NONE, None, _NONE_FLAT
    near = rules.approaching(readings, watch_at)
    if near is None:
        return DecisionKind.NONE, None, _NONE_RISING
    rule, value, threshold = near
    return (
        DecisionKind.WATCH,
        None,
        Bilingual._later(
            lambda: _(
                "{indicator} {value} is approaching the threshold {threshold} and signals are "
                "rising",
                indicator=rule.label,
                value=_util.fmt(value),
                threshold=_util.fmt(threshold),
            )
        ),
    )


_NONE_FLAT = Bilingual.of(_("no indicator reaches its threshold, and signals are not rising"))
_NONE_RISING = Bilingual.of(_("signals are rising, but no indicator is near its threshold"))
_ATTACH_TEXT: dict[str, Bilingual] = {}
_SEVERITY = {level.value: level.severity for level in Level}  # by value: no enum hashing


def _attach_text(level: Level) -> Bilingual:
    text = _ATTACH_TEXT.get(level._value_)
    if text is None:
        text = _ATTACH_TEXT[level._value_] = Bilingual.of(
            _(
                "the key's crisis is open at {level}; the readings call for no higher level",
                level=level_said(level),
            )
        )
    return text


def _threshold_text(rule: IndicatorRule, value: float, threshold: float, level: Level) -> Bilingual:
    # Said when read (Bilingual._later): most decisions' reasons never are.
    return Bilingual._later(
        lambda: _(
            "{indicator} {value} {comparison} {threshold}, the {level} threshold",
            indicator=rule.label,
            value=_util.fmt(value),
            comparison=rule.comparison,
            threshold=_util.fmt(threshold),
            level=level.value,
        ),
    )


class _Key:
    __slots__ = (
        "armed",
        "buckets",
        "crisis_id",
        "crisis_last",
        "crisis_level",
        "current",
        "evidence",
        "latest",
        "previous",
        "seen",
        "snoozed_until",
    )

    def __init__(self, width: int, evidence: int) -> None:
        self.buckets: dict[int, list[int]] = {}
        self.latest: int | None = None
        self.current = [0] * width
        self.previous = [0] * width
        self.seen: dict[str, int] = {}
        self.evidence: deque[Signal] = deque(maxlen=evidence)
        self.crisis_id: str | None = None
        self.crisis_level: Level | None = None
        self.crisis_last: float | None = None
        self.armed = True
        self.snoozed_until: pendulum.DateTime | None = None


@serializable("MonitorKeyState")
@frozen(kw_only=True)
class KeyState:
    """The saved state of one key: its buckets, deduplication memory, open crisis and snooze."""

    key: str = field(validator=_checks.is_text)
    """The key."""
    latest: int | None = field(default=None)
    """The index of the key's latest bucket."""
    buckets: tuple[tuple[int, tuple[int, ...]], ...] = field(default=())
    """(bucket index, counters) of every non-empty bucket of both windows."""
    seen: tuple[tuple[str, int], ...] = field(default=())
    """(source reference, bucket index) of the sources counted, oldest first."""
    evidence: tuple[Signal, ...] = field(default=())
    """The key's most recent signals, oldest first."""
    crisis_id: str | None = field(default=None)
    """The key's open crisis, if any."""
    crisis_level: Level | None = field(default=None)
    """Its level."""
    crisis_last: float | None = field(default=None)
    """When its last signal arrived, in the monitor's time (seconds)."""
    armed: bool = field(default=True)
    """False while the readings have not fallen back since the key's last crisis closed."""
    snoozed_until: pendulum.DateTime | None = field(default=None)
    """The end of the host's snooze, if any."""


@serializable()
@frozen(kw_only=True)
class MonitorState:
    """Everything a :class:`Monitor` remembers, for :func:`~crisiskit.serialization.to_dict`."""

    settings: str = field(validator=_checks.is_text)
    """The settings the state was made under (see :meth:`MonitorConfig.settings`)."""
    next_id: int = field(default=1)
    """The number of the next crisis id to propose."""
    keys: tuple[KeyState, ...] = field(default=())
    """The keys, in the order they were first seen."""


class Monitor:
    """Turns a stream of signals into decisions — no warning, watch, open, attach, raise.

    Args:
        config: the windows, thresholds and limits (default :class:`MonitorConfig()`).
        clock: where "now" comes from, for snoozing.
        key: what a signal is about (a product, a batch, a store, a customer, a topic):
            a function of the signal returning a non-empty string.
        state: a saved :class:`MonitorState` to continue from (see :meth:`state`).

    Override :meth:`readings` to add indicators of your own (a function of the
    :class:`Window`), and give their thresholds in ``config.rules``.
    """

    def __init__(
        self,
        config: MonitorConfig | None = None,
        *,
        clock: Clock,
        key: Callable[[Signal], str],
        state: MonitorState | None = None,
    ) -> None:
        self.config = MonitorConfig() if config is None else config
        if not isinstance(self.config, MonitorConfig):
            raise ValidationError(
                _("Monitor config must be a MonitorConfig; got {config!r}", config=config)
            )
        if not isinstance(clock, Clock):
            raise ValidationError(
                _("Monitor needs a Clock (with now()); got {clock!r}", clock=clock)
            )
        if not callable(key):
            raise ValidationError(
                _("Monitor key must be a function of a signal; got {key!r}", key=key)
            )
        self.clock = clock
        self._key_of = key
        self._compiled = _Compiled(self.config.indicator_rules)
        self._buckets = self.config.buckets
        self._bucket_s = self.config.bucket.total_seconds()
        self._merge_s = self.config.merge_window.total_seconds()
        self._track = {name: _FIXED + i for i, name in enumerate(self.config.track)}
        self._width = _FIXED + len(self._track)
        self._calendar = self.config.calendar
        self._anchor = None if self._calendar is None else self._calendar.coverage()[0]
        self._groups: dict[Channel, ChannelGroup] = {}
        self._keys: dict[str, _Key] = {}
        self._next_id = 1
        if state is not None:
            self._restore(state)

    # ---- feeding ------------------------------------------------------------------------

    def feed(self, signal: Signal) -> Decision:
        """Count one signal and decide what it calls for; a refused signal changes nothing."""
        if not isinstance(signal, Signal):
            raise ValidationError(
                _("Monitor.feed() takes a Signal; got {kind}", kind=type(signal).__name__)
            )
        key = self._key_of(signal)
        if not isinstance(key, str) or not key.strip() or len(key) > 200:
            raise ValidationError(
                _(
                    "the monitor's key function must return a non-blank string of at most 200 characters; for {description!r} it returned {key!r}",
                    description=signal.description[:40],
                    key=key,
                )
            )
        position = self._position(signal.observed_at)
        bucket = int(position // self._bucket_s)
        state = self._keys.get(key)
        if state is None:
            state = self._keys[key] = _Key(self._width, self.config.evidence)
        ref = signal.source_ref
        if ref is not None and ref in state.seen:
            return self._quiet(DecisionKind.DUPLICATE, key, signal, state, _DUPLICATE)
        if state.latest is not None and bucket <= state.latest - 2 * self._buckets:
            return self._quiet(DecisionKind.LATE, key, signal, state, _LATE)
        self._advance(state, bucket)
        assert state.latest is not None
        vector = self._vector(signal)
        counters = state.buckets.get(bucket)
        if counters is None:
            counters = state.buckets[bucket] = [0] * self._width
        window = state.current if bucket > state.latest - self._buckets else state.previous
        for i, amount in enumerate(vector):
            if amount:
                counters[i] += amount
                window[i] += amount
        if ref is not None and self.config.max_seen:
            state.seen[ref] = bucket
            if len(state.seen) > self.config.max_seen:
                del state.seen[next(iter(state.seen))]
        state.evidence.append(signal)
        return self._decide(key, signal, state, position)

    def feed_many(self, signals: Iterable[Signal]) -> list[Decision]:
        """:meth:`feed` each signal in order: the same decisions as feeding them one by one."""
        return [self.feed(signal) for signal in signals]

    def readings(self, window: Window) -> dict[str, float]:
        """The indicator readings of a window; override to add the host's own indicators.

        The shipped readings: ``count`` (signals in the window), ``rate`` (per hour),
        ``count_growth`` (against the previous window; 1.0 = doubled), ``heat``,
        ``media_attention`` (news reports), ``negative_ratio`` (negative share of the rated
        public-opinion signals, from ``min_sample`` of them), ``negative_report_growth``
        (against a previous window of at least ``min_count`` negative reports; 1.0 =
        doubled), ``satisfaction_decline`` (percentage points below the baseline, or below
        the previous window's mean) and ``complaint_rate`` (complaints per 1 000 orders,
        from ``min_orders`` orders).
        """
        config = self.config
        count, before = window.count(), window.count(previous=True)
        readings: dict[str, float] = {
            "count": count,
            "rate": count / (window.span.total_seconds() / 3600),
            "heat": window.heat(),
            "media_attention": window.media(),
        }
        if count or before:
            readings["count_growth"] = (count - before) / max(before, 1)
        rated = window.rated_opinion()
        if rated >= config.min_sample:
            readings["negative_ratio"] = window.negative_reports() / rated
        before_negative = window.negative_reports(previous=True)
        if before_negative >= config.min_count:
            readings["negative_report_growth"] = (
                window.negative_reports() - before_negative
            ) / before_negative
        mean = window.satisfaction()
        baseline = config.satisfaction_baseline
        if baseline is None:
            baseline = window.satisfaction(previous=True)
        if mean is not None and baseline is not None:
            readings["satisfaction_decline"] = baseline - mean
        orders = window.orders()
        if orders >= config.min_orders:
            readings["complaint_rate"] = window.complaints() * 1000 / orders
        return readings

    # ---- what the host tells the monitor ----------------------------------------------

    def opened(self, key: str, crisis_id: str, level: Level | str, *, at: dt.datetime) -> None:
        """The host has a crisis open for ``key`` (opened at ``at``, or regraded): attach to it."""
        _checks.text("Monitor.opened(key)", key, max_length=200)
        _checks.text("Monitor.opened(crisis_id)", crisis_id, max_length=200)
        parsed = _checks.member("Monitor.opened(level)", level, Level)
        position = self._position(_checks.instant("Monitor.opened(at)", at))
        state = self._keys.get(key)
        if state is None:
            state = self._keys[key] = _Key(self._width, self.config.evidence)
        state.crisis_id, state.crisis_level, state.crisis_last = crisis_id, parsed, position

    def closed(self, crisis_id: str) -> bool:
        """The crisis was closed or dismissed; False if the monitor knew no such crisis.

        Its key opens another crisis only after its readings fall back below the release
        points (hysteresis) and rise again.
        """
        for state in self._keys.values():
            if state.crisis_id == crisis_id:
                state.crisis_id = state.crisis_level = state.crisis_last = None
                state.armed = False
                return True
        return False

    def snooze(
        self, key: str, *, until: dt.datetime | None = None, duration: dt.timedelta | None = None
    ) -> pendulum.DateTime:
        """Raise no warning for ``key`` until ``until`` (or for ``duration`` from now).

        Signals are still counted, and attach to or raise an open crisis. Returns the end.
        """
        _checks.text("Monitor.snooze(key)", key, max_length=200)
        if (until is None) == (duration is None):
            raise ValidationError(_("Monitor.snooze() takes either until= or duration=, not both"))
        if duration is not None:
            if not isinstance(duration, dt.timedelta) or duration <= dt.timedelta():
                raise ValidationError(
                    _(
                        "Monitor.snooze(duration) must be a positive timedelta; got {duration!r}",
                        duration=duration,
                    )
                )
            end = self.clock.now().in_timezone("UTC") + duration
        else:
            end = _checks.instant("Monitor.snooze(until)", until)
        state = self._keys.get(key)
        if state is None:
            state = self._keys[key] = _Key(self._width, self.config.evidence)
        state.snoozed_until = end
        return end

    def unsnooze(self, key: str) -> None:
        """End the snooze of ``key``, if any."""
        state = self._keys.get(key)
        if state is not None:
            state.snoozed_until = None

    # ---- reading ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def window(self, key: str) -> Window | None:
        """The windows of ``key`` as of its latest signal, or None for a key never seen."""
        state = self._keys.get(key)
        if state is None:
            return None
        return Window(key, state.current[:], state.previous[:], self.config.window, self._track)

    def open_crises(self) -> dict[str, tuple[str, Level]]:
        """The key -> (crisis id, level) of every crisis the monitor attaches signals to."""
        return {
            key: (state.crisis_id, state.crisis_level)
            for key, state in self._keys.items()
            if state.crisis_id is not None and state.crisis_level is not None
        }

    def forget(self, key: str) -> bool:
        """Drop everything about ``key``; False if it was not known."""
        return self._keys.pop(key, None) is not None

    # ---- saving --------------------------------------------------------------------

    def state(self) -> MonitorState:
        """What the monitor remembers, as a frozen, serialisable value."""
        keys = tuple(
            KeyState(
                key=key,
                latest=s.latest,
                buckets=tuple((i, tuple(c)) for i, c in sorted(s.buckets.items())),
                seen=tuple(s.seen.items()),
                evidence=tuple(s.evidence),
                crisis_id=s.crisis_id,
                crisis_level=s.crisis_level,
                crisis_last=s.crisis_last,
                armed=s.armed,
                snoozed_until=s.snoozed_until,
            )
            for key, s in self._keys.items()
        )
        return MonitorState(settings=self.config.settings(), next_id=self._next_id, keys=keys)

    def _restore(self, saved: MonitorState) -> None:
        if not isinstance(saved, MonitorState):
            raise ValidationError(
                _("Monitor state must be a MonitorState; got {saved!r}", saved=saved)
            )
        if saved.settings != self.config.settings():
            raise ValidationError(
                _(
                    "the saved monitor state was made with other settings ({settings}); this monitor has {own}: restore it under the same window, buckets, calendar and tracked metrics",
                    settings=saved.settings,
                    own=self.config.settings(),
                )
            )
        if (
            isinstance(saved.next_id, bool)
            or not isinstance(saved.next_id, int)
            or saved.next_id < 1
        ):
            raise ValidationError(
                _(
                    "MonitorState.next_id must be a whole number >= 1; got {next_id!r}",
                    next_id=saved.next_id,
                )
            )
        keys: dict[str, _Key] = {}
        span = 2 * self._buckets
        for item in saved.keys:
            if item.key in keys:
                raise ValidationError(
                    _("MonitorState: the key {key!r} appears twice", key=item.key)
                )
            state = _Key(self._width, self.config.evidence)
            state.latest = item.latest
            for index, counters in item.buckets:
                if (
                    item.latest is None
                    or not item.latest - span < index <= item.latest
                    or len(counters) != self._width
                    or any(c < 0 for c in counters)
                ):
                    raise ValidationError(
                        _(
                            "MonitorState: key {key!r} has a bucket {index} that is outside its two windows or does not hold {width} counters >= 0",
                            key=item.key,
                            index=index,
                            width=self._width,
                        )
                    )
                state.buckets[index] = list(counters)
                target = state.current if index > item.latest - self._buckets else state.previous
                for i, amount in enumerate(counters):
                    target[i] += amount
            state.seen = dict(item.seen)
            state.evidence.extend(item.evidence)
            state.crisis_id, state.crisis_level = item.crisis_id, item.crisis_level
            state.crisis_last, state.armed = item.crisis_last, item.armed
            state.snoozed_until = item.snoozed_until
            keys[item.key] = state
        self._keys, self._next_id = keys, saved.next_id

    # ---- inside -------------------------------------------------------------------

    def _position(self, at: pendulum.DateTime) -> float:
        """``at`` in the monitor's time: seconds since the epoch, or business seconds."""
        if self._calendar is None:
            return at.timestamp()
        assert self._anchor is not None
        return self._calendar.working_time(self._anchor, at).total_seconds()

    def _vector(self, signal: Signal) -> list[int]:
        vector = [0] * self._width
        vector[_N] = 1
        metrics = signal.metrics
        if type(metrics) is FrozenMetrics:
            metrics = metrics._items  # the plain dict inside: the same values, faster
        channel = signal.channel
        group = self._groups.get(channel)
        if group is None:
            group = self._groups[channel] = channel.group
        if group is ChannelGroup.PUBLIC_OPINION:
            vector[_HEAT] = _micro(max(metrics.get("heat", 1.0), 0.0))
            sentiment = metrics.get("sentiment")
            if sentiment is not None:
                vector[_OPINION] = 1
                vector[_NEGATIVE] = 1 if sentiment < 0 else 0
            if channel is Channel.NEWS_MEDIA:
                vector[_NEWS] = 1
        elif group is ChannelGroup.CUSTOMER:
            vector[_COMPLAINTS] = 0 if metrics.get("complaint", 1.0) <= 0 else 1
        satisfaction = metrics.get("satisfaction")
        if satisfaction is not None:
            vector[_SAT] = _micro(min(max(satisfaction, 0.0), 100.0))
            vector[_SAT_N] = 1
        orders = metrics.get("orders")
        if orders is not None and orders > 0:
            vector[_ORDERS] = _micro(orders)
        for name, index in self._track.items():
            value = metrics.get(name)
            if value is not None and value > 0:
                vector[index] = _micro(value)
        return vector

    def _advance(self, state: _Key, bucket: int) -> None:
        latest = state.latest
        if latest is not None and bucket <= latest:
            return
        state.latest = bucket
        if latest is None:
            return
        n = self._buckets
        if bucket - latest >= 2 * n:
            state.buckets.clear()
            state.current = [0] * self._width
            state.previous = [0] * self._width
            state.seen.clear()
            return
        current, previous = state.current, state.previous
        expired = False
        for index in list(state.buckets):
            counters = state.buckets[index]
            if index <= bucket - 2 * n:  # leaves both windows
                if index > latest - n:
                    _subtract(current, counters)
                else:
                    _subtract(previous, counters)
                del state.buckets[index]
                expired = True
            elif index <= bucket - n and index > latest - n:  # current -> previous
                _subtract(current, counters)
                _add(previous, counters)
        if expired and state.seen:
            oldest = bucket - 2 * n
            state.seen = {ref: at for ref, at in state.seen.items() if at > oldest}

    def _decide(self, key: str, signal: Signal, state: _Key, position: float) -> Decision:
        readings = self.readings(
            Window(key, state.current, state.previous, self.config.window, self._track)
        )
        if not isinstance(readings, dict):
            raise ValidationError(
                _(
                    "{kind}.readings() must return a dict name -> number; got {got}",
                    kind=type(self).__name__,
                    got=type(readings).__name__,
                )
            )
        config = self.config
        if (
            state.crisis_id is not None
            and state.crisis_last is not None
            and position - state.crisis_last > self._merge_s
        ):
            state.crisis_id = state.crisis_level = state.crisis_last = None
            state.armed = False
        if not state.armed and self._compiled.released(readings, config.open_at, config.hysteresis):
            state.armed = True
        kind, level, reason = _decide(
            self._compiled,
            readings,
            open_at=config.open_at,
            watch_at=config.watch_at,
            hysteresis=config.hysteresis,
            crisis_level=state.crisis_level if state.crisis_id is not None else None,
            armed=state.armed,
        )
        crisis_id = state.crisis_id
        signals: tuple[Signal, ...] = ()
        snoozed = state.snoozed_until
        if kind in (DecisionKind.OPEN, DecisionKind.WATCH) and snoozed is not None:
            if self.clock.now() < snoozed:
                reason = _snoozed_text(snoozed, reason)
                kind = DecisionKind.SNOOZED
            else:
                state.snoozed_until = None
        if kind is DecisionKind.OPEN:
            assert level is not None
            crisis_id = f"{config.id_prefix}-{self._next_id:06d}"
            self._next_id += 1
            state.crisis_id, state.crisis_level = crisis_id, level
            signals = tuple(state.evidence)
            reason = _opened_text(reason, len(signals))
        elif kind is DecisionKind.RAISE:
            old = state.crisis_level
            assert old is not None
            assert level is not None
            state.crisis_level = level
            signals = (signal,)
            reason = _raised_text(reason, old, level)
        elif kind is DecisionKind.ATTACH:
            signals = (signal,)
        if state.crisis_id is not None:
            state.crisis_last = (
                position if state.crisis_last is None else max(state.crisis_last, position)
            )
        return Decision(
            kind=kind,
            key=key,
            at=signal.observed_at,
            level=level,
            crisis_id=crisis_id if kind is not DecisionKind.NONE else None,
            crisis_type=config.crisis_type,
            readings=tuple(sorted(readings.items())),
            signals=signals,
            reason=reason,
        )

    def _quiet(
        self, kind: DecisionKind, key: str, signal: Signal, state: _Key, reason: Bilingual
    ) -> Decision:
        return Decision(
            kind=kind,
            key=key,
            at=signal.observed_at,
            crisis_id=state.crisis_id,
            crisis_type=self.config.crisis_type,
            reason=reason,
        )


# The reasons of the decisions, said when read (Bilingual._later): most never are. Each is a
# function of its own so that the message reads the values it was given, not later ones.
def _snoozed_text(until: pendulum.DateTime, reason: Bilingual) -> Bilingual:
    return Bilingual._later(
        lambda: _(
            "snoozed by the host until {stamp}; otherwise: {reason}",
            stamp=until.to_iso8601_string(),
            reason=reason,
        )
    )


def _opened_text(reason: Bilingual, count: int) -> Bilingual:
    return Bilingual._later(
        lambda: _("{reason}; {count} recent signal(s) as evidence", reason=reason, count=count)
    )


def _raised_text(reason: Bilingual, old: Level, new: Level) -> Bilingual:
    return Bilingual._later(
        lambda: _(
            "{reason}: raise from {old} to {new}", reason=reason, old=old.value, new=new.value
        )
    )


def _subtract(window: list[int], counters: list[int]) -> None:
    for i, amount in enumerate(counters):
        if amount:
            window[i] -= amount


def _add(window: list[int], counters: list[int]) -> None:
    for i, amount in enumerate(counters):
        if amount:
            window[i] += amount


_DUPLICATE = Bilingual(
    "a signal from the same source was counted already", "同一来源的信息已计入，不重复计算"
)
_LATE = Bilingual(
    "the signal is older than both windows the monitor keeps for its key",
    "该信息早于监测保留的两个时间窗口，不再计入",
)
