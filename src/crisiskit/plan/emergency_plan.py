"""The emergency plan (应急预案) as versioned data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum
from attrs import Factory, field, frozen

from crisiskit import serialization
from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.errors import PolicyError, UnknownValueError, ValidationError
from crisiskit.messages import Message, _
from crisiskit.plan import _fields
from crisiskit.plan.alerting import AlertRule
from crisiskit.plan.level_plan import LevelPlan, PlannedAction, entry_name
from crisiskit.plan.resources import Resources
from crisiskit.plan.vocabulary import BudgetCategory, Phase
from crisiskit.values.labels import normalize_lang
from crisiskit.values.levels import Level
from crisiskit.values.money import Money
from crisiskit.values.vocabulary import Audience, CrisisType, Role

__all__ = ["EmergencyPlan", "Revision"]

_NUMERIC_VERSION = re.compile(r"^\d{1,9}(?:\.\d{1,9})*$")

#: What :meth:`EmergencyPlan.revise` may change besides the version and the date.
REVISABLE = ("title", "title_zh", "levels", "resources")


def _is_plan_name(example: str) -> _checks.Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        _fields.name(_fields.where(instance, attribute), value, example)

    return check


def _version_key(version: str) -> tuple[int, ...] | None:
    """``"1.10"`` -> (1, 10); None for versions that are not dotted numbers.

    Trailing zeros do not count: ``"1.0.0"`` is the same version as ``"1.0"`` and ``"1"``.
    """
    if not _NUMERIC_VERSION.match(version):
        return None
    parts = [int(part) for part in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _is_later_version(new: str, old: str) -> bool:
    """False only when both are dotted numbers and ``new`` does not come after ``old``."""
    new_key, old_key = _version_key(new), _version_key(old)
    return new_key is None or old_key is None or new_key > old_key


@serializable()
@frozen
class Revision:
    """One version of a plan in its revision history: when it took effect, and why.

    After a drill (演练) or a real crisis the review's lessons are linked in ``lessons``
    (their ids or texts), so the history shows what each change was learnt from.
    """

    version: str = field(validator=_is_plan_name("1.1"))
    """The plan version this revision made, e.g. ``"1.1"``."""
    effective_from: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When the version took effect (stored in UTC)."""
    reasons: tuple[str, ...] = field(
        converter=_checks.to_tuple, validator=_fields.is_texts(at_least=1)
    )
    """Why it was made (at least one reason)."""
    lessons: tuple[str, ...] = field(
        default=(), converter=_checks.to_tuple, validator=_fields.is_texts()
    )
    """The review lessons that motivated it: their ids or texts."""

    def describe(self, lang: str = "en") -> str:
        """One line for people: version, date, reasons and lessons."""
        lang = normalize_lang(lang)
        sep = _("; ").text(lang)  # reasons are free text: a list would join them with commas
        facts = {
            "version": self.version,
            "when": _when(self.effective_from),
            "reasons": sep.join(self.reasons),
            "lessons": sep.join(self.lessons),
        }
        if self.lessons:
            return _("{version} ({when}): {reasons} (lessons: {lessons})", **facts).text(lang)
        return _("{version} ({when}): {reasons}", **facts).text(lang)


def _when(instant: pendulum.DateTime) -> str:
    return f"{instant.format('YYYY-MM-DD HH:mm')} UTC"


def _entries_line(own: tuple[CrisisType, ...]) -> Message:
    if own:
        return _(
            "Crisis types with their own entries: {own}; the others use the default entries",
            own=own,
        )
    return _("Every crisis type uses the default entries")


def _first_issue(plan: EmergencyPlan) -> tuple[Revision, ...]:
    return (Revision(plan.version, plan.effective_from, ("first issue",)),)


_Key = tuple[CrisisType | None, Level]


@serializable()
@frozen
class EmergencyPlan:
    """The emergency plan: per crisis type and level, what is required; resources; revisions.

    ``levels`` holds one :class:`~crisiskit.plan.LevelPlan` per (crisis type, level). The
    entries with ``crisis_type=None`` are the default, used for every crisis type without
    entries of its own; the default must cover levels I–IV, and so must every crisis type
    that has entries. ``revisions`` is the plan's history, oldest first; the last one is the
    current version (when omitted, it is a single "first issue" revision).

    A plan is immutable: :meth:`revise` returns the next version. Build one in code, read
    one with :meth:`from_json`, or start from :meth:`default`.

    Raises:
        PolicyError: the plan is inconsistent; the message names the entry by its path,
            e.g. ``plan 'P-1' has no entry for level III of product_quality``.
    """

    plan_id: str = field(validator=_is_plan_name("CK-PLAN-1"))
    """The plan's id; it stays the same across versions."""
    version: str = field(validator=_is_plan_name("1.0"))
    """The current version, e.g. ``"1.0"``."""
    effective_from: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When the current version took effect (stored in UTC)."""
    title: str = field(validator=_checks.is_text)
    """The plan's title, in English."""
    levels: tuple[LevelPlan, ...] = field(
        converter=_checks.to_tuple, validator=_checks.is_tuple_of(LevelPlan, "LevelPlan")
    )
    """One entry per (crisis type or default, level)."""
    resources: Resources = field(validator=attrs.validators.instance_of(Resources))
    """People, emergency stock and budgets."""
    revisions: tuple[Revision, ...] = field(
        default=Factory(_first_issue, takes_self=True),
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(Revision, "Revision"),
    )
    """The revision history, oldest first; the last is the current version."""
    title_zh: str | None = field(default=None, validator=_checks.is_optional_text)
    """The title in Chinese, if given."""
    ungraded_alert_rules: tuple[AlertRule, ...] = field(
        default=(),
        kw_only=True,
        converter=_checks.to_tuple,
        validator=_checks.is_tuple_of(AlertRule, "AlertRule"),
    )
    """Whom each SLA alert of a crisis not graded yet is for; a level's own rules take over
    once it is graded (see :attr:`LevelPlan.alert_rules <crisiskit.plan.LevelPlan.alert_rules>`)."""
    _index: dict[_Key, LevelPlan] = field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        self._check_revisions()
        object.__setattr__(self, "_index", self._check_levels())

    def _fail(self, problem: Message) -> PolicyError:
        # "plan 'P-1': $.levels[5] repeats ..." but "plan 'P-1' has no entry for ...".
        if problem.startswith("$"):
            return PolicyError(
                _("plan {plan_id!r}: {problem}", plan_id=self.plan_id, problem=problem)
            )
        return PolicyError(_("plan {plan_id!r} {problem}", plan_id=self.plan_id, problem=problem))

    def _check_revisions(self) -> None:
        if not self.revisions:
            raise self._fail(_("$.revisions must hold at least the current version; got none"))
        seen: dict[str, int] = {}
        for index, revision in enumerate(self.revisions):
            if revision.version in seen:
                raise self._fail(
                    _(
                        "$.revisions[{index}] repeats the version {version!r} "
                        "(first at $.revisions[{first}]); each version is new",
                        index=index,
                        version=revision.version,
                        first=seen[revision.version],
                    )
                )
            seen[revision.version] = index
            if index == 0:
                continue
            before = self.revisions[index - 1]
            if revision.effective_from < before.effective_from:
                raise self._fail(
                    _(
                        "$.revisions[{index}].effective_from {effective_from} is earlier than "
                        "version {version}'s {before}; revisions are listed oldest first",
                        index=index,
                        effective_from=revision.effective_from,
                        version=before.version,
                        before=before.effective_from,
                    )
                )
            if not _is_later_version(revision.version, before.version):
                raise self._fail(
                    _(
                        "$.revisions[{index}].version {version!r} does not come after {before!r}",
                        index=index,
                        version=revision.version,
                        before=before.version,
                    )
                )
        last = self.revisions[-1]
        if last.version != self.version:
            raise self._fail(
                _(
                    "$.version is {version!r} but the last revision, $.revisions[-1], is "
                    "{last!r}; the last revision is the current version",
                    version=self.version,
                    last=last.version,
                )
            )
        if last.effective_from != self.effective_from:
            raise self._fail(
                _(
                    "$.effective_from is {effective_from} but the last revision took effect "
                    "{last} ($.revisions[-1].effective_from); they must agree",
                    effective_from=self.effective_from,
                    last=last.effective_from,
                )
            )

    def _check_levels(self) -> dict[_Key, LevelPlan]:
        index: dict[_Key, LevelPlan] = {}
        where: dict[_Key, int] = {}
        phases: dict[str, tuple[Phase, str]] = {}
        for i, entry in enumerate(self.levels):
            key = (entry.crisis_type, entry.level)
            if key in index:
                raise self._fail(
                    _(
                        "$.levels[{i}] repeats the entry for {entry} (first at $.levels[{first}])",
                        i=i,
                        entry=entry_name(entry.level, entry.crisis_type),
                        first=where[key],
                    )
                )
            index[key] = entry
            where[key] = i
            for j, action in enumerate(entry.actions):
                path = f"$.levels[{i}].actions[{j}].phase"
                first = phases.setdefault(action.action_id, (action.phase, path))
                if first[0] is not action.phase:
                    raise self._fail(
                        _(
                            "{path}: the action {action_id!r} is in phase {phase} here but in "
                            "{first_phase} at {first_path}; an action keeps its phase at every "
                            "level (give it another id)",
                            path=path,
                            action_id=action.action_id,
                            phase=action.phase.value,
                            first_phase=first[0].value,
                            first_path=first[1],
                        )
                    )
        for crisis_type in [None, *dict.fromkeys(t for t, _level in index if t is not None)]:
            for level in Level:
                if (crisis_type, level) not in index:
                    raise self._fail(
                        _(
                            "has no entry for level {level} of the default (crisis_type null, "
                            "used for any crisis type without its own entries); $.levels must "
                            "cover levels I, II, III and IV of the default",
                            level=level.value,
                        )
                        if crisis_type is None
                        else _(
                            "has no entry for level {level} of {crisis_type}; $.levels must "
                            "cover levels I, II, III and IV of every crisis type it lists",
                            level=level.value,
                            crisis_type=crisis_type.value,
                        )
                    )
        return index

    # ---- what the plan requires

    @classmethod
    def default(
        cls,
        *,
        plan_id: str = "CK-DEFAULT",
        effective_from: dt.datetime | None = None,
        currency: str = "CNY",
    ) -> EmergencyPlan:
        """The default plan, built from the source documents (see the "Emergency plans" docs).

        Levels I–IV for every crisis type, with entries of their own for product-quality
        problems and negative public opinion. The budgets (200 000 compensation, 100 000 PR,
        50 000 supplies, in ``currency``) and the time targets are example defaults to tune.
        ``effective_from`` defaults to 2025-01-01 00:00 UTC.
        """
        # Imported here, on first use: a host that loads its own plan never needs the default.
        from crisiskit.plan import default as _default  # noqa: PLC0415

        start = _default.DEFAULT_EFFECTIVE_FROM if effective_from is None else effective_from
        return cls(
            plan_id=plan_id,
            version="1.0",
            effective_from=start,
            title="Customer crisis emergency plan",
            title_zh="客户危机管理应急预案",
            levels=_default.default_levels(),
            resources=_default.default_resources(currency),
            revisions=(
                Revision(
                    "1.0",
                    start,
                    ("first issue, from the customer-crisis regulation (客户危机管理办法)",),
                ),
            ),
            ungraded_alert_rules=_default.UNGRADED_ALERT_RULES,
        )

    @property
    def crisis_types(self) -> tuple[CrisisType, ...]:
        """The crisis types with entries of their own (the others use the default)."""
        return tuple(dict.fromkeys(t for t, _unused in self._index if t is not None))

    def alert_roles(
        self, crisis_type: CrisisType | str, level: Level | str | None, metric: str, fraction: float
    ) -> tuple[Role, ...]:
        """The roles to notify of an alert of ``metric`` at ``fraction`` of its target.

        ``level`` None is a crisis not graded yet (:attr:`ungraded_alert_rules`).
        """
        if level is None:
            found = (
                r
                for rule in self.ungraded_alert_rules
                if rule.applies(metric, fraction)
                for r in rule.notify
            )
            return tuple(dict.fromkeys(found))
        return self.for_crisis(crisis_type, level).alert_roles(metric, fraction)

    def for_crisis(self, crisis_type: CrisisType | str, level: Level | str) -> LevelPlan:
        """What the plan requires for ``crisis_type`` at ``level`` (the default entry if it has none)."""
        crisis_type = _checks.member("crisis_type", crisis_type, CrisisType)
        level = _checks.member("level", level, Level)
        found = self._index.get((crisis_type, level))
        return found if found is not None else self._index[(None, level)]

    def required_roles(self, crisis_type: CrisisType | str, level: Level) -> frozenset[Role]:
        """The roles the plan requires for ``crisis_type`` at ``level``."""
        return self.for_crisis(crisis_type, level).roles

    def allowed_audiences(self, crisis_type: CrisisType | str, level: Level) -> frozenset[Audience]:
        """The audiences the plan has communication rules for, required or not."""
        return self.for_crisis(crisis_type, level).audiences

    def required_audiences(
        self, crisis_type: CrisisType | str, level: Level
    ) -> frozenset[Audience]:
        """The audiences that must be told."""
        entry = self.for_crisis(crisis_type, level)
        return frozenset(r.audience for r in entry.communications if r.required)

    def actions_for(
        self, crisis_type: CrisisType | str, level: Level | str, phase: Phase | str
    ) -> tuple[PlannedAction, ...]:
        """The actions of ``phase`` for ``crisis_type`` at ``level``, in plan order."""
        return self.for_crisis(crisis_type, level).actions_in(phase)

    @property
    def currency(self) -> str:
        """The currency of the plan's budgets."""
        return self.resources.currency

    def budget(self, category: BudgetCategory | str) -> Money:
        """The budget of ``category``."""
        return self.resources.budget(category)

    # ---- versions

    @property
    def current_revision(self) -> Revision:
        """The revision that made the current version."""
        return self.revisions[-1]

    def revise(
        self,
        *,
        version: str,
        effective_from: dt.datetime,
        reasons: Iterable[str],
        lessons: Iterable[str] = (),
        **changes: Any,
    ) -> EmergencyPlan:
        """The next version of the plan, with a revision recording why.

        Args:
            version: the new version; not one the plan had before (and, when both are dotted
                numbers such as ``"1.2"``, greater than the current one).
            effective_from: when it takes effect; not earlier than the current version.
            reasons: why (at least one).
            lessons: the review lessons (ids or texts) the revision was learnt from, after a
                drill or a real crisis.
            **changes: new values of ``title``, ``title_zh``, ``levels``, ``resources``.

        Raises:
            PolicyError: the version is not new, or the date is earlier than the current.
            ValidationError: no reasons, or a bad value.
            UnknownValueError: a change names something else.
        """
        unknown = sorted(set(changes) - set(REVISABLE))
        if unknown:
            raise UnknownValueError(
                _(
                    "revise() cannot change {unknown}; it changes {revisable} (the version, date and history come from its arguments)",
                    unknown=tuple(map(repr, unknown)),
                    revisable=tuple(REVISABLE),
                )
            )
        _fields.name("version", version, "1.1")
        used = [r.version for r in self.revisions]
        if version in used:
            raise PolicyError(
                _(
                    "plan {plan_id!r} already had version {version!r}; a revision needs a new version (versions so far: {used})",
                    plan_id=self.plan_id,
                    version=version,
                    used=tuple(used),
                )
            )
        if not _is_later_version(version, self.version):
            raise PolicyError(
                _(
                    "plan {plan_id!r}: version {version!r} does not come after the current version {current!r}",
                    plan_id=self.plan_id,
                    version=version,
                    current=self.version,
                )
            )
        start = _checks.instant("effective_from", effective_from)
        if start < self.effective_from:
            raise PolicyError(
                _(
                    "plan {plan_id!r}: a revision cannot take effect ({start}) before the current version {version} did ({effective_from})",
                    plan_id=self.plan_id,
                    start=start,
                    version=self.version,
                    effective_from=self.effective_from,
                )
            )
        if isinstance(reasons, str) or isinstance(lessons, str):
            raise ValidationError(
                _(
                    "revise() takes reasons and lessons as sequences of strings, not a single string; got reasons={reasons!r}, lessons={lessons!r}",
                    reasons=reasons,
                    lessons=lessons,
                )
            )
        revision = Revision(version, start, tuple(reasons), tuple(lessons))
        return attrs.evolve(
            self,
            version=version,
            effective_from=start,
            revisions=(*self.revisions, revision),
            **changes,
        )

    def levels_with(self, *entries: LevelPlan) -> tuple[LevelPlan, ...]:
        """This plan's entries with ``entries`` replacing those of the same type and level.

        Entries for a (type, level) the plan does not have are added at the end. Use it to
        build the ``levels`` of a revision.
        """
        replacing = {(e.crisis_type, e.level): e for e in entries}
        result = [replacing.pop((e.crisis_type, e.level), e) for e in self.levels]
        return (*result, *replacing.values())

    # ---- reading, writing, showing

    def to_json(self, *, indent: int | None = 2) -> str:
        """The plan as JSON (UTF-8 text; Chinese kept readable). :meth:`from_json` reads it back."""
        return serialization.to_json(self, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> EmergencyPlan:
        """Read a plan that :meth:`to_json` wrote (or a host edited).

        Raises:
            SerializationError: a field is missing, unknown or malformed; the message names
                its path, e.g. ``@ $.levels[2].actions[0].owner``.
            PolicyError: the plan is inconsistent (a level not covered, a version mismatch…);
                the message names the entry by its path.
        """
        return serialization.from_json(text, cls)

    def label(self, lang: str = "en") -> str:
        """The title in ``lang`` (English when no Chinese title was given)."""
        return _fields.pick(lang, self.title, self.title_zh)

    def describe(self, lang: str = "en") -> str:
        """A summary for people: title, version, entries, resources and revisions."""
        lang = normalize_lang(lang)
        lines = [
            _(
                "{title} ({plan_id} v{version}, effective {when})",
                title=self.label(lang),
                plan_id=self.plan_id,
                version=self.version,
                when=_when(self.effective_from),
            ).text(lang),
            _entries_line(self.crisis_types).text(lang),
            self.resources.describe(lang),
            _("Revisions:").text(lang),
        ]
        lines.extend(f"  - {r.describe(lang)}" for r in self.revisions)
        return "\n".join(lines)
