"""Outward communication: one agreed wording (统一口径) per audience, every release recorded."""

from __future__ import annotations

import pendulum
from attrs import field, frozen

from crisiskit._internal import checks as _checks
from crisiskit._internal.registry import serializable
from crisiskit.values.labels import LabelledEnum, converted
from crisiskit.values.vocabulary import Audience, Role, to_audience, to_role

__all__ = ["Medium", "Statement"]


class Medium(LabelledEnum):
    """How a statement goes out."""

    PRESS_RELEASE = "press_release"
    PRESS_CONFERENCE = "press_conference"
    INTERVIEW = "interview"
    SOCIAL_MEDIA = "social_media"
    WEBSITE = "website"
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    MEETING = "meeting"


Medium._register_labels(
    {
        Medium.PRESS_RELEASE: ("press release", "新闻稿"),
        Medium.PRESS_CONFERENCE: ("press conference", "新闻发布会"),
        Medium.INTERVIEW: ("media interview", "媒体采访"),
        Medium.SOCIAL_MEDIA: ("social media post", "社交媒体发布"),
        Medium.WEBSITE: ("website notice", "官网公告"),
        Medium.SMS: ("text message", "短信"),
        Medium.EMAIL: ("email", "邮件"),
        Medium.PHONE: ("phone call", "电话"),
        Medium.LETTER: ("letter", "函件"),
        Medium.MEETING: ("meeting", "会议通报"),
    }
)


def to_medium(value: Medium | str) -> Medium:
    """Attrs converter: the Medium that ``value`` names (see :meth:`LabelledEnum.parse`).

    Anything else is left as it is, for the field's validator to refuse.
    """
    return converted(value, Medium)


@serializable()
@frozen
class Statement:
    """One released version of the agreed wording for an audience.

    A new statement to the same audience supersedes the previous one; all versions stay in
    the record.
    """

    audience: Audience = field(converter=to_audience, validator=_checks.is_member(Audience))
    """Who it is for."""
    medium: Medium = field(converter=to_medium, validator=_checks.is_member(Medium))
    """How it went out."""
    wording: str = field(validator=_checks.is_text)
    """The approved wording, as released."""
    approved_by: str = field(validator=_checks.is_text)
    """Who approved it."""
    approver_role: Role = field(converter=to_role, validator=_checks.is_member(Role))
    """The role under which it was approved."""
    version: int = field(validator=_checks.is_count)
    """1 for the first statement to this audience, then 2, 3, …"""
    released_at: pendulum.DateTime = field(
        converter=_checks.as_instant, validator=_checks.is_instant
    )
    """When it was released."""
