"""一次性求职创业补贴: a one-time job-seeking and start-up subsidy for college graduates from hardship
backgrounds. Each city names its own target groups: 大庆（十）, 大连（十二）, 济南（十一）, 朝阳（十六）,
益阳（十）."""

from ..conditions import in_graduation_year, is_college_graduate, not_received_before, on_any_register
from ..engine import Decision, Params, ProgramInfo, eligibility, parameter_amount
from ..facts import Facts
from ..i18n import gettext as _
from ..registry import rule

# The hardship groups of 大连（十二） (低保、贫困残疾人、建档立卡贫困家庭；特困、残疾、国家助学贷款), as register codes,
# household registers and fact flags. 大庆（十） and 济南（十一） extend their provincial scope to the same groups and
# 朝阳（十六） applies the provincial (辽宁, as 大连) scope; 益阳（十） adds 孤儿 and limits it to the graduating year.
COMMON = {
    "registers": ["extreme_poverty_persons", "persons_with_disabilities", "student_loan_graduates"],
    "household": ["dibao_households"],
    "flags": [
        "household.is_poor_disabled",
        "household.is_poverty_registered",
        "person.is_disabled",
        "person.has_student_loan",
    ],
    "graduating_year": False,
}
HARDSHIP = {
    "daqing": COMMON,
    "dalian": COMMON,
    "jinan": COMMON,
    "chaoyang": COMMON,
    "yiyang": {
        "registers": [*COMMON["registers"], "orphans"],
        "household": COMMON["household"],
        "flags": [*COMMON["flags"], "person.is_orphan"],
        "graduating_year": True,
    },
}


@rule(
    "daqing_job_seeking_startup_subsidy",
    "dalian_job_seeking_startup_subsidy",
    "jinan_job_seeking_startup_subsidy",
    "chaoyang_job_seeking_startup_subsidy",
    "yiyang_job_seeking_startup_subsidy",
)
def job_seeking_startup_subsidy(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    scope = HARDSHIP[program.city]
    reasons = [is_college_graduate(facts, clause=program.clause)]
    if scope["graduating_year"]:
        reasons.append(in_graduation_year(facts, clause=program.clause))
    reasons.append(
        on_any_register(
            facts,
            scope["registers"],
            household_codes=tuple(scope["household"]),
            flags=tuple(scope["flags"]),
            condition="hardship_group",
            clause=program.clause,
            label=_(
                "From a dibao, poor disabled or registered-poverty family, or in extreme poverty, disabled or with a "
                "national student loan"
            ),
        )
    )
    reasons.append(not_received_before(facts, family=program.family, clause=program.clause))
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(
        params, f"{program.city}.job_seeking_startup_subsidy_cny", facts.as_of, clause=program.clause
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="once",
        max_periods=1,
        reasons=[*reasons, amount_reason],
    )
