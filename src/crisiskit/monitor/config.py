"""The monitor's settings and its indicator thresholds per crisis type, as data.

The thresholds are the warning-indicator defaults of :data:`crisiskit.grading.DEFAULT_RULES`
(the same numbers the ``indicators`` grading policy uses), chosen per crisis type: public
opinion is watched by heat, the negative-review ratio, media attention and the growth of
negative reports; a product-quality problem also by the complaint rate and the decline of
satisfaction; a complaint or a service dispute by the complaint rate and satisfaction. They
are **defaults** to tune per company, product and market.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit.calendar import BusinessCalendar
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading.indicators import DEFAULT_RULES, IndicatorRule
from crisiskit.messages import _
from crisiskit.values.levels import Level
from crisiskit.values.vocabulary import CrisisType, to_crisis_type

__all__ = ["DEFAULT_MONITOR_RULES", "MonitorConfig", "default_rules"]

_BY_NAME = {rule.indicator: rule for rule in DEFAULT_RULES}


def _pick(*names: str) -> tuple[IndicatorRule, ...]:
    return tuple(_BY_NAME[name] for name in names)


_OPINION = _pick("heat", "negative_ratio", "media_attention", "negative_report_growth")
_CUSTOMER = _pick("complaint_rate", "satisfaction_decline")

DEFAULT_MONITOR_RULES: Mapping[CrisisType, tuple[IndicatorRule, ...]] = MappingProxyType(
    {
        CrisisType.NEGATIVE_PUBLICITY: _OPINION,
        CrisisType.MALICIOUS_ATTACK: _OPINION,
        CrisisType.PRODUCT_QUALITY: _CUSTOMER + _OPINION,
        CrisisType.COMPLAINT: _CUSTOMER,
        CrisisType.SERVICE_DISPUTE: _CUSTOMER,
    }
)
"""The indicators the monitor watches for each crisis type; any other type watches all of
:data:`~crisiskit.grading.DEFAULT_RULES`."""


def default_rules(crisis_type: CrisisType | str) -> tuple[IndicatorRule, ...]:
    """The default indicator rules for ``crisis_type`` (all six indicators for a type not listed)."""
    kind = _checks.member("default_rules(crisis_type)", crisis_type, CrisisType)
    return DEFAULT_MONITOR_RULES.get(kind, DEFAULT_RULES)


def _positive_span(what: str, value: object) -> dt.timedelta:
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta():
        raise ValidationError(
            _(
                "MonitorConfig.{what} must be a positive timedelta; got {value!r}",
                what=what,
                value=value,
            )
        )
    return value


def _count(what: str, value: object, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise ValidationError(
            _(
                "MonitorConfig.{what} must be a whole number from {lowest} to {highest}; got {value!r}",
                what=what,
                lowest=lowest,
                highest=highest,
                value=value,
            )
        )
    return value


def _fraction(what: str, value: object, *, closed: bool) -> float:
    number = _checks.number(f"MonitorConfig.{what}", value)
    if not (0 <= number <= 1 if closed else 0 <= number < 1):
        allowed = "[0, 1]" if closed else "[0, 1)"
        raise ValidationError(
            _(
                "MonitorConfig.{what} is a fraction in {allowed}; got {number!r}",
                what=what,
                allowed=allowed,
                number=number,
            )
        )
    return number


def _to_level(value: Level | str) -> Level:
    return Level.parse(value, what="MonitorConfig.open_at")


def _rules_or_none(value: Iterable[IndicatorRule] | None) -> tuple[IndicatorRule, ...] | None:
    return None if value is None else tuple(value)


@frozen(kw_only=True)
class MonitorConfig:
    """How a :class:`~crisiskit.monitor.Monitor` watches: its windows, thresholds and limits.

    >>> config = MonitorConfig(crisis_type="negative_publicity")
    >>> ", ".join(rule.indicator for rule in config.indicator_rules)
    'heat, negative_ratio, media_attention, negative_report_growth'
    >>> config.window, config.bucket
    (datetime.timedelta(days=1), datetime.timedelta(seconds=3600))
    """

    crisis_type: CrisisType = field(
        default=CrisisType.NEGATIVE_PUBLICITY,
        converter=to_crisis_type,
        validator=_checks.is_member(CrisisType),
    )
    """The kind of crisis the monitor watches for; it chooses the default rules."""
    rules: tuple[IndicatorRule, ...] | None = field(default=None, converter=_rules_or_none)
    """The indicators and their thresholds (default: :func:`default_rules` of the type)."""
    window: dt.timedelta = field(default=dt.timedelta(hours=24))
    """How far back the current window reaches (the previous window is as long, before it)."""
    buckets: int = field(default=24)
    """How many time buckets a window is cut into: the window slides by one bucket at a time."""
    calendar: BusinessCalendar | None = field(default=None)
    """Measure windows in business time on this calendar (None: wall time)."""
    open_at: Level = field(default=Level.IV, converter=_to_level)
    """The least severe level at which the monitor proposes to open a crisis."""
    watch_at: float = field(default=0.5)
    """Watch a key whose reading reaches this share of an indicator's lowest threshold while rising."""
    hysteresis: float = field(default=0.1)
    """After a crisis of a key closes, it opens another only once the readings fell this far below the thresholds."""
    merge_window: dt.timedelta = field(default=dt.timedelta(hours=72))
    """Signals this soon after the last one of an open crisis of the same key attach to it."""
    min_sample: int = field(default=50)
    """The fewest rated public-opinion signals a negative-review ratio is computed from."""
    min_count: int = field(default=10)
    """The fewest negative reports in the previous window a growth rate is computed against."""
    min_orders: int = field(default=5000)
    """The fewest orders in the window a complaint rate is computed from."""
    satisfaction_baseline: float | None = field(default=None)
    """The satisfaction score (0–100) a decline is measured from (None: the previous window's mean)."""
    evidence: int = field(default=20)
    """How many recent signals per key are kept, to justify opening a crisis."""
    max_seen: int = field(default=1000)
    """How many source references per key are remembered for deduplication."""
    track: tuple[str, ...] = field(default=(), converter=tuple)
    """Host metrics summed per bucket, for host indicators (see :meth:`Window.total`)."""
    id_prefix: str = field(default="MON", validator=_checks.is_text)
    """The prefix of the crisis ids the monitor proposes (``MON-000001``)."""

    def __attrs_post_init__(self) -> None:
        _positive_span("window", self.window)
        _positive_span("merge_window", self.merge_window)
        _count("buckets", self.buckets, 1, 1440)
        _count("min_sample", self.min_sample, 1, 10**9)
        _count("min_count", self.min_count, 1, 10**9)
        _count("min_orders", self.min_orders, 1, 10**12)
        _count("evidence", self.evidence, 0, 10_000)
        _count("max_seen", self.max_seen, 0, 10**6)
        _fraction("watch_at", self.watch_at, closed=True)
        _fraction("hysteresis", self.hysteresis, closed=False)
        if (self.window // self.buckets) * self.buckets != self.window:
            raise ValidationError(
                _(
                    "MonitorConfig.window {window} must divide into {buckets} equal whole-microsecond buckets; choose another window or number of buckets",
                    window=self.window,
                    buckets=self.buckets,
                )
            )
        if self.calendar is not None and not isinstance(self.calendar, BusinessCalendar):
            raise ValidationError(
                _(
                    "MonitorConfig.calendar must be a BusinessCalendar or None; got {calendar!r}",
                    calendar=self.calendar,
                )
            )
        if self.satisfaction_baseline is not None:
            base = _checks.number("MonitorConfig.satisfaction_baseline", self.satisfaction_baseline)
            if not 0 <= base <= 100:
                raise ValidationError(
                    _(
                        "MonitorConfig.satisfaction_baseline is a score from 0 to 100; got {base!r}",
                        base=base,
                    )
                )
        for name in self.track:
            _checks.text("MonitorConfig.track[]", name, max_length=100)
        rules = self.indicator_rules
        if not rules:
            raise PolicyError(_("MonitorConfig.rules: give at least one IndicatorRule"))
        for i, rule in enumerate(rules):
            if not isinstance(rule, IndicatorRule):
                raise PolicyError(
                    _(
                        "MonitorConfig.rules[{i}] must be an IndicatorRule; got {kind}",
                        i=i,
                        kind=type(rule).__name__,
                    )
                )
        names = [rule.indicator for rule in rules]
        if len(set(names)) != len(names):
            raise PolicyError(
                _("MonitorConfig.rules: two rules for the same indicator: {names}", names=names)
            )

    @property
    def indicator_rules(self) -> tuple[IndicatorRule, ...]:
        """The rules in force: :attr:`rules`, or the default rules of the crisis type."""
        return self.rules if self.rules is not None else default_rules(self.crisis_type)

    @property
    def bucket(self) -> dt.timedelta:
        """The length of one bucket: the window's step."""
        return self.window / self.buckets

    def settings(self) -> str:
        """What a saved state depends on: window, buckets, calendar and tracked metrics."""
        calendar = "wall" if self.calendar is None else self.calendar.fingerprint
        return (
            f"window={self.window.total_seconds():g}s;buckets={self.buckets};"
            f"calendar={calendar};track={','.join(self.track)}"
        )
