"""Programs for individuals that pay no stated amount: non-cash benefits (in_kind: a post, a place, priority, a
tax or hukou rule) and programs whose amount the documents leave to provincial or national rules (not_stated).
The rules check the conditions the facts can show and name what is left to the caseworker; the shared helpers of
this module serve ``non_cash_startup`` too. Decisions: docs/policy-decisions.md, "Non-cash programs"."""

from collections.abc import Callable
from decimal import Decimal

from ..conditions import is_college_graduate, missing, on_any_register
from ..conditions_business import any_of, graduated_within
from ..conditions_people import employed_as, on_register_on
from ..engine import Decision, Params, ProgramInfo, Reason, combine, eligibility, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..names import employment_status_label
from ..registry import PATTERN_PERIODS, rule

DISPLACED = "overcapacity_displaced_workers"
SOLDIERS = ("discharged_soldier", "placed_soldier")
ALL_TRACKS = (*SOLDIERS, "transferred_officer", "self_employed_officer")
Standard = tuple[Decimal | None, tuple[Reason, ...]]

# --- shared helpers ------------------------------------------------------------------------------------------------


def by_hand(condition: str, label: str, clause: str) -> Reason:
    """A condition that decides who gets the benefit but that no fact records (an employer's size, a county's
    choice to offer it): unknown, so the rule can refuse but never accept on its own."""
    return Reason(condition=condition, label=label, met=None, clause=clause, detail=_by_hand_detail())


def _by_hand_detail() -> str:
    return _("Checked by hand: the records hold no such fact")


def _open_by_hand(reason: Reason) -> Reason:
    """An unknown answer that names no missing fact comes from a condition checked by hand: say so."""
    if reason.met is None and not reason.missing:
        return reason._replace(detail=_by_hand_detail())
    return reason


def one_of(reasons: list[Reason], *, condition: str, label: str, clause: str) -> Reason:
    """``any_of`` (met by any of several ways), saying "checked by hand" when only such a way is open."""
    return _open_by_hand(any_of(reasons, condition=condition, label=label, clause=clause))


def all_of(reasons: list[Reason], *, condition: str, label: str, clause: str) -> Reason:
    """One condition made of several that must all hold (combine's answer; the missing facts of all of them)."""
    met = combine(reasons)
    needed = () if met is not None else tuple(dict.fromkeys(name for r in reasons for name in r.missing))
    return _open_by_hand(Reason(condition=condition, label=label, met=met, clause=clause, missing=needed))


def out_of_work(facts: Facts, clause: str) -> Reason:
    """Not in employment, flexible work or self-employment on the day (unemployed, or no spell covers it)."""
    label = _("Out of work on the day")
    status = facts.employment_status()
    if status is None:
        return missing("out_of_work", label, clause, "person.employment")
    return Reason(
        condition="out_of_work",
        label=label,
        met=status in ("unemployed", "none"),
        clause=clause,
        detail=employment_status_label(status),
    )


def business_open(facts: Facts, clause: str) -> Reason:
    """The person's business holds a licence (工商登记) on the day and has not closed."""
    label = _("Runs a registered business (business licence) on the day")
    registered = facts.date("business.registered_on")
    if registered is None:
        return missing("business_open", label, clause, "business.registered_on")
    closed = facts.date("business.closed_on")
    return Reason(
        condition="business_open",
        label=label,
        met=registered <= facts.as_of and (closed is None or closed > facts.as_of),
        clause=clause,
        detail=_("Registered on %(date)s") % {"date": registered.isoformat()},
    )


def starting_business(facts: Facts, clause: str) -> Reason:
    """自主创业 / 创业者: a registered business, an entrepreneurs' register, or a self-employment spell on the day."""
    self_employed, _spell = employed_as(
        facts, ("self_employed",), condition="self_employed", label=_("Self-employed on the day"), clause=clause
    )
    return one_of(
        [
            business_open(facts, clause),
            on_any_register(
                facts,
                ["first_time_entrepreneurs", "online_entrepreneurs"],
                condition="entrepreneur_register",
                label=_("On an entrepreneurs' register (初次创业人员, 网络创业人员)"),
                clause=clause,
            ),
            self_employed,
        ],
        condition="starting_business",
        label=_("Starting or running a business (自主创业)"),
        clause=clause,
    )


def veteran_track(facts: Facts, tracks: tuple[str, ...], *, label: str, clause: str) -> Reason:
    """The person's veteran track (a person field, docs/policy-decisions.md "Registers") is one of ``tracks``."""
    status = facts.get("person.veteran_status")
    if status is None:
        return missing("veteran_track", label, clause, "person.veteran_status")
    details = {
        "": _("Not a veteran"),
        "discharged_soldier": _("Self-employment track soldier (自主就业退役士兵)"),
        "placed_soldier": _("Soldier on the government placement track (符合政府安排工作条件)"),
        "transferred_officer": _("Transferred officer (军队转业干部)"),
        "self_employed_officer": _("Self-employed transferred officer (自主择业军队转业干部)"),
    }
    return Reason(
        condition="veteran_track", label=label, met=status in tracks, clause=clause, detail=details.get(status, status)
    )


def hard_to_employ(facts: Facts, clause: str) -> Reason:
    label = _("Recognised as a person with employment difficulties (就业困难人员)")
    return on_any_register(facts, ["hard_to_employ"], condition="hard_to_employ", label=label, clause=clause)


def displaced(facts: Facts, clause: str) -> Reason:
    """去产能分流职工: the register of workers diverted or laid off by enterprises cutting overcapacity."""
    label = _("A worker diverted or laid off by an enterprise cutting overcapacity (去产能分流人员)")
    return on_any_register(facts, [DISPLACED], condition="displaced_worker", label=label, clause=clause)


def employed_by_unit(facts: Facts, clause: str) -> Reason:
    label = _("Employed by a unit")
    return employed_as(facts, ("employed",), condition="employed_by_unit", label=label, clause=clause)[0]


def note_for(program: ProgramInfo, *, standard: bool = False) -> str:
    if program.payment_pattern == "in_kind":
        return _(
            "A non-cash benefit (a post, a place, priority, a tax or hukou rule …): given by hand once the "
            "conditions above are confirmed."
        )
    if standard:
        return _(
            "The document states no amount: it follows the provincial or national rules referred to and is computed "
            "once an administrator sets the standard named above."
        )
    return _(
        "The document states no amount: it follows the provincial or national rules referred to and is set by hand."
    )


def standard_amount(params: Params, code: str, facts: Facts, clause: str) -> Standard:
    """A standard the document leaves open: its value on the day (None while not set) and the reason naming it."""
    amount, reason = parameter_amount(params, code, facts.as_of, clause=clause)
    return amount, (reason,)


def non_cash_decision(
    program: ProgramInfo,
    facts: Facts,
    reasons: list[Reason],
    *,
    standard: Callable[[], Standard] | None = None,
    period: str | None = None,
    max_periods: int | None = None,
    extra: tuple[Reason, ...] = (),
    once: bool | None = None,
    holds_while_on: tuple[str, ...] = (),
) -> Decision:
    """The end of every rule of the non-cash modules: eligible from the conditions (plus "not granted before" for
    programs given once per person: the catalogue's once_per_lifetime unless ``once`` says otherwise); the amount
    and its reasons from ``standard`` (worked out only once the conditions are decided, so the nightly screening
    skips it for people not eligible), else none; the period of the payment pattern; a note saying what is left to
    the caseworker. ``extra`` reasons inform and do not decide."""
    reasons = list(reasons)
    if program.once_per_lifetime if once is None else once:
        earlier = facts.received(program=program.code)
        reasons.append(
            Reason(
                condition="not_received_before",
                label=_("Has not been granted this benefit before"),
                met=not earlier,
                clause=program.clause,
                detail=", ".join(grant.get("from") or "?" for grant in earlier),
            )
        )
    eligible = eligibility(reasons)
    amount, standard_reasons = standard() if standard else (None, ())
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period=period or PATTERN_PERIODS.get(program.payment_pattern),
        max_periods=max_periods,
        reasons=[*reasons, *extra, *standard_reasons],
        note=note_for(program, standard=standard is not None),
        holds_while_on=holds_while_on,
    )


# --- veterans -------------------------------------------------------------------------------------------------------

PLACEMENT_TRACKS = {
    "daqing": ALL_TRACKS,
    "dalian": ALL_TRACKS,
    "jinan": ALL_TRACKS,
    "chaoyang": ALL_TRACKS,
    "yiyang": ("placed_soldier", "transferred_officer", "self_employed_officer"),
}


@rule(
    "daqing_veteran_placement",
    "dalian_veteran_placement",
    "jinan_veteran_placement",
    "chaoyang_veteran_placement",
    "yiyang_veteran_placement",
)
def veteran_placement(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十二）, 大连（十六）, 济南（十六）, 朝阳（二十）: 军队转业干部安置; 对符合政府安排工作条件的退役士兵，
    要采取刚性措施，确保岗位落实; 自主择业军队转业干部和自主就业退役士兵 get services, training and start-up support:
    every track. 益阳（十三） is the 阳光安置 of placed soldiers and the officers; its self-employment track has
    易地教育培训 (decision)."""
    reasons = [
        veteran_track(
            facts,
            PLACEMENT_TRACKS[program.city],
            label=_("A transferred officer or a discharged soldier on a track this clause provides for"),
            clause=program.clause,
        )
    ]
    return non_cash_decision(program, facts, reasons)


@rule("yiyang_veteran_offsite_training")
def yiyang_veteran_offsite_training(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """益阳（十三）: 对自主就业的，强化教育培训…推行“易地教育培训”，鼓励退役士兵从全省招标选定的教育培训
    机构中自由选择机构、专业参加培训 — self-employment track soldiers (decision)."""
    reasons = [
        veteran_track(
            facts,
            ("discharged_soldier",),
            label=_("A self-employment track discharged soldier (自主就业退役士兵)"),
            clause=program.clause,
        )
    ]
    return non_cash_decision(program, facts, reasons)


# --- tuition compensation (学费补偿、助学贷款代偿) --------------------------------------------------------------------


def enlisted_student(facts: Facts, clause: str) -> Reason:
    """大学生应征入伍: a college education and a discharged soldier of either track (decision)."""
    return all_of(
        [
            is_college_graduate(facts, clause=clause),
            veteran_track(facts, SOLDIERS, label=_("A discharged soldier"), clause=clause),
        ],
        condition="enlisted_student",
        label=_("A college student or graduate who enlisted (大学生应征入伍)"),
        clause=clause,
    )


def grassroots_service(facts: Facts, clause: str) -> Reason:
    return on_any_register(
        facts,
        ["grassroots_service_graduates"],
        condition="grassroots_service",
        label=_("In a grassroots service scheme (大学生村官, 三支一扶 …)"),
        clause=clause,
    )


def grassroots_or_sme_job(facts: Facts, clause: str) -> Reason:
    """到城乡基层、中小微企业就业: a grassroots service scheme, or a graduate employed by a unit whose level or size
    the records do not hold (checked by hand)."""
    return one_of(
        [
            grassroots_service(facts, clause),
            all_of(
                [
                    is_college_graduate(facts, clause=clause),
                    employed_by_unit(facts, clause),
                    by_hand(
                        "grassroots_or_sme_employer",
                        _("The employer is a grassroots unit or a small, medium or micro enterprise"),
                        clause,
                    ),
                ],
                condition="grassroots_or_sme_job",
                label=_("A college graduate working at the grassroots or in a small, medium or micro enterprise"),
                clause=clause,
            ),
        ],
        condition="grassroots_job",
        label=_("A graduate in grassroots service or work, or in a small, medium or micro enterprise"),
        clause=clause,
    )


TUITION_GROUPS = {
    "daqing": (enlisted_student,),
    "dalian": (grassroots_service, enlisted_student),
    "jinan": (grassroots_or_sme_job,),
    "yiyang": (grassroots_or_sme_job, enlisted_student),
}


@rule(
    "daqing_enlistment_tuition_support",
    "dalian_graduate_tuition_compensation",
    "jinan_graduate_tuition_compensation",
    "yiyang_graduate_tuition_compensation",
)
def graduate_tuition_compensation(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """学费补偿、学费资助、助学贷款代偿: 大庆（十） 鼓励大学生应征入伍; 大连（十二） 大学生村官、
    “三支一扶”等计划项目 and 应征入伍; 济南（十一） 到城乡基层、中小微企业就业; 益阳（十） both. Once per person; the
    amounts are national."""
    ways = [group(facts, program.clause) for group in TUITION_GROUPS[program.city]]
    reasons = [
        one_of(
            ways,
            condition="tuition_group",
            label=_("In a group the document names for tuition compensation (grassroots service or work, enlistment)"),
            clause=program.clause,
        )
    ]
    return non_cash_decision(program, facts, reasons)


# --- graduates ------------------------------------------------------------------------------------------------------


@rule("daqing_graduate_grassroots_hiring_priority")
def daqing_graduate_grassroots_hiring_priority(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十）: 街道（社区工作站）、乡镇、居委会（村）聘用岗位应招用毕业5年内的高校毕业生. 5年内 is 以内, the number
    included: from the graduation day through the day exactly 5 years later (``graduated_within``)."""
    reasons = [
        graduated_within(
            facts,
            params,
            "daqing.graduates_within_years",
            on=facts.as_of,
            register="graduates_within_5_years",
            clause=program.clause,
        )
    ]
    return non_cash_decision(program, facts, reasons)


@rule("chaoyang_graduate_grassroots_programs", "jinan_poverty_county_recruitment_relaxation")
def graduate_recruitment(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（十六）: “选聘高校毕业生到村任职”、“三支一扶计划”、“农村教师特岗计划”、
    “大学生志愿服务辽西北计划”; 济南（十一）: 脱贫任务较重的县区基层机关事业单位公开招录招聘高校毕业生，可适当放宽…
    条件. Any college graduate may apply; applying is the graduate's choice (decision)."""
    return non_cash_decision(program, facts, [is_college_graduate(facts, clause=program.clause)])


@rule("chaoyang_difficult_graduate_backstop_placement")
def chaoyang_difficult_graduate_backstop_placement(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """朝阳（十六）: 对困难家庭、残疾人家庭离校未就业高校毕业生进行
    兜底安置,适当提高工资待遇及社会保险补贴标准 — 困难家庭 is the register 困难高校毕业生; the raised wage and
    subsidy are multiples (docs/policy-decisions.md)."""
    clause = program.clause
    reasons = [
        on_register_on(
            facts,
            ["unemployed_graduates_after_leaving"],
            facts.as_of,
            condition="unemployed_graduate",
            label=_("A college graduate unemployed after leaving school (离校未就业高校毕业生)"),
            clause=clause,
        ),
        on_any_register(
            facts,
            ["difficult_family_graduates", "persons_with_disabilities"],
            flags=("person.is_disabled", "household.is_poor_disabled"),
            condition="hardship_family",
            label=_("From a family in hardship (困难高校毕业生) or with a disabled member (残疾人家庭)"),
            clause=clause,
        ),
    ]
    uplifts = ("chaoyang.backstop_placement_wage_uplift_ratio", "chaoyang.backstop_placement_si_subsidy_uplift_ratio")

    def standard():  # the raised wage and subsidy are multiples of the ordinary ones: shown, not computed
        return None, tuple(parameter_amount(params, code, facts.as_of, clause=clause)[1] for code in uplifts)

    return non_cash_decision(program, facts, reasons, standard=standard)


# --- skills, staff, key groups ----------------------------------------------------------------------------------------


def senior_skill(facts: Facts, clause: str) -> Reason:
    """高级工、技师、高级技师: a certificate of level 3, 2 or 1 (the course's certificate, or a level already paid a
    skill-upgrade subsidy)."""
    label = _("Holds a senior-worker (高级工), technician (技师) or senior-technician (高级技师) certificate")
    level = facts.get("training.certificate_level")
    held = [item for item in [level, *(facts.get("person.skill_upgrade_levels_received") or [])] if item is not None]
    if any(item <= 3 for item in held):
        return Reason(condition="senior_skill", label=label, met=True, clause=clause, detail=str(min(held)))
    if level is None:
        return missing("senior_skill", label, clause, "training.certificate_level")
    return Reason(condition="senior_skill", label=label, met=False, clause=clause, detail=str(min(held)))


@rule(
    "daqing_skilled_worker_equivalent_treatment",
    "dalian_skilled_worker_equivalent_treatment",
    "jinan_skilled_worker_equivalent_treatment",
    "yiyang_skilled_worker_equivalent_treatment",
)
def skilled_worker_equivalent_treatment(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（十五）, 大连（十）, 济南（十）, 益阳（十五）: 用人单位聘用的高级工、技师、
    高级技师可比照（助理工程师、工程师、高级工程师 / 相应层级工程技术人员）享受同等待遇."""
    reasons = [employed_by_unit(facts, program.clause), senior_skill(facts, program.clause)]
    return non_cash_decision(program, facts, reasons)


@rule(
    "daqing_public_institution_staff_startup",
    "dalian_public_institution_staff_startup",
    "chaoyang_public_institution_staff_startup",
)
def public_institution_staff_startup(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大庆（八）, 大连（六）, 朝阳（十四）: 事业单位（高校和科研院所）专业技术人员 may leave
    their post (离岗), work in or found enterprises while keeping their personnel relations."""
    reasons = [
        on_any_register(
            facts,
            ["public_institution_technical_staff"],
            condition="technical_staff",
            label=_("Professional or technical staff of a public institution, university or research institute"),
            clause=program.clause,
        )
    ]
    return non_cash_decision(program, facts, reasons)


@rule("jinan_key_group_tax_preferences")
def jinan_key_group_tax_preferences(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """济南（七）: 落实好高校毕业生、登记失业人员、退役士兵和残疾人等群体就业创业税收优惠
    政策 — the four named groups (“等” is not widened); 登记失业人员 is the register or an unemployment registration
    on the day."""
    clause = program.clause
    unemployed = facts.employment_status()
    reasons = [
        one_of(
            [
                is_college_graduate(facts, clause=clause),
                on_any_register(
                    facts,
                    ["registered_urban_unemployed", "persons_with_disabilities"],
                    flags=("person.is_disabled",),
                    condition="registered_or_disabled",
                    label=_("Registered unemployed or disabled"),
                    clause=clause,
                ),
                Reason(
                    condition="unemployment_registration",
                    label=_("Registered as unemployed on the day"),
                    met=None if unemployed is None else unemployed == "unemployed",
                    clause=clause,
                    missing=("person.employment",) if unemployed is None else (),
                ),
                veteran_track(facts, SOLDIERS, label=_("A discharged soldier"), clause=clause),
            ],
            condition="tax_group",
            label=_("A college graduate, a registered unemployed person, a discharged soldier or a disabled person"),
            clause=clause,
        )
    ]
    return non_cash_decision(program, facts, reasons)
