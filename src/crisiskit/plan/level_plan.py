"""What a plan requires for one crisis type at one level: roles, actions, communication, escalation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import PolicyError, UnknownValueError, ValidationError
from crisiskit.messages import Message, _
from crisiskit.plan import _fields
from crisiskit.plan.alerting import AlertRule
from crisiskit.plan.vocabulary import Phase, to_phase
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level, to_level
from crisiskit.values.vocabulary import (
    Audience,
    CrisisType,
    Role,
    to_audience,
    to_crisis_type,
    to_role,
    to_roles,
)

__all__ = ["CommunicationRule", "Escalation", "LevelPlan", "PlannedAction", "RoleDuty"]


def _is_bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(
            _(
                "{where} must be True or False; got {value!r}",
                where=_fields.where(instance, attribute),
                value=value,
            )
        )


@serializable()
@frozen
class RoleDuty:
    """A role the level requires, and what it does there.

    >>> RoleDuty.standard(Role.MARKETING).label("zh")
    '负责对外沟通和舆情管理'
    """

    role: Role = field(converter=to_role, validator=_checks.is_member(Role))
    """The role."""
    duty: str = field(validator=_checks.is_text)
    """What it does at this level, in English."""
    duty_zh: str | None = field(default=None, validator=_checks.is_optional_text)
    """The same in Chinese, if given."""

    @classmethod
    def standard(cls, role: Role | str) -> RoleDuty:
        """The role with its duty as the source regulation states it (:attr:`Role.duty`)."""
        role = _checks.member("role", role, Role)
        return cls(role, role.duty, role.duty_label("zh"))

    def label(self, lang: str = "en") -> str:
        """The duty in ``lang`` (English when no Chinese text was given)."""
        return _fields.pick(lang, self.duty, self.duty_zh)


@serializable()
@frozen
class PlannedAction:
    """An action the plan requires in one phase, with its owner and time target.

    The target is the time allowed from the start of the phase, counted on the business
    calendar named by ``calendar`` (``"24x7"``: elapsed time; ``"working"``: the company's
    working hours). The SLA module turns the name into a calendar. An action id names the
    same action at every level of a plan, so a regraded crisis keeps its actions and only
    their targets change.

    >>> import datetime as dt
    >>> a = PlannedAction("contact-customers", Phase.RESPONSE, "Contact affected customers",
    ...                   Role.CUSTOMER_SERVICE, dt.timedelta(hours=1))
    >>> a.describe()
    '[contact-customers] Contact affected customers — customer service, within 1 h'
    """

    action_id: str = field(validator=_fields.is_action_id)
    """A stable id, e.g. ``"contact-customers"``; unique within a level plan."""
    phase: Phase = field(converter=to_phase, validator=_checks.is_member(Phase))
    """The phase it belongs to."""
    description: str = field(validator=_checks.is_text)
    """What to do, in English."""
    owner: Role = field(converter=to_role, validator=_checks.is_member(Role))
    """The role that must do it; it must be one of the level's required roles."""
    target: dt.timedelta | None = field(default=None, validator=_fields.is_optional_duration)
    """The time allowed from the start of the phase; None when the action has no deadline."""
    calendar: str = field(default=_fields.ROUND_THE_CLOCK, validator=_fields.is_calendar_name)
    """The business calendar the target runs on: ``"24x7"`` or ``"working"`` (or a host's name)."""
    description_zh: str | None = field(default=None, validator=_checks.is_optional_text)
    """What to do, in Chinese, if given."""

    def label(self, lang: str = "en") -> str:
        """The description in ``lang`` (English when no Chinese text was given)."""
        return _fields.pick(lang, self.description, self.description_zh)

    def describe(self, lang: str = "en") -> str:
        """One line for people: id, description, owner and target."""
        lang = normalize_lang(lang)
        facts = {"action_id": self.action_id, "action": self.label(lang), "owner": self.owner}
        if self.target is None:
            return _("[{action_id}] {action} — {owner}, no deadline", **facts).text(lang)
        span = _fields.duration_text(self.target, self.calendar, lang)
        return _("[{action_id}] {action} — {owner}, within {span}", span=span, **facts).text(lang)


@serializable()
@frozen
class CommunicationRule:
    """Who must be told, how soon, how often, and who approves the wording.

    ``first_within`` and ``cadence`` run on the business calendar named by ``calendar``,
    from the start of the response.

    >>> import datetime as dt
    >>> rule = CommunicationRule(Audience.MEDIA, True, dt.timedelta(hours=4),
    ...                          Role.GENERAL_MANAGER, dt.timedelta(hours=4))
    >>> rule.describe("zh")
    '媒体（必须）：首次发布4小时内，此后每4小时更新；口径由总经理审批'
    """

    audience: Audience = field(converter=to_audience, validator=_checks.is_member(Audience))
    """Who is told."""
    required: bool = field(validator=_is_bool)
    """True when the audience must be told; False when the plan allows it but does not demand it."""
    cadence: dt.timedelta | None = field(validator=_fields.is_optional_duration)
    """How often updates go out; None when no regular updates are due."""
    approver: Role = field(converter=to_role, validator=_checks.is_member(Role))
    """Whose approval a statement needs (one agreed wording, 统一口径); a required role of the level."""
    first_within: dt.timedelta | None = field(validator=_fields.is_optional_duration)
    """How soon the first statement is due; None when there is no deadline."""
    calendar: str = field(default=_fields.ROUND_THE_CLOCK, validator=_fields.is_calendar_name)
    """The business calendar ``first_within`` and ``cadence`` run on."""

    def describe(self, lang: str = "en") -> str:
        """One line for people: audience, deadline, cadence, approver."""
        lang = normalize_lang(lang)
        first = cadence = ""
        if self.first_within is not None:
            first = _fields.duration_text(self.first_within, self.calendar, lang)
        if self.cadence is not None:
            cadence = _fields.duration_text(self.cadence, self.calendar, lang)
        timing = (
            _("first within {first}, then every {cadence}", first=first, cadence=cadence)
            if first and cadence
            else _("first within {first}", first=first)
            if first
            else _("then every {cadence}", cadence=cadence)
            if cadence
            else None
        )
        facts = {
            "audience": self.audience,
            "need": _("required") if self.required else _("optional"),
            "approver": self.approver,
        }
        if timing is not None:
            return _(
                "{audience} ({need}): {timing}; wording approved by {approver}",
                timing=timing,
                **facts,
            ).text(lang)
        return _("{audience} ({need}): wording approved by {approver}", **facts).text(lang)


@serializable()
@frozen
class Escalation:
    """Who else must be informed at this level, e.g. level I informs the leadership group."""

    inform: tuple[Role, ...] = field(converter=to_roles, validator=_checks.is_members(Role))
    """The roles to inform (at least one, each once)."""
    note: str = field(default="", validator=_checks.is_str)
    """How and when, in English."""
    note_zh: str | None = field(default=None, validator=_checks.is_optional_text)
    """The same in Chinese, if given."""

    def __attrs_post_init__(self) -> None:
        if not self.inform:
            raise ValidationError(_("Escalation.inform must name at least one role; got none"))
        if len(set(self.inform)) != len(self.inform):
            raise ValidationError(
                _(
                    "Escalation.inform names a role twice; got {roles}",
                    roles=[r.value for r in self.inform],
                )
            )

    def label(self, lang: str = "en") -> str:
        """The note in ``lang`` (English when no Chinese text was given)."""
        return _fields.pick(lang, self.note, self.note_zh)

    def describe(self, lang: str = "en") -> str:
        """One line for people: whom to inform, and the note."""
        note = self.label(lang)
        if note:
            return _("inform {roles} — {note}", roles=self.inform, note=note).text(lang)
        return _("inform {roles}", roles=self.inform).text(normalize_lang(lang))


def level_title(level: Level, crisis_type: CrisisType | None, lang: str = "en") -> str:
    """``"product quality problem, level I (major)"`` / ``"产品质量问题 · I级（重大）"``."""
    kind = (
        _("default (any crisis type without its own entry)") if crisis_type is None else crisis_type
    )
    return _(
        "{kind}, level {level} ({severity})", kind=kind, level=level.value, severity=level
    ).text(normalize_lang(lang))


def entry_name(level: Level, crisis_type: CrisisType | None) -> Message:
    """How messages name an entry: ``"level III of product_quality"``."""
    if crisis_type is None:
        return _("level {level} of the default entry", level=level.value)
    return _("level {level} of {crisis_type}", level=level.value, crisis_type=crisis_type.value)


@serializable()
@frozen
class LevelPlan:
    """What the plan requires for one crisis type at one level.

    ``crisis_type`` None is the plan's default entry, used for every crisis type that has
    no entries of its own. Every action's owner and every communication's approver must be
    one of the level's required roles, so a staffed team can always carry the plan out.
    """

    level: Level = field(converter=to_level, validator=_checks.is_member(Level))
    """The level this entry is for."""
    crisis_type: CrisisType | None = field(
        default=None,
        converter=attrs.converters.optional(to_crisis_type),
        validator=_checks.is_optional_member(CrisisType),
    )
    """The crisis type, or None for the default entry."""
    required_roles: tuple[RoleDuty, ...] = field(
        kw_only=True,
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(RoleDuty, "RoleDuty"),
    )
    """The roles the level requires, each with its duty (at least one, each once)."""
    actions: tuple[PlannedAction, ...] = field(
        default=(),
        kw_only=True,
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(PlannedAction, "PlannedAction"),
    )
    """The actions required, in the order they are listed (ids unique)."""
    communications: tuple[CommunicationRule, ...] = field(
        default=(),
        kw_only=True,
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(CommunicationRule, "CommunicationRule"),
    )
    """The audiences to tell (one rule per audience)."""
    escalation: Escalation | None = field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional(attrs.validators.instance_of(Escalation)),
    )
    """Who else to inform at this level, if anyone."""
    alert_rules: tuple[AlertRule, ...] = field(
        default=(),
        kw_only=True,
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(AlertRule, "AlertRule"),
    )
    """Whom each SLA alert at this level is for (see :class:`~crisiskit.plan.AlertRule`)."""

    def alert_roles(self, metric: str, fraction: float) -> tuple[Role, ...]:
        """The roles to notify of an alert of ``metric`` at ``fraction`` of its target."""
        found = (
            r for rule in self.alert_rules if rule.applies(metric, fraction) for r in rule.notify
        )
        return tuple(dict.fromkeys(found))

    def __attrs_post_init__(self) -> None:
        # Messages start with the field's path ("LevelPlan.actions[0].owner") so that a plan
        # read from JSON reports the full path of the bad field.
        here = entry_name(self.level, self.crisis_type)
        if not self.required_roles:
            raise PolicyError(
                _(
                    "LevelPlan.required_roles must name at least one role ({here}); got none",
                    here=here,
                )
            )
        roles: dict[Role, int] = {}
        for index, duty in enumerate(self.required_roles):
            if duty.role in roles:
                raise PolicyError(
                    _(
                        "LevelPlan.required_roles[{index}].role repeats {role!r} (first at required_roles[{roles}]) in {here}",
                        index=index,
                        role=duty.role.value,
                        roles=roles[duty.role],
                        here=here,
                    )
                )
            roles[duty.role] = index
        allowed = tuple(r.value for r in roles)
        ids: dict[str, int] = {}
        for index, action in enumerate(self.actions):
            if action.action_id in ids:
                raise PolicyError(
                    _(
                        "LevelPlan.actions[{index}].action_id repeats {action_id!r} (first at actions[{ids}]) in {here}; action ids are unique",
                        index=index,
                        action_id=action.action_id,
                        ids=ids[action.action_id],
                        here=here,
                    )
                )
            ids[action.action_id] = index
            if action.owner not in roles:
                raise PolicyError(
                    _(
                        "LevelPlan.actions[{index}].owner is {owner!r}, which {here} does not require (required roles: {allowed}); add the role to required_roles or give the action to a required role",
                        index=index,
                        owner=action.owner.value,
                        here=here,
                        allowed=allowed,
                    )
                )
        audiences: dict[Audience, int] = {}
        for index, rule in enumerate(self.communications):
            if rule.audience in audiences:
                raise PolicyError(
                    _(
                        "LevelPlan.communications[{index}].audience repeats {audience!r} (first at communications[{audiences}]) in {here}; one rule per audience",
                        index=index,
                        audience=rule.audience.value,
                        audiences=audiences[rule.audience],
                        here=here,
                    )
                )
            audiences[rule.audience] = index
            if rule.approver not in roles:
                raise PolicyError(
                    _(
                        "LevelPlan.communications[{index}].approver is {approver!r}, which {here} does not require (required roles: {allowed})",
                        index=index,
                        approver=rule.approver.value,
                        here=here,
                        allowed=allowed,
                    )
                )

    @property
    def roles(self) -> frozenset[Role]:
        """The required roles."""
        return frozenset(d.role for d in self.required_roles)

    @property
    def audiences(self) -> frozenset[Audience]:
        """The audiences the level has communication rules for."""
        return frozenset(r.audience for r in self.communications)

    def duty_of(self, role: Role | str) -> RoleDuty | None:
        """The duty of ``role`` at this level; None when the level does not require it."""
        role = _checks.member("role", role, Role)
        return next((d for d in self.required_roles if d.role is role), None)

    def rule_for(self, audience: Audience | str) -> CommunicationRule | None:
        """The communication rule for ``audience``; None when the plan has none."""
        audience = _checks.member("audience", audience, Audience)
        return next((r for r in self.communications if r.audience is audience), None)

    def actions_in(self, phase: Phase | str) -> tuple[PlannedAction, ...]:
        """The actions of ``phase``, in plan order."""
        phase = _checks.member("phase", phase, Phase)
        return tuple(a for a in self.actions if a.phase is phase)

    def action(self, action_id: str) -> PlannedAction:
        """The action with this id."""
        for action in self.actions:
            if action.action_id == action_id:
                return action
        known = ", ".join(repr(a.action_id) for a in self.actions) or _("none")
        raise UnknownValueError(
            _(
                "{entry_name} has no action {action_id!r}; actions: {known}",
                entry_name=entry_name(self.level, self.crisis_type),
                action_id=action_id,
                known=known,
            )
        )

    def with_action(self, action: PlannedAction) -> LevelPlan:
        """A copy with ``action`` replacing the action of the same id, or added at the end."""
        if any(a.action_id == action.action_id for a in self.actions):
            actions = tuple(action if a.action_id == action.action_id else a for a in self.actions)
        else:
            actions = (*self.actions, action)
        return attrs.evolve(self, actions=actions)

    def with_role(self, duty: RoleDuty | Role | str) -> LevelPlan:
        """A copy that requires the role, replacing its duty if it was required already.

        A :class:`RoleDuty` gives the duty at this level; a role (the member, its code or a
        label, built in or registered by the host) is required with its standard duty
        (:meth:`RoleDuty.standard`). A new role is added at the end of ``required_roles``.
        """
        if not isinstance(duty, RoleDuty):
            duty = RoleDuty.standard(duty)
        if any(d.role is duty.role for d in self.required_roles):
            roles = tuple(duty if d.role is duty.role else d for d in self.required_roles)
        else:
            roles = (*self.required_roles, duty)
        return attrs.evolve(self, required_roles=roles)

    def with_communication(self, rule: CommunicationRule) -> LevelPlan:
        """A copy with ``rule`` replacing the rule for the same audience, or added at the end."""
        if any(r.audience is rule.audience for r in self.communications):
            rules = tuple(rule if r.audience is rule.audience else r for r in self.communications)
        else:
            rules = (*self.communications, rule)
        return attrs.evolve(self, communications=rules)

    def title(self, lang: str = "en") -> str:
        """What the entry is for, e.g. ``"product quality problem, level I (major)"``."""
        return level_title(self.level, self.crisis_type, lang)

    def describe(self, lang: str = "en") -> str:
        """A summary for people, in English or Chinese: roles, actions by phase, communication."""
        lang = normalize_lang(lang)
        lines = [self.title(lang), _("Roles:").text(lang)]
        lines.extend(
            "  - " + _("{role}: {duty}", role=d.role, duty=d.label(lang)).text(lang)
            for d in self.required_roles
        )
        for phase in Phase:
            actions = self.actions_in(phase)
            if actions:
                lines.append(_("Actions, {phase}:", phase=phase).text(lang))
                lines.extend(f"  - {a.describe(lang)}" for a in actions)
        if self.communications:
            lines.append(_("Communication:").text(lang))
            lines.extend(f"  - {r.describe(lang)}" for r in self.communications)
        if self.escalation is not None:
            escalation = self.escalation.describe(lang)
            lines.append(_("Escalation: {escalation}", escalation=escalation).text(lang))
        return "\n".join(lines)
