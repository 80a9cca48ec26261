"""Extending grading by subclassing: a VIP bump and a floor for regulated products.

A food-safety complaint (a foreign object in a yoghurt cup) arrives on the hotline, then
spreads on Weibo and reaches the news. Analysts rate likelihood and impact; the company's
own policy is the default risk matrix plus two house rules:

* a VIP customer affected raises the level by one;
* a regulated product (food, here) never grades below III.

The policy is graded end to end and explained in English and Chinese.
"""

import pendulum

from crisiskit import (
    Channel,
    CrisisType,
    CustomerRef,
    Facts,
    Level,
    Money,
    Signal,
    from_json,
    to_json,
)
from crisiskit.grading import (
    TO_ITIL_PRIORITY,
    TO_NATIONAL_GRADE,
    Bilingual,
    Grade,
    GradingInput,
    IndicatorPolicy,
    RiskMatrixPolicy,
    WorstOfPolicy,
)

REGULATED = {"food", "infant formula", "medicine"}


class AcmePolicy(RiskMatrixPolicy):
    """The default risk matrix, then Acme's two house rules."""

    name = "acme-risk-matrix"
    version = "1"

    def __init__(self, regulated_scopes: set[str] = REGULATED) -> None:
        super().__init__()
        self._regulated = frozenset(regulated_scopes)

    def configuration(self) -> dict[str, object]:
        return {**super().configuration(), "regulated": sorted(self._regulated)}

    def adjust(self, grade: Grade, inputs: GradingInput) -> Grade:
        grade = super().adjust(grade, inputs)
        if inputs.vip_customers:
            names = ", ".join(c.name or c.customer_id for c in inputs.vip_customers)
            grade = grade.raised(
                rule="vip-bump",
                reason=Bilingual(f"VIP customer affected: {names}", f"涉及VIP客户：{names}"),
            )
        scope = (inputs.facts.scope or "").lower()
        if any(word in scope for word in self._regulated):
            grade = grade.at_least(
                Level.III,
                rule="regulated-floor",
                reason=Bilingual(
                    "a regulated product never grades below III", "受监管产品不低于III级"
                ),
            )
        return grade


def main() -> None:
    start = pendulum.datetime(2025, 9, 27, 20, 0, tz="Asia/Shanghai")
    vip = CustomerRef("C-10086", name="Zhang Wei", tier="VIP", value=Money("250000", "CNY"))
    signals = (
        Signal(
            Channel.HOTLINE,
            start,
            "Customer reports a foreign object in a yoghurt cup, batch 20250921",
            customers=[vip],
        ),
        Signal(
            Channel.SOCIAL_MEDIA,
            start.add(hours=3),
            "Weibo post with photo, reposted widely",
            metrics={"heat": 8_200, "negative_ratio": 0.41},
        ),
        Signal(
            Channel.NEWS_MEDIA,
            start.add(hours=9),
            "Two local news sites pick up the story",
            metrics={"media_attention": 2, "heat": 12_500},
        ),
    )
    facts = Facts(
        time=start.subtract(days=2),
        place="Shanghai, Pudong",
        scope="food: yoghurt, batch 20250921, East China",
        customers_affected=37,
    )
    inputs = GradingInput(
        crisis_type=CrisisType.PRODUCT_QUALITY,
        signals=signals,
        customers=(vip,),
        facts=facts,
        factors={
            "severity": 3,
            "scope": 2,
            "trend": 3,
            "brand_damage": 3,
            "customer_loss": 2,
            "economic_loss": 2,
            "legal_risk": 3,
        },
        previous_level=None,
    )
    at = start.add(hours=10)

    acme = AcmePolicy()
    assessment = acme.assess(inputs, at=at)
    print(assessment.explain("en"))
    print()
    print(assessment.explain("zh"))
    print()

    # A minor complaint about the same product from a standard customer: the matrix says IV,
    # the regulated-product floor lifts it to III.
    minor = GradingInput(
        crisis_type=CrisisType.PRODUCT_QUALITY,
        customers=(CustomerRef("C-20417", name="Li Na", tier="standard"),),
        facts=Facts(scope="food: yoghurt, one cup"),
        factors=dict.fromkeys(inputs.factors, 1),
    )
    floored = acme.assess(minor, at=at)
    rule = floored.explanation.adjustments[0]
    print(
        f"minor complaint: {floored.decided_level.value} → {floored.level.value} ({rule.reason.text('en')})"
    )
    print()

    # The same rules with the public-opinion indicators alongside: the most severe wins.
    combined = WorstOfPolicy(acme, IndicatorPolicy(hysteresis=0.1), name="acme", version="1")
    overall = combined.assess(inputs, at=at)
    print(f"with indicators: {overall.level.value} ({overall.policy})")
    print(f"  national grade: {TO_NATIONAL_GRADE(overall.level).label('zh')}")
    print(
        f"  warning colour: {overall.level.colour.label('en')} / {overall.level.colour.label('zh')}"
    )
    print(f"  ITIL priority:  {TO_ITIL_PRIORITY(overall.level).value}")

    # Assessments are values: store them as JSON and read them back unchanged.
    assert from_json(to_json(overall)) == overall
    print(
        f"  stored as {len(to_json(overall))} characters of JSON, fingerprint {overall.fingerprint}"
    )


if __name__ == "__main__":
    main()
