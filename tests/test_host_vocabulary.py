"""A host's own roles, crisis types, channels and audiences, used like the built-in ones."""

import copy
import datetime as dt
import pickle
import sys
import threading
from enum import Enum

import attrs
import pytest
from hypothesis import find
from hypothesis.errors import NoSuchExample
from lifecycle_support import T0

from crisiskit import (
    Audience,
    Channel,
    ChannelGroup,
    Context,
    Crisis,
    CrisisType,
    CustomerRef,
    EmergencyPlan,
    GradingInput,
    Level,
    OpenLabelledEnum,
    Role,
    SealingKey,
    Signal,
    from_json,
    to_json,
    verify,
)
from crisiskit._internal import checks as _checks
from crisiskit.errors import (
    SerializationError,
    UnknownValueError,
    ValidationError,
    VocabularyError,
)
from crisiskit.events import Event, StatementReleased, TeamMemberAssigned
from crisiskit.grading import RiskMatrixPolicy
from crisiskit.operations.statements import Medium
from crisiskit.plan import CommunicationRule, RoleDuty
from crisiskit.plan.default import level_plan
from crisiskit.testing import ManualClock, vocabulary_scope
from crisiskit.testing import strategies as cks
from crisiskit.values.vocabulary import to_audience, to_channel, to_crisis_type, to_role

BUILTIN_ROLES = [
    "leadership_group",
    "general_manager",
    "office",
    "marketing",
    "customer_service",
    "production_quality",
    "legal",
]


def register_finance() -> Role:
    return Role.register(
        "finance",
        en="finance department",
        zh="财务部门",
        duties_en="funds the response and accounts for its costs",
        duties_zh="负责应急资金保障和费用核算",
    )


def register_all() -> tuple[Role, CrisisType, Channel, Audience]:
    return (
        register_finance(),
        CrisisType.register("financial_risk", en="financial risk", zh="金融风险"),
        Channel.register(
            "regulator_12315",
            en="12315 regulator hotline",
            zh="12315 监管热线",
            group=ChannelGroup.CUSTOMER,
        ),
        Audience.register("shareholders", en="shareholders", zh="股东"),
    )


@pytest.fixture
def host():
    """The host's vocabulary, registered for one test and gone after it."""
    with vocabulary_scope():
        yield register_all()


# ---- a registered member is a member ------------------------------------------------------


def test_a_registered_role_is_read_like_a_built_in_one(host):
    finance = host[0]
    assert isinstance(finance, Role)
    assert isinstance(finance, str)
    assert isinstance(finance, Enum)
    assert Role("finance") is finance
    assert Role["FINANCE"] is finance
    assert Role.parse("财务部门") is finance
    assert Role.parse(" Finance Department ") is finance
    assert Role.parse("FINANCE") is finance
    assert Role.lookup("finance") is finance
    assert to_role("财务部门") is finance
    assert _checks.member("assign(role)", "finance", Role) is finance
    assert finance.value == "finance"
    assert type(finance.value) is str
    assert finance.name == "FINANCE"
    assert finance == "finance"
    assert str(finance) == "finance"
    assert f"{finance}" == "finance"
    assert repr(finance) == "<Role.FINANCE: 'finance'>"
    assert hash(finance) == hash("finance")
    assert {"finance": 1}[finance] == 1
    assert finance.label("zh") == "财务部门"
    assert finance.label("en-GB") == "finance department"
    assert finance.duty == "funds the response and accounts for its costs"
    assert finance.duty_label("zh-CN") == "负责应急资金保障和费用核算"
    assert not finance.is_builtin
    assert Role.LEGAL.is_builtin


def test_iteration_lists_the_built_in_members_first_then_the_registered_ones(host):
    finance = host[0]
    assert [r.value for r in Role] == [*BUILTIN_ROLES, "finance"]
    assert len(Role) == 8
    assert next(reversed(Role)) is finance
    assert Role.builtin_members() == tuple(Role)[:7]
    assert Role.registered_members() == (finance,)
    assert finance in Role
    assert Role.LEGAL in Role
    assert Role.__members__["FINANCE"] is finance
    assert "FINANCE" in dir(Role)
    assert sorted([finance, Role.LEGAL]) == [finance, Role.LEGAL]  # str order, as before
    other = Channel.register(
        "dealer_network", en="dealer network", zh="经销商网络", group="内部监控"
    )
    assert [c.value for c in Channel][-2:] == ["regulator_12315", "dealer_network"]
    assert other.group is ChannelGroup.INTERNAL


@pytest.mark.skipif(
    sys.version_info < (3, 12), reason="Python 3.11 refuses text in `in` (any enum)"
)
def test_in_reads_a_registered_code_as_it_reads_a_built_in_one(host):
    assert "finance" in Role
    assert "legal" in Role
    assert "treasury" not in Role


def test_a_registered_member_pickles_and_copies_as_itself(host):
    for member in host:
        assert pickle.loads(pickle.dumps(member)) is member
        assert copy.copy(member) is member
        assert copy.deepcopy(member) is member


def test_a_registered_member_is_not_a_class_attribute(host):
    with pytest.raises(
        AttributeError, match=r"Role\.FINANCE is a registered member, not an attribute"
    ):
        _ = Role.FINANCE
    with pytest.raises(AttributeError, match="TREASURY"):
        _ = Role.TREASURY
    assert not hasattr(Role, "FINANCE")


def test_every_kind_reads_its_registered_member(host):
    finance, financial_risk, hotline_12315, shareholders = host
    assert to_crisis_type("金融风险") is financial_risk
    assert CrisisType("financial_risk").label("zh") == "金融风险"
    assert to_channel("12315 监管热线") is hotline_12315
    assert hotline_12315.group is ChannelGroup.CUSTOMER
    assert to_audience("Shareholders") is shareholders
    assert Audience.parse("股东") is shareholders
    assert RoleDuty.standard("finance") == RoleDuty(finance, finance.duty, finance.duty_label("zh"))


def test_the_built_in_members_are_as_they_were(host):
    assert Role.LEGAL is Role("legal") is Role.parse("法务部门")
    assert Role.LEGAL.label("zh") == "法务部门"
    assert Channel.HOTLINE.group is ChannelGroup.CUSTOMER
    assert [a.value for a in Audience.builtin_members()] == [
        "customers",
        "media",
        "partners",
        "regulators",
        "internal",
    ]
    assert pickle.loads(pickle.dumps(Role.LEGAL)) is Role.LEGAL


def test_closed_enums_stay_closed():
    for closed in (Level, ChannelGroup):
        assert not issubclass(closed, OpenLabelledEnum)
        assert not hasattr(closed, "register")


# ---- through a whole crisis ---------------------------------------------------------------


def host_plan(finance: Role, financial_risk: CrisisType, shareholders: Audience) -> EmergencyPlan:
    """The default plan, with entries for financial risk: at level I the finance role is
    required and approves the statements to shareholders."""
    base = EmergencyPlan.default()
    entries = []
    for level in Level:
        entry = attrs.evolve(level_plan(level), crisis_type=financial_risk)
        if level is Level.I:
            entry = entry.with_role(finance).with_communication(
                CommunicationRule(shareholders, True, dt.timedelta(hours=24), finance, None)
            )
        entries.append(entry)
    return base.revise(
        version="1.1",
        effective_from=base.effective_from,
        reasons=["financial risk has entries of its own"],
        levels=base.levels_with(*entries),
    )


KEY = SealingKey("acme-2026", b"host-secret-key-of-32-bytes-long")


def run_crisis(plan: EmergencyPlan) -> tuple[Crisis, list[Event]]:
    clock = ManualClock(T0)
    context = Context(clock, plan=plan, keys=KEY)
    crisis = Crisis.detect(
        context,
        crisis_id="CR-FIN-1",
        crisis_type="金融风险",
        title="Regulator relays complaints about a wealth product",
        actor="monitor",
        signals=[
            Signal(
                "regulator_12315",
                clock.now(),
                "12315 relays 40 complaints about early-redemption fees",
                customers=[CustomerRef("C-1")],
                metrics={"complaints": 40},
            )
        ],
    )
    events: list[Event] = list(crisis.pull_events())
    clock.advance(minutes=10)
    crisis.grade(
        RiskMatrixPolicy(),
        factors={
            "severity": 5,
            "scope": 5,
            "trend": 5,
            "brand_damage": 5,
            "customer_loss": 5,
            "economic_loss": 5,
            "legal_risk": 5,
        },
        actor="analyst",
    )
    assert crisis.level is Level.I
    crisis.warn(actor="office")
    for role in sorted(plan.required_roles(crisis.crisis_type, Level.I), key=str):
        crisis.assign(role.value, f"{role.value}.lead", actor="office")
    crisis.respond(actor="gm")
    clock.advance(hours=1)
    crisis.release_statement(
        "股东",
        "We are reviewing the fees with the regulator; no customer will lose money.",
        medium=Medium.EMAIL,
        approved_by="finance.lead",
        actor="ir",
    )
    events.extend(crisis.pull_events())
    return crisis, events


def test_a_crisis_runs_on_the_hosts_vocabulary_and_replays_from_its_json(host):
    finance, financial_risk, hotline_12315, shareholders = host
    plan = host_plan(finance, financial_risk, shareholders)
    assert finance in plan.required_roles(financial_risk, Level.I)
    assert shareholders in plan.required_audiences("financial_risk", Level.I)

    crisis, events = run_crisis(plan)
    assert crisis.crisis_type is financial_risk
    assert crisis.signals[0].channel is hotline_12315
    assert not crisis.is_public  # a customer channel
    assert crisis.members("财务部门") == ("finance.lead",)
    statement = crisis.current_statement(shareholders)
    assert statement is not None
    assert statement.approver_role is finance
    assigned = [e for e in events if isinstance(e, TeamMemberAssigned)]
    assert finance in {e.assignment.role for e in assigned}

    stored = [to_json(e) for e in events]
    assert any('"role": "finance"' in s and "TeamMemberAssigned" in s for s in stored)
    assert '"crisis_type": "financial_risk"' in stored[0]
    assert '"channel": "regulator_12315"' in stored[0]
    assert any('"audience": "shareholders"' in s for s in stored)
    read = [from_json(s, Event) for s in stored]
    assert read == events
    assert verify(read, keys=KEY)
    replayed = Crisis.replay(read, keys=KEY)
    assert replayed == crisis
    assert replayed.current_statement("shareholders").approver_role is finance
    assert from_json(to_json(crisis), Crisis) == crisis

    loaded = EmergencyPlan.from_json(plan.to_json())
    assert loaded == plan
    assert finance in loaded.required_roles("financial_risk", "I")


def test_a_level_plan_requires_a_registered_role_with_its_standard_or_its_own_duty(host):
    finance = host[0]
    entry = level_plan(Level.II)
    added = entry.with_role("财务部门")
    assert added.required_roles[-1] == RoleDuty.standard(finance)
    assert added.duty_of("finance").label("zh") == finance.duty_label("zh")
    own = RoleDuty(finance, "releases the emergency fund", "拨付应急资金")
    replaced = added.with_role(own)
    assert replaced.required_roles[-1] == own
    assert len(replaced.required_roles) == len(added.required_roles) == len(entry.roles) + 1
    office = entry.with_role(Role.OFFICE)  # required already: it keeps its place
    assert [d.role for d in office.required_roles] == [d.role for d in entry.required_roles]
    assert office.duty_of(Role.OFFICE) == RoleDuty.standard(Role.OFFICE)


def test_a_statement_to_a_registered_audience_needs_the_plan_to_allow_it(host):
    finance, financial_risk, _, shareholders = host
    plan = host_plan(finance, financial_risk, shareholders)
    crisis, _ = run_crisis(plan)
    crisis.set_level(Level.II, actor="analyst", reason="contained")
    with pytest.raises(Exception, match="no communication with shareholders"):
        crisis.release_statement(
            shareholders, "Update", medium=Medium.EMAIL, approved_by="finance.lead", actor="ir"
        )


def test_data_naming_an_unregistered_code_is_refused_and_says_how_to_register():
    with vocabulary_scope():
        finance, financial_risk, _, shareholders = register_all()
        plan = host_plan(finance, financial_risk, shareholders)
        _, events = run_crisis(plan)
        plan_json = plan.to_json()
        stored = [to_json(e) for e in events]
        pickled = pickle.dumps(finance)
    # A process that has not registered the host's vocabulary (yet) cannot read them.
    assigned = next(s for s in stored if '"role": "finance"' in s)
    released = next(
        s for s, e in zip(stored, events, strict=True) if isinstance(e, StatementReleased)
    )
    with pytest.raises(SerializationError, match=r"'finance' is not a Role") as refused:
        from_json(assigned, Event)
    assert "A host adds its own with Role.register(...) at start-up" in str(refused.value)
    with pytest.raises(SerializationError, match=r"'shareholders' is not a Audience"):
        from_json(released, Event)
    with pytest.raises(SerializationError, match=r"'financial_risk' is not a CrisisType"):
        from_json(stored[0], Event)
    with pytest.raises(SerializationError, match=r"'financial_risk' is not a CrisisType"):
        EmergencyPlan.from_json(plan_json)
    with pytest.raises(UnknownValueError, match=r"'财务部门' is not a Role.*Role\.register"):
        Role.parse("财务部门")
    with pytest.raises(UnknownValueError, match=r"'finance' is not the code of a Role"):
        Role("finance")
    with pytest.raises(UnknownValueError, match=r"Role\.register"):
        pickle.loads(pickled)
    # Registered again (the next start-up), the same data reads back.
    with vocabulary_scope():
        finance = register_all()[0]
        read = [from_json(s, Event) for s in stored]
        assert verify(read, keys=KEY)
        assert Crisis.replay(read, keys=KEY).members(finance) == ("finance.lead",)
        assert EmergencyPlan.from_json(plan_json).to_json() == plan_json
        assert pickle.loads(pickled) is finance


def test_a_grading_input_and_a_signal_take_the_hosts_members(host):
    _, financial_risk, hotline_12315, _ = host
    signal = Signal("12315 监管热线", T0, "complaints relayed by the regulator")
    assert signal.channel is hotline_12315
    inputs = GradingInput(crisis_type="financial_risk", signals=[signal])
    assert inputs.crisis_type is financial_risk
    assert from_json(to_json(signal)) == signal


def test_a_public_opinion_channel_of_the_hosts_makes_the_crisis_public():
    with vocabulary_scope():
        forum = Channel.register(
            "investor_forum", en="investor forum", zh="投资者论坛", group="public_opinion"
        )
        crisis = Crisis.detect(
            Context(ManualClock(T0)),
            crisis_id="CR-2",
            crisis_type="other",
            title="Forum thread",
            actor="monitor",
            signals=[Signal(forum, T0, "thread on the forum")],
        )
        assert crisis.is_public


# ---- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "Finance",
        "1finance",
        "finance-dept",
        "finance dept",
        "_finance",
        "finance_",
        "fin__ance",
        "",
        "财务",
        "finance\n",
        "a" * 41,
        42,
        None,
    ],
)
def test_a_code_must_be_lower_snake_case_ascii(code):
    with vocabulary_scope():
        with pytest.raises(
            VocabularyError, match="is not a valid code; a code is lower_snake_case ASCII"
        ):
            CrisisType.register(code, en="x", zh="y")
        assert len(CrisisType) == 9


def test_the_longest_code_is_forty_characters():
    with vocabulary_scope():
        assert CrisisType.register("a" * 40, en="forty", zh="四十").value == "a" * 40


@pytest.mark.parametrize("label", ["", "   ", None, 5, "two\nlines", "x" * 201])
def test_labels_and_duties_must_be_text(label):
    with vocabulary_scope():
        with pytest.raises(VocabularyError, match=r"Audience\.register\(en\)"):
            Audience.register("shareholders", en=label, zh="股东")
        with pytest.raises(VocabularyError, match=r"Audience\.register\(zh\)"):
            Audience.register("shareholders", en="shareholders", zh=label)
        with pytest.raises(VocabularyError, match=r"Role\.register\(duties_zh\)"):
            Role.register("finance", en="finance", zh="财务", duties_en="funds", duties_zh=label)
        assert Audience.lookup("shareholders") is None
        assert Role.lookup("finance") is None


def test_the_labels_are_required():
    with pytest.raises(TypeError):
        Audience.register("shareholders", en="shareholders")  # type: ignore[call-arg]


def test_a_code_or_label_another_member_has_is_refused():
    with vocabulary_scope():
        with pytest.raises(
            VocabularyError, match=r"'legal' is the code of the built-in Role\.LEGAL"
        ):
            Role.register("legal", en="legal", zh="法务部门", duties_en="a", duties_zh="b")
        with pytest.raises(
            VocabularyError, match=r"the Chinese label '法务部门' already names Role\.LEGAL"
        ):
            Role.register(
                "compliance", en="compliance", zh="法务部门", duties_en="a", duties_zh="b"
            )
        with pytest.raises(
            VocabularyError, match=r"the English label 'CUSTOMER  SERVICE' already names"
        ):
            Role.register("care", en="CUSTOMER  SERVICE", zh="关怀", duties_en="a", duties_zh="b")
        with pytest.raises(VocabularyError, match=r"the English label 'ｌｅｇａｌ' already names"):
            Role.register("law", en="ｌｅｇａｌ", zh="律师", duties_en="a", duties_zh="b")
        with pytest.raises(VocabularyError, match=r"the English label 'office' already names"):
            Role.register("back_office", en="office", zh="后台", duties_en="a", duties_zh="b")
        finance = register_finance()
        with pytest.raises(
            VocabularyError, match=r"the Chinese label '财务部门' already names Role\.FINANCE"
        ):
            Role.register("treasury", en="treasury", zh="财务部门", duties_en="a", duties_zh="b")
        with pytest.raises(
            VocabularyError, match=r"the English label 'Finance' already names Role\.FINANCE"
        ):
            Role.register("treasury", en="Finance", zh="司库", duties_en="a", duties_zh="b")
        treasurer = Role.register(
            "treasurer_office", en="treasury", zh="司库", duties_en="a", duties_zh="b"
        )
        with pytest.raises(
            VocabularyError, match=r"the code 'treasury' already names Role\.TREASURER_OFFICE"
        ):
            Role.register("treasury", en="vault", zh="金库", duties_en="a", duties_zh="b")
        assert Role.registered_members() == (finance, treasurer)
        # The same label in another vocabulary is no clash.
        assert CrisisType.register("finance", en="finance", zh="财务").value == "finance"


def test_a_different_definition_under_a_registered_code_is_refused():
    with vocabulary_scope():
        finance = register_finance()
        with pytest.raises(VocabularyError, match="is already registered as") as refused:
            Role.register(
                "finance", en="finance department", zh="财务部", duties_en="x", duties_zh="y"
            )
        assert "'财务部门'" in str(refused.value)
        assert "'财务部'" in str(refused.value)
        hotline = Channel.register("regulator_12315", en="12315", zh="一二三一五", group="customer")
        with pytest.raises(VocabularyError, match="'internal'"):
            Channel.register("regulator_12315", en="12315", zh="一二三一五", group="internal")
        assert Role.registered_members() == (finance,)
        assert Channel.registered_members() == (hotline,)


def test_a_channel_needs_a_channel_group():
    with vocabulary_scope():
        with pytest.raises(UnknownValueError, match="must be a ChannelGroup; got 'regulator'"):
            Channel.register("regulator_12315", en="12315", zh="一二三一五", group="regulator")
        assert Channel.lookup("regulator_12315") is None


def test_the_errors_are_validation_errors():
    assert issubclass(VocabularyError, ValidationError)
    assert issubclass(VocabularyError, ValueError)


# ---- idempotence and threads --------------------------------------------------------------


def test_registering_the_same_definition_again_returns_the_same_member():
    with vocabulary_scope():
        first = register_all()
        sizes = len(Role), len(CrisisType), len(Channel), len(Audience)
        assert register_all() == first
        assert all(a is b for a, b in zip(register_all(), first, strict=True))
        assert (len(Role), len(CrisisType), len(Channel), len(Audience)) == sizes
        hotline = Channel.register(
            "regulator_12315",
            en="12315 regulator hotline",
            zh="12315 监管热线",
            group="客户反馈渠道",
        )
        assert hotline is first[2]  # the group read from its label is the same group


def test_threads_registering_at_once_agree_on_every_member():
    workers = 8
    barrier = threading.Barrier(workers)
    results: list[list[object]] = [[] for _ in range(workers)]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            for round_ in range(25):
                results[index].append(register_finance())
                results[index].append(
                    CrisisType.register(
                        f"type_{index}_{round_}",
                        en=f"type {index}-{round_}",
                        zh=f"类型{index}-{round_}",
                    )
                )
                results[index].append(
                    Audience.register(f"shared_{round_}", en=f"shared {round_}", zh=f"共同{round_}")
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    with vocabulary_scope():
        threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        finance = Role("finance")
        assert all(r[0::3].count(finance) == 25 for r in results)
        assert all(all(m is finance for m in r[0::3]) for r in results)
        assert len(CrisisType.registered_members()) == workers * 25
        assert len(Audience.registered_members()) == 25
        for round_ in range(25):
            shared = Audience(f"shared_{round_}")
            assert all(r[2::3][round_] is shared for r in results)
            assert Audience.parse(f"共同{round_}") is shared
        for index in range(workers):
            for round_ in range(25):
                member = CrisisType.parse(f"类型{index}-{round_}")
                assert member.value == f"type_{index}_{round_}"
                assert member.label("en") == f"type {index}-{round_}"
        assert len(set(CrisisType)) == len(CrisisType) == 9 + workers * 25


# ---- scoping for tests, and the strategies ------------------------------------------------


def test_a_scope_undoes_its_registrations_however_it_ends():
    before = list(Role)

    def register_then_fail():
        with vocabulary_scope():
            register_finance()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        register_then_fail()
    assert list(Role) == before
    assert Role.lookup("财务部门") is None
    with vocabulary_scope():
        outer = register_finance()
        with vocabulary_scope():
            Audience.register("shareholders", en="shareholders", zh="股东")
            assert Role("finance") is outer
        assert Audience.lookup("股东") is None
        assert Role("finance") is outer
    assert len(Role) == 7


def test_the_strategies_draw_built_in_members_unless_asked(host):
    finance, financial_risk, hotline_12315, shareholders = host
    with pytest.raises(NoSuchExample):
        find(cks.roles(), lambda r: not r.is_builtin)
    with pytest.raises(NoSuchExample):
        find(cks.crisis_types(), lambda t: not t.is_builtin)
    assert find(cks.roles(registered=True), lambda r: not r.is_builtin) is finance
    assert find(cks.crisis_types(registered=True), lambda t: t is financial_risk)
    assert find(cks.channels(registered=True), lambda c: c is hotline_12315)
    assert find(cks.audiences(registered=True), lambda a: a is shareholders)


def test_a_scope_also_undoes_what_an_open_enum_defined_inside_it_registered():
    with vocabulary_scope():

        class Desk(OpenLabelledEnum):
            FRONT = "front"

        Desk._declare({Desk.FRONT: ("front desk", "前台")})
        Desk._register("back", "back office", "后台")
        assert [d.value for d in Desk] == ["front", "back"]
    assert list(Desk) == [Desk.FRONT]
    assert Desk.parse("前台") is Desk.FRONT
    assert Desk.lookup("后台") is None
