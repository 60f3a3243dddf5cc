"""Unemployment-insurance benefits paid by 大连 beyond the monthly benefit: the price linkage (（四）) and the lump
sum for people who start a business (（六）). Decisions in docs/policy-decisions.md."""

from ..conditions import missing, not_received_before
from ..conditions_people import on_register_on, parameter_values
from ..counting import at_least
from ..engine import Decision, Params, ProgramInfo, Reason, eligibility, money, parameter_amount
from ..facts import Facts, fact_date
from ..i18n import gettext as _
from ..registry import rule


@rule("dalian_ui_benefit_price_linkage")
def dalian_ui_benefit_price_linkage(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（四）: 建立失业保险金标准与物价上涨挂钩联动机制 — a fixed monthly addition for each benefit month in
    which the
    year-on-year CPI rise reaches the trigger (docs/policy-decisions.md)."""
    clause = program.clause
    trigger = params.value("dalian.ui_benefit_price_linkage_cpi_trigger", facts.as_of)
    reasons = [
        on_register_on(
            facts,
            ["ui_benefit_recipients"],
            facts.as_of,
            condition="ui_benefit_recipient",
            label=_("Receiving unemployment-insurance benefit this month"),
            clause=clause,
        ),
        _cpi_trigger(params, facts.as_of, trigger, clause),
    ]
    eligible = eligibility(reasons)
    amount, amount_reason = parameter_amount(
        params, "dalian.ui_benefit_price_linkage_monthly_cny", facts.as_of, clause=clause
    )
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="month",
        max_periods=None,
        reasons=[*reasons, amount_reason],
        note=_("Only for months of the person's benefit period."),
    )


def _cpi_trigger(params: Params, on, trigger, clause: str) -> Reason:
    """The month's year-on-year CPI rise (``dalian.cpi_year_on_year``, entered monthly) against the trigger. A value
    entered for an earlier month does not carry over: until this month's is entered, the answer is unknown."""
    label = _("The year-on-year CPI rise of the month reaches the trigger (%(trigger)s)") % {
        "trigger": "?" if trigger is None else f"{trigger.normalize():f}"
    }
    cpi, since = params.value("dalian.cpi_year_on_year", on), params.since("dalian.cpi_year_on_year", on)
    this_month = cpi is not None and (since.year, since.month) == (on.year, on.month)
    lacking = tuple(
        code
        for code, known in (
            ("dalian.ui_benefit_price_linkage_cpi_trigger", trigger),
            ("dalian.cpi_year_on_year", this_month),
        )
        if known is None or known is False
    )
    if lacking:
        return Reason(
            condition="cpi_trigger",
            label=label,
            met=None,
            clause=clause,
            missing=lacking,
            detail=_("The CPI of %(month)s has not been entered: an administrator adds it under Parameters.")
            % {"month": on.strftime("%Y-%m")},
        )
    # reaches the trigger (达到, docs/policy-decisions.md: the trigger itself counts)
    return Reason(
        condition="cpi_trigger",
        label=label,
        met=at_least(cpi, trigger),
        clause=clause,
        detail=_("CPI rise in %(month)s: %(cpi)s") % {"month": on.strftime("%Y-%m"), "cpi": f"{cpi.normalize():f}"},
    )


@rule("dalian_ui_lump_sum_for_startup")
def dalian_ui_lump_sum_for_startup(program: ProgramInfo, facts: Facts, params: Params) -> Decision:
    """大连（六）: 领取失业保险金期间实现自主创业的人员，可一次性领取应享受的失业保险金 — 应享受 is what remains:
    the monthly
    benefit × the months left on the business registration date (the start of the self-employment spell)."""
    clause = program.clause
    # 领取失业保险金期间: on the register on the business registration date, its first and last day included
    rows = [row for row in facts.get("person.employment") or [] if row["status"] == "self_employed"]
    started = max((fact_date(row.get("from")) for row in rows if row.get("from")), default=None)
    label = _("Started a business while receiving unemployment-insurance benefit")
    if facts.employment is None:
        reasons = [missing("benefit_on_startup", label, clause, "person.employment")]
    elif not rows:
        reasons = [
            Reason(
                condition="benefit_on_startup",
                label=label,
                met=False,
                clause=clause,
                detail=_("No self-employment recorded"),
            )
        ]
    else:
        reasons = [
            on_register_on(
                facts,
                ["ui_benefit_recipients"],
                started,
                condition="benefit_on_startup",
                label=label,
                clause=clause,
                day_path="person.employment.from",
            )
        ]
    reasons.append(not_received_before(facts, family=program.family, clause=clause))
    eligible = eligibility(reasons)
    months = facts.get("person.ui_benefit_months_remaining")
    values, amount_reasons = parameter_values(params, ["dalian.ui_benefit_monthly_cny"], facts.as_of, clause=clause)
    if months is None:
        amount_reasons.append(
            missing(
                "months_remaining",
                _("Benefit months still due on the registration date"),
                clause,
                "person.ui_benefit_months_remaining",
            )
        )
    amount = None if values is None or months is None else money(values[0] * months)
    return Decision(
        program=program,
        eligible=eligible,
        amount_cny=amount,
        period="once",
        max_periods=1,
        reasons=[*reasons, *amount_reasons],
        note=_("The monthly benefit and the price linkage stop from the payout."),
    )
