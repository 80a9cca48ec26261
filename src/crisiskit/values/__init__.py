"""The values of the domain: levels, money, vocabulary, customers, signals, facts, time.

The bottom layer: frozen value objects with no behaviour beyond their own rules. Everything
else in crisiskit is built from them; they import nothing of crisiskit but its errors and
private helpers.
"""

from crisiskit.values.clock import Clock, ManualClock, SystemClock
from crisiskit.values.customers import CustomerRef, customers_of, merge_customers
from crisiskit.values.facts import Facts
from crisiskit.values.labels import LANGUAGES, LabelledEnum, Lang, normalize_lang
from crisiskit.values.levels import Colour, Level
from crisiskit.values.money import CURRENCIES, Money
from crisiskit.values.open_enum import OpenLabelledEnum
from crisiskit.values.signals import Signal
from crisiskit.values.vocabulary import (
    PUBLIC_AUDIENCES,
    Audience,
    Channel,
    ChannelGroup,
    ClosedAs,
    CrisisState,
    CrisisType,
    Role,
)

__all__ = [
    "CURRENCIES",
    "LANGUAGES",
    "PUBLIC_AUDIENCES",
    "Audience",
    "Channel",
    "ChannelGroup",
    "Clock",
    "ClosedAs",
    "Colour",
    "CrisisState",
    "CrisisType",
    "CustomerRef",
    "Facts",
    "LabelledEnum",
    "Lang",
    "Level",
    "ManualClock",
    "Money",
    "OpenLabelledEnum",
    "Role",
    "Signal",
    "SystemClock",
    "customers_of",
    "merge_customers",
    "normalize_lang",
]
