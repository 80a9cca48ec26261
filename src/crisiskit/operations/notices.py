"""Warning notices (预警通知): what a warning tells the departments concerned."""

from __future__ import annotations

from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.messages import Message, _
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level, to_level
from crisiskit.values.vocabulary import CrisisType, Role, to_crisis_type, to_roles

__all__ = ["WarningNotice"]


@serializable()
@frozen
class WarningNotice:
    """A warning notice: level, crisis type, affected scope, measures, recipients by role.

    Issued with the warning (``crisis.warn()``); built from the emergency plan when the
    context has one.
    """

    level: Level = field(converter=to_level, validator=_checks.is_member(Level))
    """The warning level."""
    crisis_type: CrisisType = field(
        converter=to_crisis_type, validator=_checks.is_member(CrisisType)
    )
    """The kind of crisis."""
    scope: str | None = field(default=None, validator=_checks.is_optional_text)
    """The affected scope, from the facts."""
    measures: tuple[str, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "text")
    )
    """The measures to take now (the plan's warning-phase actions)."""
    measures_zh: tuple[str, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_checks.is_tuple_of(str, "text")
    )
    """The same measures in Chinese, when the plan has them."""
    plan: str | None = field(default=None, validator=_checks.is_optional_text)
    """The emergency plan the notice was built from, ``id@version`` (None without a plan)."""
    recipients: tuple[Role, ...] = field(
        default=(), converter=to_roles, validator=_checks.is_members(Role)
    )
    """Who receives the notice, by role."""

    def render(self, lang: str = "en") -> str:
        """The notice as text, in ``lang``."""
        language = "zh" if normalize_lang(lang) == "zh" else "en"
        level = self.level
        measures = (self.measures_zh or self.measures) if language == "zh" else self.measures
        lines: list[Message] = [
            _(
                "Warning notice: {warning}, {colour}",
                warning=level.warning_label(language),
                colour=level.colour,
            ),
            _("Crisis type: {crisis_type}", crisis_type=self.crisis_type),
            _("Affected scope: {scope}", scope=self.scope)
            if self.scope
            else _("Affected scope: being established"),
        ]
        lines += [_("Measure: {measure}", measure=m) for m in measures]
        if self.recipients:
            lines.append(_("To: {recipients}", recipients=self.recipients))
        return "\n".join(line.text(language) for line in lines)
