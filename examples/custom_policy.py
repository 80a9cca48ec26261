"""Extending grading by subclassing: a VIP bump and a floor for regulated products.

A food-safety complaint (a foreign object in a yoghurt cup) arrives on the hotline, then
spreads on Weibo and reaches the news. Analysts rate likelihood and impact; the company's
own policy is the default risk matrix plus two house rules:

* a VIP customer affected raises the level by one;
* a regulated product (food, here) never grades below III — which products are regulated
  being a setting of the policy, an attrs field like the matrix it inherits, and so part
  of its fingerprint.

The policy is first tried on its own (``policy.assess`` is pure), then used end to end on
a crisis: ``crisis.grade(AcmePolicy(), factors=..., actor=...)`` records a ``LevelChanged``
event that carries the assessment and its explanation, and — the context having an SLA
policy — the SLA timers of the level start. New information regrades the crisis: a more
severe level re-targets the timers, the same level is recorded as an ``AssessmentRecorded``.
"""

import attrs
import pendulum

from crisiskit import (
    Channel,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    Facts,
    Level,
    Money,
    Signal,
    SlaPolicy,
    from_json,
    to_json,
)
from crisiskit.app.describe import describe
from crisiskit.calendar import china_working_calendar
from crisiskit.events import AssessmentRecorded, LevelChanged, SlaTimersChanged
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
from crisiskit.testing import ManualClock

REGULATED = frozenset({"food", "infant formula", "medicine"})
ZONE = "Asia/Shanghai"
RATINGS = {
    "severity": 3,
    "scope": 2,
    "trend": 3,
    "brand_damage": 3,
    "customer_loss": 2,
    "economic_loss": 2,
    "legal_risk": 3,
}


# Other rules than risk-matrix@1, so a name and a version of its own.
@attrs.frozen
class AcmePolicy(RiskMatrixPolicy, name="acme-risk-matrix", version="1"):
    """The default risk matrix, then Acme's two house rules."""

    regulated: frozenset[str] = REGULATED
    """Products whose crises never grade below III."""

    def adjust(self, grade: Grade, inputs: GradingInput) -> Grade:
        grade = super().adjust(grade, inputs)
        if inputs.vip_customers:
            names = ", ".join(c.name or c.customer_id for c in inputs.vip_customers)
            grade = grade.raised(
                rule="vip-bump",
                reason=Bilingual(f"VIP customer affected: {names}", f"涉及VIP客户：{names}"),
            )
        scope = (inputs.facts.scope or "").lower()
        if any(word in scope for word in self.regulated):
            grade = grade.at_least(
                Level.III,
                rule="regulated-floor",
                reason=Bilingual(
                    "a regulated product never grades below III", "受监管产品不低于III级"
                ),
            )
        return grade


class AcmeStandard(WorstOfPolicy, name="acme", version="1"):
    """Acme's rules with the public-opinion indicators alongside: the most severe wins."""


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
        factors=RATINGS,
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
    # Without food among the regulated products, the floor does not apply — and the
    # policy's fingerprint, which every assessment records, says it is configured otherwise.
    medicine_only = AcmePolicy(regulated=frozenset({"medicine"}))
    unfloored = medicine_only.assess(minor, at=at)
    print(
        f"regulated {sorted(medicine_only.regulated)}: {unfloored.level.value}, "
        f"fingerprint {unfloored.fingerprint} (the default's {floored.fingerprint})"
    )
    print()

    # The same rules with the public-opinion indicators alongside: the most severe wins.
    combined = AcmeStandard(acme, IndicatorPolicy(hysteresis=0.1))
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
    print()
    on_a_crisis(start, signals, facts)


def on_a_crisis(start: pendulum.DateTime, signals: tuple[Signal, ...], facts: Facts) -> None:
    """The policy on a crisis: the level, the explanation and the SLA timers it starts."""
    clock = ManualClock(start)
    context = Context(clock, sla=SlaPolicy.default(china_working_calendar([2025, 2026])))
    crisis = Crisis.detect(
        context,
        crisis_id="CR-2025-0927",
        crisis_type=CrisisType.PRODUCT_QUALITY,
        title="Foreign object in yoghurt, batch 20250921",
        actor="hotline",
        signals=signals[:1],
        facts=facts,
    )
    acme = AcmePolicy()

    # The analysts rate the case an hour in: the crisis is graded by Acme's policy.
    clock.advance(hours=1)
    graded = crisis.grade(acme, factors=RATINGS, actor="li.analyst")
    assert isinstance(graded, LevelChanged)
    assert graded.assessment is not None
    print(f"crisis.grade(AcmePolicy(), ...) recorded {graded.name}")
    print(f"  {describe(graded, 'en')}")
    print(f"  {describe(graded, 'zh')}")
    print(f"  reason: {graded.reason}")
    print()
    print(graded.assessment.explain("en"))
    print()
    print(graded.assessment.explain("zh"))
    print()
    # The timers it started, and any alert they had already passed (its own event after it).
    started = next(e for e in crisis.pending_events if isinstance(e, SlaTimersChanged))
    show_timers(f"the SLA timers of level {graded.new_level.value} started", crisis, clock.now())
    print(f"  {describe(started, 'zh', zone=ZONE)}")

    # The crisis office takes the case on in time; the customer is not called back overnight.
    clock.advance(minutes=10)
    crisis.acknowledge(actor="li.office")
    clock.advance(hours=8)
    swept = crisis.check_sla()
    if swept is not None:
        print(f"the overnight sweep: {describe(swept, 'en', zone=ZONE)}")

    # In the morning the story is on Weibo and in the national news: the same rules plus the
    # public-opinion indicators put it at level I, and the open timers are re-targeted.
    crisis.attach_signal(signals[1], actor="opinion-monitor")
    crisis.attach_signal(
        Signal(
            Channel.NEWS_MEDIA,
            clock.now(),
            "National news: 'yoghurt maker silent on contamination'",
            metrics={"heat": 56_000, "media_attention": 24},
        ),
        actor="opinion-monitor",
    )
    combined = AcmeStandard(acme, IndicatorPolicy(hysteresis=0.1))
    raised = crisis.grade(combined, factors=RATINGS, actor="li.analyst")
    print(f"graded again after the news: {describe(raised, 'en')}")
    assert isinstance(raised, LevelChanged)
    assert raised.assessment is not None
    for part in raised.assessment.explanation.parts:
        print(f"  part {part.policy}: {part.level.value}")
    show_timers("the timers re-targeted to level I", crisis, clock.now())

    # Graded once more with nothing new: the level stays, and the assessment is on record.
    clock.advance(minutes=30)
    same = crisis.grade(combined, factors=RATINGS, actor="li.analyst")
    assert isinstance(same, AssessmentRecorded)
    print(f"graded once more: {same.name} — {same.label('en')} / {same.label('zh')}")
    print(f"the crisis: {crisis!r}, {len(crisis.pull_events())} events to store")


def show_timers(title: str, crisis: Crisis, now: pendulum.DateTime) -> None:
    print(f"{title}:")
    for metric, status, deadline in crisis.sla_status(now):
        due = deadline.in_timezone(ZONE).format("ddd MM-DD HH:mm") if deadline else "—"
        print(f"  {metric.label('en'):<24} {status.label('en'):<9} due {due}  {metric.label('zh')}")


if __name__ == "__main__":
    main()
