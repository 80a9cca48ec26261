"""What the monitor decides about each signal, and why, in English and Chinese."""

from __future__ import annotations

from collections.abc import Mapping

import pendulum
from attrs import field, frozen

from crisiskit._internal.registry import serializable
from crisiskit.grading.explanation import Bilingual, level_said
from crisiskit.messages import _
from crisiskit.values.labels import LabelledEnum, normalize_lang
from crisiskit.values.levels import Level
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import CrisisType

__all__ = ["Decision", "DecisionKind"]


class DecisionKind(LabelledEnum):
    """What the monitor proposes to do after a signal."""

    NONE = "none"
    """No warning: the readings reach no threshold and are not approaching one."""
    WATCH = "watch"
    """Below the thresholds but rising toward one — or still high after a crisis closed."""
    OPEN = "open"
    """Open a crisis at the decision's level, with the signals that justify it."""
    ATTACH = "attach"
    """The signal belongs to the crisis already open for its key: attach it."""
    RAISE = "raise"
    """The open crisis of the key should be raised to the decision's level."""
    DUPLICATE = "duplicate"
    """The signal's source was counted already: it changes nothing."""
    SNOOZED = "snoozed"
    """The host snoozed the key: counted, but no warning is raised."""
    LATE = "late"
    """The signal is older than both windows the monitor keeps: it changes nothing."""

    @property
    def rank(self) -> int:
        """How strong the proposal is, for comparisons: none 0, watch 1, attach 2, raise and open 3."""
        return _RANK.get(self, 0)


_RANK = {
    DecisionKind.WATCH: 1,
    DecisionKind.ATTACH: 2,
    DecisionKind.RAISE: 3,
    DecisionKind.OPEN: 3,
}

DecisionKind._register_labels(
    {
        DecisionKind.NONE: ("no warning", "无预警"),
        DecisionKind.WATCH: ("watch", "关注"),
        DecisionKind.OPEN: ("open a crisis", "立案"),
        DecisionKind.ATTACH: ("attach to the open crisis", "并入已立案危机"),
        DecisionKind.RAISE: ("raise the level", "升级"),
        DecisionKind.DUPLICATE: ("duplicate", "重复信息"),
        DecisionKind.SNOOZED: ("snoozed", "已暂停提醒"),
        DecisionKind.LATE: ("too late to count", "过期信息"),
    }
)


@serializable("MonitorDecision")
@frozen(kw_only=True)
class Decision:
    """The monitor's decision about one signal: what to do, at which level, and why.

    ``readings`` are the indicators of the key's window after the signal; ``reason`` says in
    English and Chinese what drove the decision. An ``open`` decision carries the recent
    signals of the key, ready for ``Crisis.detect(context, crisis_id=d.crisis_id,
    crisis_type=d.crisis_type, signals=d.signals, ...)``.
    """

    kind: DecisionKind = field()
    """What the monitor proposes."""
    key: str = field()
    """What the signal is about (the host's key)."""
    at: pendulum.DateTime = field()
    """When the signal was observed."""
    level: Level | None = field(default=None)
    """The level to open at or raise to (for ``snoozed``: what it would have been)."""
    crisis_id: str | None = field(default=None)
    """The crisis opened, attached to or raised."""
    crisis_type: CrisisType = field(default=CrisisType.OTHER)
    """The kind of crisis the monitor watches for."""
    readings: tuple[tuple[str, float], ...] = field(default=())
    """The indicator readings of the key's window, by name."""
    signals: tuple[Signal, ...] = field(default=())
    """``open``: the recent signals that justify it; ``attach`` and ``raise``: the signal."""
    reason: Bilingual = field(default=Bilingual.of(_("no reason given")))
    """Why, in English and Chinese."""

    @property
    def reading(self) -> Mapping[str, float]:
        """The readings as a mapping name -> value."""
        return dict(self.readings)

    @property
    def warns(self) -> bool:
        """True for the decisions a host acts on: open, raise (and watch, which it may show)."""
        return self.kind in (DecisionKind.OPEN, DecisionKind.RAISE, DecisionKind.WATCH)

    def explain(self, lang: str = "en") -> str:
        """One line for people: the decision, its level, the reason and the readings."""
        lang = normalize_lang(lang)
        head = self.kind.label(lang)
        if self.level is not None:
            head += f" {level_said(self.level).text(lang)}"
        if self.crisis_id is not None:
            head += f" {self.crisis_id}"
        said = _("{head}: {reason}", head=head, reason=self.reason)
        if self.readings:
            shown = tuple(
                _("{name} {value}", name=_READING_NAMES.get(name, name), value=_number(value))
                for name, value in self.readings
            )
            said = _("{decision} (readings: {readings})", decision=said, readings=shown)
        return said.text(lang)


# What the monitor's own indicators are called in a line for people; in English, their codes.
_READING_NAMES = {
    "count": _("count"),
    "rate": _("rate"),
    "count_growth": _("count_growth"),
    "heat": _("heat"),
    "negative_ratio": _("negative_ratio"),
    "media_attention": _("media_attention"),
    "satisfaction_decline": _("satisfaction_decline"),
    "negative_report_growth": _("negative_report_growth"),
    "complaint_rate": _("complaint_rate"),
}


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")
