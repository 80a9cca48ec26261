import pytest
from grading_support import AT, grading_input

from crisiskit import Level
from crisiskit.errors import PolicyError, ValidationError
from crisiskit.grading import DEFAULT_RULES, Bilingual, Direction, IndicatorPolicy, IndicatorRule

DOCUMENTED = {  # the table in crisiskit.grading.indicators and docs/grading.md: IV, III, II, I
    "heat": (500, 2_000, 10_000, 50_000),
    "negative_ratio": (0.10, 0.20, 0.35, 0.50),
    "media_attention": (1, 5, 20, 50),
    "satisfaction_decline": (2, 5, 10, 20),
    "negative_report_growth": (0.2, 0.5, 1.0, 3.0),
    "complaint_rate": (1, 3, 10, 30),
}


def grade(metrics, previous=None, policy=None):
    return (policy or IndicatorPolicy()).assess(
        grading_input(metrics=metrics, previous=previous), at=AT
    )


def test_the_defaults_are_the_documented_ones():
    assert {
        rule.indicator: tuple(
            rule.threshold(lvl) for lvl in (Level.IV, Level.III, Level.II, Level.I)
        )
        for rule in DEFAULT_RULES
    } == DOCUMENTED
    for rule in DEFAULT_RULES:
        assert rule.meaning is not None
        assert rule.label.zh


@pytest.mark.parametrize("indicator", sorted(DOCUMENTED))
def test_each_indicator_reaches_each_level_at_its_threshold(indicator):
    for level, threshold in zip(
        (Level.IV, Level.III, Level.II, Level.I), DOCUMENTED[indicator], strict=True
    ):
        assert grade({indicator: threshold}).level is level
        below = grade({indicator: threshold * 0.999})
        assert below.level is (level.lowered() if level is not Level.IV else Level.IV)
    assert grade({indicator: DOCUMENTED[indicator][0] * 0.5}).score == 0


def test_the_most_severe_indicator_decides():
    assessment = grade({"heat": 12_000, "negative_ratio": 0.55, "media_attention": 3})
    assert assessment.level is Level.I
    assert assessment.score == 4
    assert assessment.explanation.rule == "indicators.threshold"
    assert "negative-review ratio 0.55 ≥ 0.5 → I (major)" in assessment.explain()
    levels = {c.factor: c.level for c in assessment.explanation.contributions}
    assert levels == {"heat": Level.II, "negative_ratio": Level.I, "media_attention": Level.IV}


def test_no_readings_give_level_iv_and_say_so():
    assessment = grade(None)
    assert (assessment.level, assessment.score) == (Level.IV, 0)
    assert assessment.explanation.rule == "indicators.none"
    assert "no reading of heat, negative_ratio" in assessment.explain()
    assert "无读数：舆情热度" in assessment.explain("zh")


def test_unknown_metrics_are_ignored():
    assert grade({"temperature": 40}).level is Level.IV


def test_a_falling_indicator():
    rule = IndicatorRule(
        indicator="on_time_rate",
        label=Bilingual("on-time delivery rate", "准时交付率"),
        thresholds={"IV": 0.95, "III": 0.9, "II": 0.8, "I": 0.6},
        direction=Direction.FALLING,
    )
    policy = IndicatorPolicy([rule])
    assert grade({"on_time_rate": 0.97}, policy=policy).level is Level.IV
    assert grade({"on_time_rate": 0.85}, policy=policy).level is Level.III
    assert grade({"on_time_rate": 0.5}, policy=policy).level is Level.I
    assert (
        "on-time delivery rate 0.5 ≤ 0.6" in grade({"on_time_rate": 0.5}, policy=policy).explain()
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"thresholds": {"I": 10, "II": 20}}, "a more severe level needs a higher threshold"),
        ({"thresholds": {"I": 10, "II": 20}, "direction": Direction.FALLING}, None),
        (
            {"thresholds": {"I": 20, "II": 10}, "direction": Direction.FALLING},
            "needs a lower threshold",
        ),
        ({"thresholds": {}}, "at least one level"),
        ({"thresholds": {"I": 10}, "deadband": -1}, "deadband must be >= 0"),
    ],
)
def test_bad_rules_are_refused(kwargs, match):
    make = lambda: IndicatorRule(indicator="x", label=Bilingual("x", "x"), **kwargs)  # noqa: E731
    if match is None:
        make()
    else:
        with pytest.raises(PolicyError, match=match):
            make()


def test_bad_policies_are_refused():
    with pytest.raises(PolicyError, match="at least one IndicatorRule"):
        IndicatorPolicy([])
    with pytest.raises(PolicyError, match="two rules for the same indicator"):
        IndicatorPolicy([DEFAULT_RULES[0], DEFAULT_RULES[0]])
    with pytest.raises(PolicyError, match=r"hysteresis is a fraction in \[0, 1\)"):
        IndicatorPolicy(hysteresis=1)
    with pytest.raises(ValidationError, match="Bilingual"):
        IndicatorRule(indicator="x", label="x", thresholds={"I": 1})


# --- hysteresis -------------------------------------------------------------------------------


def test_hysteresis_holds_a_level_until_the_reading_falls_clearly_below():
    policy = IndicatorPolicy(hysteresis=0.1)  # heat II threshold 10 000 → release at 9 000
    held = grade({"heat": 9_500}, previous=Level.II, policy=policy)
    assert held.level is Level.II
    assert held.explanation.rule == "indicators.hysteresis"
    assert (
        "has not crossed back over 9000, the release point of the II threshold 10000"
        in held.explain()
    )
    assert "解除点 9000" in held.explain("zh")
    released = grade({"heat": 8_999}, previous=Level.II, policy=policy)
    assert released.level is Level.III


def test_hysteresis_never_raises_above_the_previous_level_nor_delays_raising():
    policy = IndicatorPolicy(hysteresis=0.1)
    # 48 000 is within 10 % of the I threshold, but the crisis was only III: no hold above III
    assert grade({"heat": 48_000}, previous=Level.III, policy=policy).level is Level.II
    assert grade({"heat": 50_000}, previous=Level.IV, policy=policy).level is Level.I
    assert grade({"heat": 9_500}, previous=None, policy=policy).level is Level.III


def test_hysteresis_is_off_by_default_and_a_rule_deadband_overrides_it():
    assert grade({"heat": 9_500}, previous=Level.II).level is Level.III
    rule = IndicatorRule(
        indicator="heat",
        label=Bilingual("heat", "热度"),
        thresholds={"II": 10_000, "III": 2_000},
        deadband=200,
    )
    policy = IndicatorPolicy([rule], hysteresis=0.5)
    assert grade({"heat": 9_850}, previous=Level.II, policy=policy).level is Level.II
    assert grade({"heat": 9_700}, previous=Level.II, policy=policy).level is Level.III


def test_hysteresis_stops_flapping_around_a_threshold():
    plain, damped = IndicatorPolicy(), IndicatorPolicy(hysteresis=0.05)
    readings = [10_100, 9_900, 10_050, 9_800, 10_200, 9_700, 9_950]
    levels = {"plain": [], "damped": []}
    previous = {"plain": None, "damped": None}
    for heat in readings:
        for key, policy in (("plain", plain), ("damped", damped)):
            level = grade({"heat": heat}, previous=previous[key], policy=policy).level
            levels[key].append(level)
            previous[key] = level
    assert len(set(levels["plain"])) == 2  # flaps between II and III
    assert set(levels["damped"]) == {Level.II}


def test_readings_can_be_derived_by_a_subclass():
    class GrowthFromHistory(IndicatorPolicy, name="indicators-growth", version="1"):
        def readings(self, inputs):
            history = sorted(inputs.signals, key=lambda s: s.observed_at)
            counts = [
                s.metrics["negative_reports"] for s in history if "negative_reports" in s.metrics
            ]
            found = dict(inputs.latest_indicators())
            if len(counts) >= 2 and counts[-2] > 0:
                found["negative_report_growth"] = counts[-1] / counts[-2] - 1
            return found

    from crisiskit import Channel, CrisisType, Signal
    from crisiskit.grading import GradingInput

    inputs = GradingInput(
        crisis_type=CrisisType.NEGATIVE_PUBLICITY,
        signals=[
            Signal(Channel.NEWS_MEDIA, AT, "day 1", metrics={"negative_reports": 10}),
            Signal(Channel.NEWS_MEDIA, AT.add(days=1), "day 2", metrics={"negative_reports": 25}),
        ],
    )
    assessment = GrowthFromHistory().assess(inputs, at=AT.add(days=1))
    assert assessment.level is Level.II  # growth 1.5 ≥ 1.0
    assert assessment.policy == "indicators-growth@1"
