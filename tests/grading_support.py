"""Small builders shared by the grading tests."""

import pendulum

from crisiskit import Channel, CrisisType, CustomerRef, Facts, Signal
from crisiskit.grading import GradingInput

AT = pendulum.datetime(2025, 9, 27, 20, 0, tz="Asia/Shanghai")

TYPICAL = {
    "severity": 4,
    "scope": 3,
    "trend": 4,
    "brand_damage": 3,
    "customer_loss": 2,
    "economic_loss": 3,
    "legal_risk": 2,
}

FACTOR_NAMES = list(TYPICAL)


def grading_input(factors=None, *, metrics=None, previous=None, vip=False, crisis_type=None):
    signals = ()
    if metrics:
        signals = (Signal(Channel.SOCIAL_MEDIA, AT, "Weibo post", metrics=metrics),)
    customers = (CustomerRef("C-1", tier="VIP" if vip else "standard"),)
    return GradingInput(
        crisis_type=crisis_type or CrisisType.PRODUCT_QUALITY,
        signals=signals,
        customers=customers,
        facts=Facts(customers_affected=12),
        factors=TYPICAL if factors is None else factors,
        previous_level=previous,
    )
