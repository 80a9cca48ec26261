"""The default emergency plan, built from a company's crisis-management regulation.

Who does what comes from the regulation: the general manager decides and
commands, the crisis office runs the day-to-day, marketing handles external communication
and public opinion, customer service placates customers and handles complaints,
production/quality fixes quality problems, legal gives legal support. The regulation gives no
numbers, so the time targets follow the starting defaults of the domain summary (levels I and
II around the clock, III and IV in working time) and the budgets are examples: tune both.
"""

from __future__ import annotations

import datetime as dt

import pendulum

from crisiskit.plan._fields import ROUND_THE_CLOCK, WORKING
from crisiskit.plan.alerting import AlertRule
from crisiskit.plan.level_plan import (
    CommunicationRule,
    Escalation,
    LevelPlan,
    PlannedAction,
    RoleDuty,
)
from crisiskit.plan.resources import Resources, StandingMember
from crisiskit.plan.vocabulary import BudgetCategory, Phase
from crisiskit.values.levels import DEFAULT_TIME_TARGETS, Level
from crisiskit.values.money import Money
from crisiskit.values.vocabulary import Audience, CrisisType, Role

__all__ = [
    "DEFAULT_BUDGETS",
    "DEFAULT_EFFECTIVE_FROM",
    "DEFAULT_TYPES",
    "default_levels",
    "default_resources",
    "level_plan",
]

DEFAULT_EFFECTIVE_FROM = pendulum.datetime(2025, 1, 1, tz="UTC")
"""When the default plan takes effect unless told otherwise."""

DEFAULT_BUDGETS = {
    BudgetCategory.COMPENSATION: 200_000,
    BudgetCategory.PR: 100_000,
    BudgetCategory.SUPPLIES: 50_000,
}
"""Example budgets, in the plan's currency: tune them to the company."""

DEFAULT_TYPES: tuple[CrisisType, ...] = (CrisisType.PRODUCT_QUALITY, CrisisType.NEGATIVE_PUBLICITY)
"""The crisis types the default plan has entries of its own for."""

_H = dt.timedelta(hours=1)
_DAY = dt.timedelta(days=1)
_I, _II, _III, _IV = Level.I, Level.II, Level.III, Level.IV
_PQ, _NP = CrisisType.PRODUCT_QUALITY, CrisisType.NEGATIVE_PUBLICITY

# Levels I and II run around the clock; III and IV in working time, where a working day is
# taken as 8 working hours (the SLA module counts them on the host's working calendar).
_CALENDAR = {_I: ROUND_THE_CLOCK, _II: ROUND_THE_CLOCK, _III: WORKING, _IV: WORKING}
_WORKING_DAY = 8 * _H

_UNITS = {"h": _H, "d": _DAY, "wh": _H, "wd": _WORKING_DAY}


def _targets(metric: str) -> dict[Level, dt.timedelta]:
    """One row of the domain's time-target table, per level that has the target."""
    row = DEFAULT_TIME_TARGETS[metric]
    return {
        level: _UNITS[cell[0]] * cell[1]
        for level, cell in zip(Level, row, strict=True)
        if cell is not None
    }


_ACKNOWLEDGE = _targets("acknowledge")
_FIRST_CONTACT = _targets("first_contact")
_FIRST_STATEMENT = _targets("public_statement")
_UPDATES = _targets("progress_update")
_RESOLUTION = _targets("resolution")


def _action(
    action_id: str,
    phase: Phase,
    owner: Role,
    target: dt.timedelta | None,
    level: Level,
    *,
    en: str,
    zh: str,
) -> PlannedAction:
    return PlannedAction(action_id, phase, en, owner, target, _CALENDAR[level], zh)


def _roles(level: Level, crisis_type: CrisisType | None) -> tuple[RoleDuty, ...]:
    std = RoleDuty.standard
    if level is _I:
        roles = [
            RoleDuty(
                Role.GENERAL_MANAGER,
                "decides and commands; approves every outward statement",
                "负责全面决策和指挥，审批对外发布口径",
            ),
            std(Role.OFFICE),
            std(Role.MARKETING),
            std(Role.CUSTOMER_SERVICE),
            std(Role.LEGAL),
        ]
    elif level is _II:
        roles = [std(Role.OFFICE), std(Role.MARKETING), std(Role.CUSTOMER_SERVICE)]
    elif level is _III:
        roles = [
            RoleDuty(
                Role.OFFICE,
                "runs the response: coordinates, collects the facts, approves customer statements",
                "负责组织应对：协调各部门、收集事件信息、审批对客户的说明",
            ),
            std(Role.CUSTOMER_SERVICE),
        ]
    else:
        roles = [
            RoleDuty(
                Role.CUSTOMER_SERVICE,
                "handles the case: placates the customer, resolves the complaint, reports to "
                "the crisis office",
                "独立处理：安抚客户、处理投诉，并向危机管理办公室报告",
            )
        ]
    if crisis_type is _PQ and level in (_I, _II):
        roles.append(std(Role.PRODUCTION_QUALITY))
    return tuple(roles)


def _warning(level: Level, crisis_type: CrisisType | None) -> list[PlannedAction]:
    phase = Phase.WARNING
    if level is _IV:
        notice = _action(
            "warning-notice",
            phase,
            Role.CUSTOMER_SERVICE,
            _ACKNOWLEDGE[level],
            level,
            en="Record the warning and report it to the crisis office",
            zh="登记预警信息并报告危机管理办公室",
        )
    else:
        notice = _action(
            "warning-notice",
            phase,
            Role.OFFICE,
            _ACKNOWLEDGE[level],
            level,
            en="Issue the warning notice — level, crisis type, affected scope, measures — to the "
            "departments concerned",
            zh="发布预警通知（预警级别、危机类型、影响范围、应对措施），发送至相关部门和人员",
        )
    actions = [notice]
    if level in (_I, _II) or (crisis_type is _NP and level is _III):
        owner = Role.OFFICE if level is _III else Role.MARKETING
        actions.append(
            _action(
                "monitor-opinion",
                phase,
                owner,
                None,
                level,
                en="Monitor public opinion on the incident: internet, social media, news media",
                zh="持续监测与事件相关的舆情：互联网、社交媒体、新闻媒体",
            )
        )
    return actions


def _response(level: Level, crisis_type: CrisisType | None) -> list[PlannedAction]:
    phase = Phase.RESPONSE
    actions = []
    if level is _I:
        actions.append(
            _action(
                "decide-response",
                phase,
                Role.GENERAL_MANAGER,
                1 * _H,
                level,
                en="Convene the leadership group, decide the response and release the resources",
                zh="召集危机管理领导小组，决策应对方案并调配资源",
            )
        )
    actions += [
        _action(
            "collect-facts",
            phase,
            Role.CUSTOMER_SERVICE if level is _IV else Role.OFFICE,
            _FIRST_CONTACT[level],
            level,
            en="Collect the facts: time, place, cause, course, scope, customers affected",
            zh="收集事件信息：时间、地点、原因、经过、影响范围、涉及客户数量",
        ),
        _action(
            "contact-customers",
            phase,
            Role.CUSTOMER_SERVICE,
            _FIRST_CONTACT[level],
            level,
            en="Contact every affected customer: learn their demands, apologise, promise a solution",
            zh="立即联系受影响客户：了解具体诉求，表达关注和歉意，承诺尽快解决",
        ),
    ]
    if crisis_type is _PQ:
        actions += _quality(level)
    if crisis_type is _NP and level in (_I, _II):
        actions.append(
            _action(
                "pr-strategy",
                phase,
                Role.MARKETING,
                _FIRST_STATEMENT[level] / 2,
                level,
                en="Set the PR strategy — statements, press conference, interviews — and work with "
                "the mainstream media",
                zh="制定公关策略（发布正面信息、新闻发布会、接受采访），加强与主流媒体合作",
            )
        )
    if level in (_I, _II):
        actions.append(
            _action(
                "public-statement",
                phase,
                Role.MARKETING,
                _FIRST_STATEMENT[level],
                level,
                en="Release the public statement in the agreed wording (统一口径): truthful, "
                "objective, fair",
                zh="按统一口径发布对外声明，做到真实、客观、公正",
            )
        )
    if level is _I:
        actions.append(
            _action(
                "legal-review",
                phase,
                Role.LEGAL,
                _FIRST_STATEMENT[level],
                level,
                en="Review statements, remedies and compensation for legal risk",
                zh="审核对外声明、整改措施和赔偿方案的法律风险",
            )
        )
    actions.append(
        _action(
            "agree-solution",
            phase,
            Role.CUSTOMER_SERVICE,
            _RESOLUTION[level],
            level,
            en="Agree a workable solution with each customer, carry it out and report progress back",
            zh="与客户商定切实可行的解决方案，跟踪落实并及时反馈处理进度",
        )
    )
    return actions


def _quality(level: Level) -> list[PlannedAction]:
    phase = Phase.RESPONSE
    if level in (_I, _II):
        return [
            _action(
                "root-cause",
                phase,
                Role.PRODUCTION_QUALITY,
                24 * _H if level is _I else 48 * _H,
                level,
                en="Find the cause of the quality problem and the party responsible",
                zh="查明产品质量问题的原因，确定责任主体",
            ),
            _action(
                "remedy",
                phase,
                Role.PRODUCTION_QUALITY,
                _RESOLUTION[level],
                level,
                en="Carry out the remedy — recall, rework or repair — and fix the production and "
                "quality-control process",
                zh="采取整改措施（召回、返工、维修），并检查优化生产流程和质量控制体系",
            ),
        ]
    if level is _III:
        return [
            _action(
                "remedy",
                phase,
                Role.OFFICE,
                _RESOLUTION[level],
                level,
                en="Arrange repair, rework or replacement of the affected products with production "
                "and quality",
                zh="协调生产/质量部门对受影响产品进行维修、返工或更换",
            )
        ]
    return [
        _action(
            "remedy",
            phase,
            Role.CUSTOMER_SERVICE,
            _RESOLUTION[level],
            level,
            en="Repair or replace the customer's product",
            zh="为客户维修或更换产品",
        )
    ]


def _recovery(level: Level, crisis_type: CrisisType | None) -> list[PlannedAction]:
    phase = Phase.RECOVERY
    callback = {_I: 3 * _DAY, _II: 5 * _DAY, _III: 5 * _WORKING_DAY, _IV: 5 * _WORKING_DAY}
    actions = [
        _action(
            "callback-customers",
            phase,
            Role.CUSTOMER_SERVICE,
            callback[level],
            level,
            en="Call back the affected customers: satisfaction with the fix, opinions and suggestions",
            zh="回访受影响客户：了解对问题解决情况的满意度，听取意见和建议",
        )
    ]
    if level in (_I, _II):
        actions += [
            _action(
                "value-added-remedy",
                phase,
                Role.CUSTOMER_SERVICE,
                7 * _DAY,
                level,
                en="Offer value-added remedies where due: coupons, gifts, free training",
                zh="视情况提供增值服务：优惠券、礼品、免费培训等",
            ),
            _action(
                "recovery-plan",
                phase,
                Role.OFFICE,
                5 * _DAY if level is _I else 10 * _DAY,
                level,
                en="Draw up the business recovery plan: goals, measures, timetable",
                zh="制定业务恢复计划：明确目标、措施和时间表",
            ),
        ]
    if level is not _IV:
        assess = {_I: 7 * _DAY, _II: 14 * _DAY, _III: 10 * _WORKING_DAY}
        actions.append(
            _action(
                "impact-assessment",
                phase,
                Role.OFFICE,
                assess[level],
                level,
                en="Assess the impact: sales, market share, customer satisfaction before and after",
                zh="评估危机影响：销售业绩、市场份额、客户满意度的变化",
            )
        )
    if level is _I or (crisis_type is _NP and level is _II):
        actions.append(
            _action(
                "rebuild-brand",
                phase,
                Role.MARKETING,
                None,
                level,
                en="Rebuild the brand image: publicity, public-welfare activities, social media",
                zh="重塑品牌形象：品牌宣传、公益活动、社交媒体营销",
            )
        )
    if level is _IV:
        review = _action(
            "review",
            phase,
            Role.CUSTOMER_SERVICE,
            5 * _WORKING_DAY,
            level,
            en="Write a short review: cause and lesson",
            zh="简要总结：问题原因与经验教训",
        )
    else:
        review = _action(
            "review",
            phase,
            Role.OFFICE,
            14 * _DAY if level in (_I, _II) else 10 * _WORKING_DAY,
            level,
            en="Review the crisis: root cause, lessons, improvements to the plan",
            zh="总结经验教训：查找问题根源，提出改进措施并修订预案",
        )
    actions.append(review)
    return actions


def _communications(level: Level, crisis_type: CrisisType | None) -> tuple[CommunicationRule, ...]:
    calendar = _CALENDAR[level]
    # Levels III and IV set no first statement: the table has no public-statement target
    # there, and the first contact with customers is a target of its own.
    if level is _IV:
        return (
            CommunicationRule(
                Audience.CUSTOMERS, True, None, Role.CUSTOMER_SERVICE, None, calendar
            ),
        )
    if level is _III:
        rules = [
            CommunicationRule(
                Audience.CUSTOMERS, True, _UPDATES[level], Role.OFFICE, None, calendar
            )
        ]
        if crisis_type is _NP:
            rules.append(
                CommunicationRule(Audience.MEDIA, False, None, Role.OFFICE, None, calendar)
            )
        return tuple(rules)
    first, updates, daily = _FIRST_STATEMENT[level], _UPDATES[level], 24 * _H
    approver = {
        Audience.CUSTOMERS: Role.OFFICE,
        Audience.MEDIA: Role.MARKETING,
        Audience.REGULATORS: Role.OFFICE,
    }
    if level is _I:
        approver = dict.fromkeys(approver, Role.GENERAL_MANAGER)
    regulators_required = crisis_type in (_PQ, _NP)
    rules = [
        CommunicationRule(
            Audience.CUSTOMERS, True, updates, approver[Audience.CUSTOMERS], first, calendar
        ),
        CommunicationRule(Audience.MEDIA, True, updates, approver[Audience.MEDIA], first, calendar),
        CommunicationRule(
            Audience.REGULATORS,
            regulators_required,
            daily,
            approver[Audience.REGULATORS],
            first,
            calendar,
        ),
    ]
    if level is _I:
        rules.append(
            CommunicationRule(Audience.PARTNERS, True, daily, Role.GENERAL_MANAGER, first, calendar)
        )
    return tuple(rules)


def _escalation(level: Level) -> Escalation | None:
    if level is _I:
        return Escalation(
            (Role.LEADERSHIP_GROUP,),
            "Report to the crisis leadership group at once; the general manager takes command",
            "立即报告危机管理领导小组，由总经理统一指挥",
        )
    if level is _II:
        return Escalation(
            (Role.GENERAL_MANAGER,),
            "Report to the general manager; propose level I if the crisis spreads",
            "报告总经理；如危机扩大，提请升为一级",
        )
    if level is _IV:
        return Escalation(
            (Role.OFFICE,),
            "Customer service reports the case to the crisis office",
            "客服部门向危机管理办公室报告",
        )
    return None


UNGRADED_ALERT_RULES: tuple[AlertRule, ...] = (AlertRule((Role.OFFICE,), at=0.5),)
"""Whom the alerts of a crisis not graded yet are for: the crisis office, whose job the
triage is, from half its time used on."""


def _alert_rules(level: Level) -> tuple[AlertRule, ...]:
    # Whoever the level reports to hears of every breach (at level I the leadership group,
    # an unacknowledged crisis included); at level I the general manager hears of any target
    # three quarters used, before it is missed.
    if level is _I:
        return (
            AlertRule((Role.GENERAL_MANAGER,), at=0.75),
            AlertRule((Role.LEADERSHIP_GROUP,)),
        )
    if level is _II:
        return (AlertRule((Role.GENERAL_MANAGER,)),)
    return (AlertRule((Role.OFFICE,)),)


def level_plan(level: Level, crisis_type: CrisisType | None = None) -> LevelPlan:
    """The default plan's entry for ``crisis_type`` (None: the default entry) at ``level``."""
    return LevelPlan(
        level,
        crisis_type,
        required_roles=_roles(level, crisis_type),
        actions=(
            *_warning(level, crisis_type),
            *_response(level, crisis_type),
            *_recovery(level, crisis_type),
        ),
        communications=_communications(level, crisis_type),
        escalation=_escalation(level),
        alert_rules=_alert_rules(level),
    )


def default_levels() -> tuple[LevelPlan, ...]:
    """Every entry of the default plan: the default entry and :data:`DEFAULT_TYPES`, levels I–IV."""
    return tuple(
        level_plan(level, crisis_type)
        for crisis_type in (None, *DEFAULT_TYPES)
        for level in (_I, _II, _III, _IV)
    )


def default_resources(currency: str = "CNY") -> Resources:
    """The default resources: example budgets in ``currency``, the standing team, supplies."""
    return Resources(
        budgets={category: Money(amount, currency) for category, amount in DEFAULT_BUDGETS.items()},
        standing_team=(
            StandingMember(Role.LEADERSHIP_GROUP, "Senior management (危机管理领导小组)"),
            StandingMember(Role.GENERAL_MANAGER, "General manager (总经理)"),
            StandingMember(Role.OFFICE, "Crisis office (危机管理领导小组办公室)"),
            StandingMember(Role.MARKETING, "Marketing department (市场部门)"),
            StandingMember(Role.CUSTOMER_SERVICE, "Customer-service department (客服部门)"),
            StandingMember(
                Role.PRODUCTION_QUALITY,
                "Production and quality-inspection departments (生产/质检部门)",
            ),
            StandingMember(Role.LEGAL, "Legal department (法务部门)"),
        ),
        supplies=(
            "office supplies (办公用品)",
            "communication equipment (通讯设备)",
            "protective equipment (防护用品)",
            "repair tools (维修工具)",
        ),
    )
