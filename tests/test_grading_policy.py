import datetime as dt
from typing import ClassVar

import attrs
import pytest
from grading_support import AT, grading_input
from hypothesis import given, settings

from crisiskit import Channel, CrisisType, CustomerRef, Level, Signal, from_json, to_json
from crisiskit.errors import NaiveDatetimeError, PolicyError, UnknownValueError, ValidationError
from crisiskit.grading import (
    POLICIES,
    Adjustment,
    Assessment,
    Bilingual,
    Explanation,
    Grade,
    GradingInput,
    GradingPolicy,
    Part,
    Rating,
    RiskMatrix,
    RiskMatrixPolicy,
    configuration_form,
    policy_by_name,
)
from crisiskit.testing import strategies as cks

VIP = Bilingual("a VIP customer is affected", "涉及VIP客户")


class VipBump(RiskMatrixPolicy, name="vip-matrix", version="2"):
    def adjust(self, grade, inputs):
        grade = super().adjust(grade, inputs)
        if inputs.vip_customers:
            grade = grade.raised(rule="vip-bump", reason=VIP)
        return grade


# --- the template ------------------------------------------------------------------------------


def test_assess_is_pure_and_deterministic():
    policy = RiskMatrixPolicy()
    inputs = grading_input()
    first = policy.assess(inputs, at=AT)
    assert policy.assess(inputs, at=AT) == first
    assert RiskMatrixPolicy().assess(inputs, at=AT) == first
    assert inputs == grading_input()  # nothing was changed


def test_the_instant_must_be_aware_and_is_stored_in_utc():
    policy = RiskMatrixPolicy()
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        policy.assess(grading_input(), at=dt.datetime(2025, 9, 27, 20))
    with pytest.raises(ValidationError, match="timezone-aware datetime"):
        policy.assess(grading_input(), at="2025-09-27T12:00:00Z")
    assessment = policy.assess(grading_input(), at=AT)
    assert assessment.assessed_at == AT
    assert assessment.assessed_at.timezone_name == "UTC"


def test_inputs_must_be_a_grading_input():
    with pytest.raises(ValidationError, match="grades a GradingInput; got dict"):
        RiskMatrixPolicy().assess({"severity": 4}, at=AT)


def test_assessment_records_policy_inputs_and_numbers():
    assessment = RiskMatrixPolicy().assess(grading_input(), at=AT)
    assert assessment.policy == "risk-matrix@1"
    assert (assessment.policy_name, assessment.policy_version) == ("risk-matrix", "1")
    assert assessment.inputs == grading_input()
    # severity 4, scope 3, trend 4 → mean 3.67 → 4; impact max(3, 2, 3, 2) = 3; 4 × 3 = 12 → II
    assert (assessment.likelihood, assessment.impact, assessment.score) == (4, 3, 12)
    assert assessment.level is Level.II
    assert assessment.decided_level is Level.II
    assert assessment.changes(Level.III)
    assert not assessment.changes(Level.II)
    assert assessment.changes(None)


def test_a_subclass_adjusts_and_the_adjustment_is_explained():
    plain = RiskMatrixPolicy().assess(grading_input(vip=True), at=AT)
    bumped = VipBump().assess(grading_input(vip=True), at=AT)
    assert (plain.level, bumped.level) == (Level.II, Level.I)
    assert bumped.decided_level is Level.II
    (adjustment,) = bumped.explanation.adjustments
    assert (adjustment.before, adjustment.after, adjustment.rule) == (Level.II, Level.I, "vip-bump")
    assert bumped.policy == "vip-matrix@2"
    assert "II → I" in bumped.explain("en")
    assert "a VIP customer is affected" in bumped.explain("en")
    assert "涉及VIP客户" in bumped.explain("zh")
    assert VipBump().assess(grading_input(vip=False), at=AT).explanation.adjustments == ()
    assert bumped.reason("en").startswith("vip-matrix@2: likelihood: weighted mean")
    assert bumped.reason("en").endswith("; then II → I: a VIP customer is affected [vip-bump]")
    assert bumped.reason("zh").endswith("；随后 II → I：涉及VIP客户 [vip-bump]")


def test_a_subclass_that_changes_the_rules_must_say_so():
    with pytest.raises(
        PolicyError,
        match=r"Sneaky overrides adjust\(\) and so changes the grading rules, but keeps the "
        r"name and version risk-matrix@1 of its base class; give it its own as class keywords",
    ):

        class Sneaky(RiskMatrixPolicy):
            def adjust(self, grade, inputs):
                return grade

    with pytest.raises(PolicyError, match=r"gives only name='half'; give both class keywords"):

        class HalfNamed(RiskMatrixPolicy, name="half"):
            def likelihood(self, inputs):
                return Rating(5)

    with pytest.raises(PolicyError, match=r"declares risk-matrix@1, which a base class already is"):

        class Impostor(RiskMatrixPolicy, name="risk-matrix", version="1"):
            def adjust(self, grade, inputs):
                return grade


def test_name_and_version_are_class_keywords_and_the_one_identity():
    assert (VipBump.name, VipBump.version) == ("vip-matrix", "2")
    policy = VipBump()
    assert (policy.name, policy.version, policy.id) == ("vip-matrix", "2", "vip-matrix@2")
    with pytest.raises(TypeError, match="name"):
        RiskMatrixPolicy(name="acme-matrix")
    with pytest.raises(PolicyError, match="annotates name, which would make a setting of it"):

        @attrs.frozen
        class Annotated(RiskMatrixPolicy):
            name: str = "annotated"


def test_a_name_in_the_class_body_still_works_but_is_deprecated():
    with pytest.warns(
        DeprecationWarning,
        match=r"Old sets name and version in the class body, which is deprecated; give them as "
        r"class keywords:  class Old\(\.\.\., name='old-matrix', version='3'\)",
    ) as caught:

        class Old(RiskMatrixPolicy):
            name = "old-matrix"
            version = "3"

            def adjust(self, grade, inputs):
                return grade

    assert caught[0].filename == __file__  # the warning points at the class statement
    assert Old().id == "old-matrix@3"


def test_a_subclass_that_only_configures_keeps_its_parents_name():
    class Acme(RiskMatrixPolicy):
        def __init__(self):
            super().__init__(likelihood_factors={"severity": 2, "scope": 1, "trend": 1})

    assert Acme().id == "risk-matrix@1"
    assert Acme().fingerprint != RiskMatrixPolicy().fingerprint


@attrs.frozen
class Floored(RiskMatrixPolicy, name="floored-matrix", version="1"):
    floor: Level = Level.III
    regulated: frozenset[str] = frozenset({"food", "medicine"})

    def adjust(self, grade, inputs):
        return grade.at_least(self.floor, rule="floor", reason=VIP)


def test_a_setting_added_by_a_subclass_is_in_the_configuration_and_the_fingerprint():
    policy = Floored()
    configuration = policy.configuration()
    assert configuration["floor"] == "III"
    assert configuration["regulated"] == ["food", "medicine"]
    assert configuration["matrix"] == RiskMatrixPolicy().configuration()["matrix"]
    assert Floored(floor=Level.II).fingerprint != policy.fingerprint
    assert Floored(regulated=frozenset({"food"})).fingerprint != policy.fingerprint
    assert Floored().fingerprint == policy.fingerprint
    assert Floored(floor=Level.II).assess(grading_input(), at=AT).level is Level.II

    @attrs.frozen
    class Tagged(RiskMatrixPolicy):  # a setting, no new rule: the parent's name is kept
        team: str = "ops"

    assert Tagged().id == "risk-matrix@1"
    assert Tagged().configuration() == {**RiskMatrixPolicy().configuration(), "team": "ops"}
    assert Tagged().fingerprint != RiskMatrixPolicy().fingerprint
    assert Tagged(team="legal").fingerprint != Tagged().fingerprint


def test_a_setting_attrs_never_saw_is_refused():
    class Forgot(RiskMatrixPolicy):
        team: str = "ops"

    with pytest.raises(
        PolicyError,
        match=r"Forgot declares the setting\(s\) team but is not an attrs class, so they would "
        r"be missing from its configuration and fingerprint; decorate it:  @attrs.frozen",
    ):
        Forgot()

    class Constant(RiskMatrixPolicy):
        TEAMS: ClassVar[tuple[str, ...]] = ("ops",)

    assert Constant().fingerprint == RiskMatrixPolicy().fingerprint


def test_the_configuration_cannot_be_written_by_hand():
    with pytest.raises(
        PolicyError,
        match=r"Manual defines configuration, which every policy derives from its fields",
    ):

        class Manual(RiskMatrixPolicy):
            def configuration(self):
                return {}


def test_a_concrete_policy_needs_a_name_and_a_version():
    from crisiskit.grading import LikelihoodImpactPolicy

    class Nameless(LikelihoodImpactPolicy):
        def likelihood(self, inputs):
            return Rating(1)

        def impact(self, inputs):
            return Rating(1)

        def level_for(self, likelihood, impact, inputs):
            raise AssertionError

    with pytest.raises(
        PolicyError,
        match=r"Nameless has no name or version: declare them as class keywords, "
        r"class Nameless\(\.\.\., name='acme-risk', version='1'\)",
    ):
        Nameless()

    class Named(Nameless, name="adhoc", version="0"):
        pass

    assert Named().id == "adhoc@0"


def test_a_setting_without_a_json_form_is_refused():
    @attrs.frozen
    class Odd(RiskMatrixPolicy):
        handler: object = object()

    with pytest.raises(PolicyError, match=r"Odd.handler is a object .* or give its field a form"):
        Odd().assess(grading_input(), at=AT)

    @attrs.frozen
    class Formed(RiskMatrixPolicy):
        handler: object = attrs.field(
            default=object(), metadata=configuration_form(lambda handler: "the handler")
        )

    assert Formed().configuration()["handler"] == "the handler"

    @attrs.frozen
    class BadForm(RiskMatrixPolicy):
        regulated: frozenset[str] = attrs.field(
            default=frozenset({"food"}), metadata=configuration_form(lambda value: value)
        )

    with pytest.raises(PolicyError, match=r"configuration of BadForm must be JSON-ready data"):
        _ = BadForm().fingerprint


def test_names_and_versions_are_checked():
    with pytest.raises(ValidationError, match="name must be"):

        class At(RiskMatrixPolicy, name="acme@matrix", version="1"):
            pass

    with pytest.raises(ValidationError, match="version must be"):

        class Empty(RiskMatrixPolicy, name="acme", version=""):
            pass


def test_the_fingerprint_follows_the_configuration():
    a, b = RiskMatrixPolicy(), RiskMatrixPolicy()
    assert a.fingerprint == b.fingerprint
    assert a == b
    assert len(a.fingerprint) == 16
    stricter = RiskMatrixPolicy(RiskMatrix.from_bands({"I": 12, "II": 8, "III": 4, "IV": 1}))
    assert stricter.fingerprint != a.fingerprint

    class Two(RiskMatrixPolicy, name="risk-matrix", version="2"):
        pass

    assert Two().fingerprint != a.fingerprint
    assert a.assess(grading_input(), at=AT).fingerprint == a.fingerprint
    assert "risk-matrix@1" in repr(a)
    assert attrs.evolve(stricter, impact_aggregation="mean").fingerprint not in {
        a.fingerprint,
        stricter.fingerprint,
    }
    assert attrs.evolve(stricter).fingerprint == stricter.fingerprint


def test_steps_must_return_what_the_template_expects():
    class Broken(RiskMatrixPolicy, name="broken", version="1"):
        def adjust(self, grade, inputs):
            return grade.level

    with pytest.raises(PolicyError, match=r"Broken.adjust\(\) must return a Grade; got Level"):
        Broken().assess(grading_input(), at=AT)

    class NoRating(RiskMatrixPolicy, name="no-rating", version="1"):
        def impact(self, inputs):
            return 3

    with pytest.raises(PolicyError, match=r"impact\(\) must return a Rating"):
        NoRating().assess(grading_input(), at=AT)

    class OffScale(RiskMatrixPolicy, name="off-scale", version="1"):
        def likelihood(self, inputs):
            return Rating(7)

    with pytest.raises(PolicyError, match=r"likelihood category must be 1..5; got 7"):
        OffScale().assess(grading_input(), at=AT)


def test_grade_helpers_record_only_real_changes():
    grade = Grade.decided(
        Level.III, score=6, rule="r", decision=Bilingual("decided III", "判定III级")
    )
    why = Bilingual("why", "原因")
    assert grade.at_least(Level.IV, rule="floor", reason=why) is grade
    assert grade.at_most(Level.II, rule="cap", reason=why) is grade
    raised = grade.raised(2, rule="up", reason=why)
    assert raised.level is Level.I
    lowered = raised.lowered(rule="down", reason=why).at_most(Level.III, rule="cap", reason=why)
    assert lowered.level is Level.III
    assert [(a.before, a.after) for a in lowered.adjustments] == [
        (Level.III, Level.I),
        (Level.I, Level.II),
        (Level.II, Level.III),
    ]
    assert grade.at_least(Level.II, rule="floor", reason=why).level is Level.II
    assert grade.raised(9, rule="up", reason=why).level is Level.I  # stops at I


# --- the assessment value ------------------------------------------------------------------------


def test_an_assessment_must_agree_with_its_explanation():
    good = RiskMatrixPolicy().assess(grading_input(), at=AT)
    with pytest.raises(
        ValidationError, match=r"Assessment\.level is I but its explanation ends at II"
    ):
        Assessment(
            level=Level.I,
            score=good.score,
            inputs=good.inputs,
            explanation=good.explanation,
            policy=good.policy,
            assessed_at=AT,
            fingerprint=good.fingerprint,
        )
    with pytest.raises(ValidationError, match="policy must read 'name@version'"):
        Assessment(
            level=good.level,
            score=1,
            inputs=good.inputs,
            explanation=good.explanation,
            policy="risk-matrix",
            assessed_at=AT,
            fingerprint=good.fingerprint,
        )
    with pytest.raises(ValidationError, match="16 lower-case hex digits"):
        Assessment(
            level=good.level,
            score=1,
            inputs=good.inputs,
            explanation=good.explanation,
            policy=good.policy,
            assessed_at=AT,
            fingerprint="XYZ",
        )


def test_adjustments_must_chain():
    why = Bilingual("why", "原因")
    with pytest.raises(
        ValidationError, match=r"adjustments\[1\] starts at level III, but the level was I"
    ):
        Explanation(
            rule="r",
            decision=why,
            decided_level=Level.II,
            adjustments=[
                Adjustment(rule="a", before=Level.II, after=Level.I, reason=why),
                Adjustment(rule="b", before=Level.III, after=Level.IV, reason=why),
            ],
        )
    with pytest.raises(ValidationError, match=r"Part\.level is I but its explanation ends at II"):
        Part(
            policy="x@1",
            level=Level.I,
            score=1,
            explanation=Explanation(rule="r", decision=why, decided_level=Level.II),
        )


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_real_assessments_round_trip_through_json(name):
    policy = policy_by_name(name)
    assessment = policy.assess(grading_input(metrics={"heat": 12_000}, vip=True), at=AT)
    text = to_json(assessment)
    back = from_json(text)
    assert back == assessment
    assert back.explain("zh") == assessment.explain("zh")
    assert to_json(back) == text


@settings(max_examples=40)
@given(cks.assessments())
def test_any_assessment_explains_itself_in_both_languages(assessment):
    en, zh = assessment.explain("en"), assessment.explain("zh-CN")
    assert assessment.policy in en
    assert assessment.policy in zh
    assert assessment.level.label("en") in en
    assert assessment.level.label("zh") in zh
    for adjustment in assessment.explanation.adjustments:
        assert adjustment.reason.en in en
        assert adjustment.reason.zh in zh


def test_explain_in_an_unknown_language_is_refused():
    assessment = RiskMatrixPolicy().assess(grading_input(), at=AT)
    with pytest.raises(UnknownValueError, match="'fr'"):
        assessment.explain("fr")


# --- inputs ------------------------------------------------------------------------------------


def test_latest_indicators_come_from_the_latest_signal():
    early = Signal(Channel.SOCIAL_MEDIA, AT, "first", metrics={"heat": 100, "negative_ratio": 0.5})
    later = Signal(Channel.NEWS_MEDIA, AT.add(hours=1), "second", metrics={"heat": 900})
    same_time = Signal(Channel.INTERNET, AT.add(hours=1), "third", metrics={"heat": 950})
    inputs = GradingInput(crisis_type=CrisisType.NEGATIVE_PUBLICITY, signals=[later, early])
    assert inputs.latest_indicators() == {"heat": 900, "negative_ratio": 0.5}
    assert inputs.latest_readings()["heat"].channel is Channel.NEWS_MEDIA
    tied = GradingInput(crisis_type=CrisisType.NEGATIVE_PUBLICITY, signals=[later, same_time])
    assert tied.latest_indicators() == {"heat": 950}


def test_vip_customers_are_collected_once_from_customers_and_signals():
    vip = CustomerRef("C-1", tier="VIP")
    signal = Signal(Channel.HOTLINE, AT, "call", customers=[vip, CustomerRef("C-2")])
    inputs = GradingInput(crisis_type=CrisisType.COMPLAINT, signals=[signal], customers=[vip])
    assert inputs.vip_customers == (vip,)


def test_grading_input_refuses_bad_values():
    with pytest.raises(ValidationError, match="must be a CrisisType"):
        GradingInput(crisis_type="complain")
    with pytest.raises(ValidationError, match="metric 'severity'"):
        GradingInput(crisis_type=CrisisType.COMPLAINT, factors={"severity": float("nan")})
    with pytest.raises(ValidationError, match="must be a Facts"):
        GradingInput(crisis_type=CrisisType.COMPLAINT, facts={"place": "Shanghai"})
    with pytest.raises(ValidationError, match="must be a Level"):
        GradingInput(crisis_type=CrisisType.COMPLAINT, previous_level="V")


# --- registry ------------------------------------------------------------------------------------


def test_policies_by_name_and_by_id():
    assert set(POLICIES) >= {"risk-matrix", "indicators", "ahp-fuzzy", "standard"}
    for name in POLICIES:
        policy = policy_by_name(name)
        assert isinstance(policy, GradingPolicy)
        assert policy.name == name
        assert policy_by_name(policy.id).fingerprint == policy.fingerprint
    with pytest.raises(
        PolicyError, match="'risk-matrix@0' was asked for, but this registry builds risk-matrix@1"
    ):
        policy_by_name("risk-matrix@0")
    with pytest.raises(UnknownValueError, match="did you mean 'risk-matrix'"):
        policy_by_name("risk-matrx")
    with pytest.raises(TypeError):
        POLICIES["mine"] = RiskMatrixPolicy  # type: ignore[index]


def test_a_host_registry_extends_the_shipped_one():
    registry = {**POLICIES, VipBump.name: VipBump}
    assert policy_by_name("vip-matrix@2", registry=registry).id == "vip-matrix@2"
    assert "vip-matrix" not in POLICIES
    with pytest.raises(
        PolicyError,
        match=r"the registry's entry 'vip' builds vip-matrix@2; a registry files each policy "
        r"under its name",
    ):
        policy_by_name("vip", registry={"vip": VipBump})
    with pytest.raises(PolicyError, match="not a GradingPolicy"):
        policy_by_name("odd", registry={"odd": lambda: 42})
