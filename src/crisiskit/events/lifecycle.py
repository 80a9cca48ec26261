"""Events of the lifecycle: detection, moves, level changes, signals, facts, merges."""

from __future__ import annotations

from typing import ClassVar

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.events.base import Event, StateChanged
from crisiskit.grading.assessment import Assessment
from crisiskit.operations.notices import WarningNotice
from crisiskit.values.customers import CustomerRef
from crisiskit.values.facts import Facts
from crisiskit.values.levels import Level, to_level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import CrisisType, Role, to_crisis_type

__all__ = [
    "CrisisClosed",
    "CrisisDetected",
    "CrisisDismissed",
    "CrisisMerged",
    "CrisisRelapsed",
    "CrisisReopened",
    "CrisisUnmerged",
    "CustomersAdded",
    "FactsUpdated",
    "LevelChanged",
    "MarkedDuplicate",
    "MergeUndone",
    "MergedInto",
    "RecoveryStarted",
    "ResponseStarted",
    "SignalAttached",
    "WarningIssued",
    "WarningUpgraded",
]


@serializable()
@frozen(kw_only=True)
class CrisisDetected(Event):
    """A crisis was detected (监测发现): the first event of every crisis."""

    crisis_type: CrisisType = field(
        converter=to_crisis_type, validator=_checks.is_member(CrisisType)
    )
    """What kind of crisis it is."""
    title: str = field(validator=_checks.is_text)
    """A short title."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals that revealed it."""
    facts: Facts = field(factory=Facts)
    """The facts known at detection."""

    label_en: ClassVar[str] = "crisis detected"
    label_zh: ClassVar[str] = "发现危机"


@serializable()
@frozen(kw_only=True)
class SignalAttached(Event):
    """Another signal was attached to the crisis."""

    signal: Signal
    """The signal."""

    label_en: ClassVar[str] = "signal attached"
    label_zh: ClassVar[str] = "新增预警信息"


@serializable()
@frozen(kw_only=True)
class CustomersAdded(Event):
    """Customers were found to be affected (beyond those named by signals)."""

    customers: tuple[CustomerRef, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(CustomerRef, "CustomerRef")
    )
    """The customers newly recorded as affected."""

    label_en: ClassVar[str] = "customers added"
    label_zh: ClassVar[str] = "新增受影响客户"


@serializable()
@frozen(kw_only=True)
class FactsUpdated(Event):
    """The facts of the crisis changed."""

    old: Facts
    """The facts before."""
    new: Facts
    """The facts after."""

    label_en: ClassVar[str] = "facts updated"
    label_zh: ClassVar[str] = "事实更新"


@serializable()
@frozen(kw_only=True)
class LevelChanged(Event):
    """The crisis's level changed (or was set for the first time)."""

    old_level: Level | None = field(
        converter=attrs.converters.optional(to_level), validator=_checks.is_optional_member(Level)
    )
    """The level before (None when the crisis was not graded yet)."""
    new_level: Level = field(converter=to_level, validator=_checks.is_member(Level))
    """The level after."""
    assessment: Assessment | None = None
    """The assessment that decided it, when a grading policy did (None for a manual regrade)."""

    label_en: ClassVar[str] = "level changed"
    label_zh: ClassVar[str] = "级别调整"


@serializable()
@frozen(kw_only=True)
class WarningUpgraded(Event):
    """The warning was raised with the level (预警升级): a new notice for the new level.

    Recorded by the system right after a level change that makes a warned crisis more
    severe: the notice names the new level's recipients and warning-phase measures, and
    the roles that level requires that nobody on the team fills yet.
    """

    notice: WarningNotice
    """The upgraded notice."""
    missing_roles: tuple[Role, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Role, "Role")
    )
    """The roles the new level requires that nobody fills yet."""

    label_en: ClassVar[str] = "warning upgraded"
    label_zh: ClassVar[str] = "预警升级"


@serializable()
@frozen(kw_only=True)
class WarningIssued(StateChanged):
    """A warning was issued (预警发布): detected → warned."""

    notice: WarningNotice | None = None
    """The warning notice sent with it, when the crisis had a level."""

    label_en: ClassVar[str] = "warning issued"
    label_zh: ClassVar[str] = "发布预警"


@serializable()
@frozen(kw_only=True)
class ResponseStarted(StateChanged):
    """The response started (启动应急响应): warned → responding, or detected → responding for a sudden crisis."""

    label_en: ClassVar[str] = "response started"
    label_zh: ClassVar[str] = "启动应急响应"


@serializable()
@frozen(kw_only=True)
class RecoveryStarted(StateChanged):
    """Recovery started (危机恢复): responding → recovering."""

    label_en: ClassVar[str] = "recovery started"
    label_zh: ClassVar[str] = "进入恢复"


@serializable()
@frozen(kw_only=True)
class CrisisClosed(StateChanged):
    """The crisis was closed after recovery, with a closing summary."""

    summary: str = field(validator=_checks.is_text)
    """The closing summary."""

    label_en: ClassVar[str] = "crisis closed"
    label_zh: ClassVar[str] = "危机关闭"


@serializable()
@frozen(kw_only=True)
class CrisisDismissed(StateChanged):
    """A false alarm was dismissed (误报): detected or warned → closed. The reason is required."""

    label_en: ClassVar[str] = "dismissed as a false alarm"
    label_zh: ClassVar[str] = "误报撤销"


@serializable()
@frozen(kw_only=True)
class CrisisRelapsed(StateChanged):
    """The crisis flared up again during recovery: recovering → responding."""

    label_en: ClassVar[str] = "relapsed"
    label_zh: ClassVar[str] = "危机反复"


@serializable()
@frozen(kw_only=True)
class CrisisReopened(StateChanged):
    """A closed crisis was reopened: closed → responding, within the reopen window."""

    reopen_count: int = field(validator=_checks.is_count)
    """How many times the crisis has been reopened, this time included."""

    label_en: ClassVar[str] = "reopened"
    label_zh: ClassVar[str] = "重新打开"


@serializable()
@frozen(kw_only=True)
class MarkedDuplicate(StateChanged):
    """The crisis was closed as a duplicate of a canonical one."""

    canonical_id: str = field(validator=_checks.is_text)
    """The id of the canonical crisis (never itself a duplicate: chains collapse)."""

    label_en: ClassVar[str] = "marked duplicate"
    label_zh: ClassVar[str] = "标记为重复"


@serializable()
@frozen(kw_only=True)
class MergedInto(StateChanged):
    """The crisis was merged into a canonical one: its signals and customers moved there."""

    canonical_id: str = field(validator=_checks.is_text)
    """The id of the canonical crisis."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals that moved out."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers that moved out (those not named by a moved signal)."""

    label_en: ClassVar[str] = "merged into another crisis"
    label_zh: ClassVar[str] = "并入其他危机"


@serializable()
@frozen(kw_only=True)
class CrisisMerged(Event):
    """Another crisis was merged into this one; its signals and customers arrived here."""

    source_id: str = field(validator=_checks.is_text)
    """The id of the crisis merged in."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals added here (those this crisis did not already have)."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers added here (those this crisis did not already have)."""

    label_en: ClassVar[str] = "crisis merged in"
    label_zh: ClassVar[str] = "合并危机"


@serializable()
@frozen(kw_only=True)
class CrisisUnmerged(Event):
    """A merge was undone: what the merge added here was taken out again."""

    source_id: str = field(validator=_checks.is_text)
    """The id of the crisis that was merged in."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals removed."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers removed."""

    label_en: ClassVar[str] = "merge undone"
    label_zh: ClassVar[str] = "撤销合并"


@serializable()
@frozen(kw_only=True)
class MergeUndone(StateChanged):
    """This crisis was taken back out of the crisis it had been merged into."""

    canonical_id: str = field(validator=_checks.is_text)
    """The crisis it had been merged into."""
    signals: tuple[Signal, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(Signal, "Signal")
    )
    """The signals restored."""
    customers: tuple[CustomerRef, ...] = field(
        default=(),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CustomerRef, "CustomerRef"),
    )
    """The customers restored."""

    label_en: ClassVar[str] = "taken out of a merge"
    label_zh: ClassVar[str] = "从合并中恢复"
