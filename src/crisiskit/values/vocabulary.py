"""The words of the domain: crisis types, lifecycle states, signal channels, roles, audiences.

Every member has a stable code (its value, used in JSON and events) and an English and a
Simplified Chinese label (:meth:`~crisiskit.values.labels.LabelledEnum.label`).

:class:`CrisisType`, :class:`Channel`, :class:`Role` and :class:`Audience` are open: a host
adds its own members at start-up with their ``register`` classmethods (see
:class:`~crisiskit.values.open_enum.OpenLabelledEnum`). :class:`CrisisState`,
:class:`ChannelGroup` and :class:`ClosedAs` are closed: they are crisiskit's own rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from crisiskit.values.labels import LabelledEnum, converted, converted_all, normalize_lang
from crisiskit.values.open_enum import OpenLabelledEnum, label_text

__all__ = [
    "PUBLIC_AUDIENCES",
    "Audience",
    "Channel",
    "ChannelGroup",
    "ClosedAs",
    "CrisisState",
    "CrisisType",
    "Role",
]


class CrisisType(OpenLabelledEnum):
    """What kind of crisis this is; a host adds its own with :meth:`register`."""

    COMPLAINT = "complaint"
    PRODUCT_QUALITY = "product_quality"
    SERVICE_DISPUTE = "service_dispute"
    NEGATIVE_PUBLICITY = "negative_publicity"
    NATURAL_DISASTER = "natural_disaster"
    MANAGEMENT_FAILURE = "management_failure"
    MALICIOUS_ATTACK = "malicious_attack"
    INFORMATION_SECURITY = "information_security"
    OTHER = "other"

    @classmethod
    def register(cls, code: str, *, en: str, zh: str) -> CrisisType:
        """Add a crisis type of the host's, e.g. ``register("financial_risk", en="financial risk", zh="金融风险")``.

        Returns the new member; registering the same definition again returns it again.

        Raises:
            VocabularyError: ``code`` is not lower_snake_case ASCII of at most 40
                characters, a label is blank, a code or label already names another crisis
                type, or ``code`` is registered with other labels.
        """
        return cls._register(code, en, zh)


CrisisType._declare(
    {
        CrisisType.COMPLAINT: ("customer complaint", "客户投诉"),
        CrisisType.PRODUCT_QUALITY: ("product quality problem", "产品质量问题"),
        CrisisType.SERVICE_DISPUTE: ("service dispute", "服务纠纷"),
        CrisisType.NEGATIVE_PUBLICITY: ("negative public opinion", "负面舆情"),
        CrisisType.NATURAL_DISASTER: ("natural disaster", "自然灾害"),
        CrisisType.MANAGEMENT_FAILURE: ("management failure", "管理失误"),
        CrisisType.MALICIOUS_ATTACK: ("malicious attack", "恶意攻击"),
        CrisisType.INFORMATION_SECURITY: ("information security incident", "信息安全事件"),
        CrisisType.OTHER: ("other", "其他"),
    }
)


def to_crisis_type(value: CrisisType | str) -> CrisisType:
    """Attrs converter: the CrisisType that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, CrisisType)


class CrisisState(LabelledEnum):
    """Where a crisis is in its lifecycle: detected → warned → responding → recovering → closed."""

    DETECTED = "detected"
    WARNED = "warned"
    RESPONDING = "responding"
    RECOVERING = "recovering"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """True for every state but ``closed``."""
        return self is not CrisisState.CLOSED


CrisisState._register_labels(
    {
        CrisisState.DETECTED: ("detected", "监测发现"),
        CrisisState.WARNED: ("warned", "预警"),
        CrisisState.RESPONDING: ("responding", "应对"),
        CrisisState.RECOVERING: ("recovering", "恢复"),
        CrisisState.CLOSED: ("closed", "关闭"),
    }
)


def to_crisis_state(value: CrisisState | str) -> CrisisState:
    """Attrs converter: the CrisisState that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, CrisisState)


class ChannelGroup(LabelledEnum):
    """Where signals come from: customers, internal monitoring, or public opinion."""

    CUSTOMER = "customer"
    INTERNAL = "internal"
    PUBLIC_OPINION = "public_opinion"


ChannelGroup._register_labels(
    {
        ChannelGroup.CUSTOMER: ("customer feedback", "客户反馈渠道"),
        ChannelGroup.INTERNAL: ("internal monitoring", "内部监控"),
        ChannelGroup.PUBLIC_OPINION: ("public-opinion monitoring", "舆情监测"),
    }
)


def to_channel_group(value: ChannelGroup | str) -> ChannelGroup:
    """Attrs converter: the ChannelGroup that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, ChannelGroup)


class Channel(OpenLabelledEnum):
    """The source of a signal; a host adds its own with :meth:`register`."""

    HOTLINE = "hotline"
    ONLINE_SERVICE = "online_service"
    COMPLAINT_MAILBOX = "complaint_mailbox"
    SUGGESTION_BOX = "suggestion_box"
    SALES_DATA = "sales_data"
    PRODUCTION_MONITORING = "production_monitoring"
    QUALITY_INSPECTION = "quality_inspection"
    INTERNET = "internet"
    SOCIAL_MEDIA = "social_media"
    NEWS_MEDIA = "news_media"
    OTHER = "other"

    @property
    def group(self) -> ChannelGroup:
        """Customer feedback, internal monitoring, or public-opinion monitoring."""
        return cast(ChannelGroup, self._details()[0])

    @classmethod
    def register(cls, code: str, *, en: str, zh: str, group: ChannelGroup | str) -> Channel:
        """Add a channel of the host's, in one of the channel groups.

        ``Channel.register("regulator_12315", en="12315 regulator hotline",
        zh="12315 监管热线", group=ChannelGroup.CUSTOMER)``. The group decides how crisiskit
        reads the channel's signals (a public-opinion signal makes a crisis public). Returns
        the new member; registering the same definition again returns it again.

        Raises:
            VocabularyError: ``code`` is not lower_snake_case ASCII of at most 40
                characters, a label is blank, a code or label already names another
                channel, or ``code`` is registered with another definition.
            UnknownValueError: ``group`` names no channel group.
        """
        found = ChannelGroup.parse(group, what=f"Channel.register({code!r}).group")
        return cls._register(code, en, zh, found)


_CHANNEL_GROUPS = {
    Channel.HOTLINE: ChannelGroup.CUSTOMER,
    Channel.ONLINE_SERVICE: ChannelGroup.CUSTOMER,
    Channel.COMPLAINT_MAILBOX: ChannelGroup.CUSTOMER,
    Channel.SUGGESTION_BOX: ChannelGroup.CUSTOMER,
    Channel.SALES_DATA: ChannelGroup.INTERNAL,
    Channel.PRODUCTION_MONITORING: ChannelGroup.INTERNAL,
    Channel.QUALITY_INSPECTION: ChannelGroup.INTERNAL,
    Channel.INTERNET: ChannelGroup.PUBLIC_OPINION,
    Channel.SOCIAL_MEDIA: ChannelGroup.PUBLIC_OPINION,
    Channel.NEWS_MEDIA: ChannelGroup.PUBLIC_OPINION,
    Channel.OTHER: ChannelGroup.CUSTOMER,
}

Channel._declare(
    {
        Channel.HOTLINE: ("customer hotline", "客服热线"),
        Channel.ONLINE_SERVICE: ("online customer service", "在线客服"),
        Channel.COMPLAINT_MAILBOX: ("complaint mailbox", "投诉邮箱"),
        Channel.SUGGESTION_BOX: ("suggestion box", "意见箱"),
        Channel.SALES_DATA: ("sales data monitoring", "销售数据监控"),
        Channel.PRODUCTION_MONITORING: ("production progress monitoring", "生产进度监控"),
        Channel.QUALITY_INSPECTION: ("quality inspection data", "质量检测数据"),
        Channel.INTERNET: ("internet", "互联网"),
        Channel.SOCIAL_MEDIA: ("social media (Weibo, WeChat)", "社交媒体（微博、微信）"),
        Channel.NEWS_MEDIA: ("news media", "新闻媒体"),
        Channel.OTHER: ("other", "其他"),
    },
    {channel: (group,) for channel, group in _CHANNEL_GROUPS.items()},
)


def to_channel(value: Channel | str) -> Channel:
    """Attrs converter: the Channel that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, Channel)


class Role(OpenLabelledEnum):
    """A role in the crisis organisation; a host adds its own with :meth:`register`."""

    LEADERSHIP_GROUP = "leadership_group"
    GENERAL_MANAGER = "general_manager"
    OFFICE = "office"
    MARKETING = "marketing"
    CUSTOMER_SERVICE = "customer_service"
    PRODUCTION_QUALITY = "production_quality"
    LEGAL = "legal"

    @property
    def duty(self) -> str:
        """The role's duty as the source regulation (or the host's registration) states it, in English."""
        return cast(str, self._details()[0])

    def duty_label(self, lang: str = "en") -> str:
        """The role's duty in ``lang``."""
        return cast(str, self._details()[0 if normalize_lang(lang) == "en" else 1])

    @classmethod
    def register(cls, code: str, *, en: str, zh: str, duties_en: str, duties_zh: str) -> Role:
        """Add a role of the host's, with its duties, e.g. a finance or a supervision role.

        ``Role.register("finance", en="finance department", zh="财务部门",
        duties_en="funds the response and accounts for its costs",
        duties_zh="负责应急资金保障和费用核算")``. The duties are the role's standard duty
        (:attr:`duty`, :meth:`~crisiskit.plan.RoleDuty.standard`). Returns the new member;
        registering the same definition again returns it again.

        Raises:
            VocabularyError: ``code`` is not lower_snake_case ASCII of at most 40
                characters, a label or duty is blank, a code or label already names another
                role, or ``code`` is registered with another definition.
        """
        duties = (
            label_text("Role.register(duties_en)", duties_en),
            label_text("Role.register(duties_zh)", duties_zh),
        )
        return cls._register(code, en, zh, *duties)


_DUTIES = {
    Role.LEADERSHIP_GROUP: ("leads and commands the whole response", "全面领导和指挥危机应对工作"),
    Role.GENERAL_MANAGER: ("decides and commands", "负责全面决策和指挥"),
    Role.OFFICE: (
        "runs the day-to-day: collects, analyses and issues warnings, coordinates the response",
        "负责日常危机管理工作：预警信息收集、分析、发布，应急响应协调",
    ),
    Role.MARKETING: ("external communication and public opinion", "负责对外沟通和舆情管理"),
    Role.CUSTOMER_SERVICE: ("placates customers and handles complaints", "负责客户安抚和投诉处理"),
    Role.PRODUCTION_QUALITY: ("fixes product-quality problems", "负责产品质量问题的解决"),
    Role.LEGAL: ("legal support and risk control", "负责提供法律支持和风险防控"),
}

Role._declare(
    {
        Role.LEADERSHIP_GROUP: ("crisis leadership group", "危机管理领导小组"),
        Role.GENERAL_MANAGER: ("general manager", "总经理"),
        Role.OFFICE: ("crisis office", "危机管理领导小组办公室"),
        Role.MARKETING: ("marketing and PR", "市场部门"),
        Role.CUSTOMER_SERVICE: ("customer service", "客服部门"),
        Role.PRODUCTION_QUALITY: ("production and quality", "生产/质量部门"),
        Role.LEGAL: ("legal", "法务部门"),
    },
    _DUTIES,
)


def to_role(value: Role | str) -> Role:
    """Attrs converter: the Role that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, Role)


def to_roles(value: Iterable[Role | str]) -> tuple[Role, ...]:
    """Attrs converter: a sequence of roles as a tuple, each item that names a Role as that Role.

    A string or anything that is not a sequence is left as it is, for the validator to refuse.
    """
    return converted_all(value, Role)


class Audience(OpenLabelledEnum):
    """Who an outward communication is for; a host adds its own with :meth:`register`."""

    CUSTOMERS = "customers"
    MEDIA = "media"
    PARTNERS = "partners"
    REGULATORS = "regulators"
    INTERNAL = "internal"

    @classmethod
    def register(cls, code: str, *, en: str, zh: str) -> Audience:
        """Add an audience of the host's, e.g. ``register("shareholders", en="shareholders", zh="股东")``.

        A statement to it needs a communication rule for it in the emergency plan (when the
        crisis has one). Only customers and the media are public audiences
        (:data:`PUBLIC_AUDIENCES`). Returns the new member; registering the same definition
        again returns it again.

        Raises:
            VocabularyError: ``code`` is not lower_snake_case ASCII of at most 40
                characters, a label is blank, a code or label already names another
                audience, or ``code`` is registered with other labels.
        """
        return cls._register(code, en, zh)


Audience._declare(
    {
        Audience.CUSTOMERS: ("customers", "客户"),
        Audience.MEDIA: ("media", "媒体"),
        Audience.PARTNERS: ("partners", "合作伙伴"),
        Audience.REGULATORS: ("regulators", "监管部门"),
        Audience.INTERNAL: ("internal", "内部"),
    }
)


def to_audience(value: Audience | str) -> Audience:
    """Attrs converter: the Audience that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, Audience)


PUBLIC_AUDIENCES: frozenset[Audience] = frozenset({Audience.CUSTOMERS, Audience.MEDIA})
"""The audiences a public statement goes to: a statement to either fulfils the first public
statement target, and the plan's rules for them set that target and the update cadence."""


class ClosedAs(LabelledEnum):
    """How a crisis was closed: resolved after recovery, dismissed, a duplicate, or merged."""

    RESOLVED = "resolved"
    DISMISSED = "dismissed"
    DUPLICATE = "duplicate"
    MERGED = "merged"


ClosedAs._register_labels(
    {
        ClosedAs.RESOLVED: ("resolved", "已解决"),
        ClosedAs.DISMISSED: ("dismissed as a false alarm", "误报撤销"),
        ClosedAs.DUPLICATE: ("closed as a duplicate", "重复关闭"),
        ClosedAs.MERGED: ("merged into another crisis", "已并入其他危机"),
    }
)
