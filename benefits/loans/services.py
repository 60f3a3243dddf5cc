"""Guaranteed start-up loans: a caseworker records the loan the bank granted on an approved grant (its schedule
fixed then, from the city's parameters on the contract date), and finance records each interest statement of the
bank, whose subsidy becomes a payment line that joins the next generation's batch."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_any_role, has_role
from casework.services import check_not_merged
from core.errors import Conflict, require

from ..catalogue.selectors import params_for_city
from ..models import Disbursement, Entitlement, Loan, LoanInterestStatement, Parameter
from ..rules.interest import LOAN_PROGRAMS, Schedule, TermsMissing, schedule, statement_subsidy


def can_record_loan(user, entitlement: Entitlement) -> tuple[bool, str]:
    if user.is_superuser or has_any_role(user, [Role.CASEWORKER, Role.SUPERVISOR], entitlement.unit):
        return True, ""
    return False, _("Only a caseworker or supervisor of this unit records a loan.")


def can_record_statement(user, loan: Loan) -> tuple[bool, str]:
    if user.is_superuser or has_role(user, Role.FINANCE, loan.unit):
        return True, ""
    return False, _("Only a finance officer of this unit or a unit above it records interest statements.")


def _missing_terms(error: TermsMissing) -> ValidationError:
    names = dict(Parameter.objects.filter(code__in=error.codes).values_list("code", "name_zh"))
    return ValidationError(
        {
            "signed_on": _("The loan's schedule needs parameters not set on %(date)s: %(names)s.")
            % {"date": error.on.isoformat(), "names": "、".join(names.get(code, code) for code in error.codes)}
        }
    )


@transaction.atomic
def loan_record(
    *,
    actor,
    entitlement: Entitlement,
    bank: str,
    contract_number: str,
    principal_cny: Decimal,
    annual_rate: Decimal,
    term_months: int,
    signed_on: datetime.date,
    first_drawdown: datetime.date | None = None,
) -> Loan:
    """Record the bank's loan on an active grant of a loan program, with the schedule its rule gives."""
    entitlement = Entitlement.objects.select_for_update().select_related("program", "unit").get(pk=entitlement.pk)
    require(can_record_loan(actor, entitlement))
    check_not_merged(entitlement.person)
    program = entitlement.program
    if program.code not in LOAN_PROGRAMS:
        raise ValidationError({"entitlement": _("This grant's program has no interest-subsidy schedule.")})
    if entitlement.status != Entitlement.Status.ACTIVE:
        raise ValidationError({"entitlement": _("Only an active grant takes a loan.")})
    if Loan.objects.filter(entitlement=entitlement).exists():
        raise Conflict(_("A loan is already recorded on this grant."))
    first_drawdown = first_drawdown or signed_on
    errors = {}
    if principal_cny <= 0:
        errors["principal_cny"] = _("The principal must be more than zero.")
    if not Decimal("0") < annual_rate < Decimal("1"):
        errors["annual_rate"] = _("Give the rate a year as a ratio, e.g. 0.0435 for 4.35 percent.")
    if term_months < 1:
        errors["term_months"] = _("The term is at least one month.")
    if first_drawdown < signed_on:
        errors["first_drawdown"] = _("The first drawdown cannot come before the contract was signed.")
    if errors:
        raise ValidationError(errors)
    own_ceiling = entitlement.amount_per_period if not entitlement.period else None
    try:
        plan = schedule(
            program.code,
            params_for_city(city=program.city),
            signed_on=signed_on,
            first_drawdown=first_drawdown,
            term_months=term_months,
            clause=program.clause,
            ceiling=own_ceiling,
        )
    except TermsMissing as error:
        raise _missing_terms(error) from error
    if principal_cny > plan.ceiling:
        raise ValidationError(
            {"principal_cny": _("The principal is above the ceiling of %(ceiling)s CNY.") % {"ceiling": plan.ceiling}}
        )
    if plan.max_term_months is not None and term_months > plan.max_term_months:
        raise ValidationError(
            {
                "term_months": _("The term is longer than the %(months)s months allowed.")
                % {"months": plan.max_term_months}
            }
        )
    try:
        with transaction.atomic():
            return Loan.objects.create(
                entitlement=entitlement,
                program=program,
                person=entitlement.person,
                organization=entitlement.organization,
                unit=entitlement.unit,
                bank=bank.strip(),
                contract_number=contract_number.strip(),
                principal_cny=principal_cny,
                annual_rate=annual_rate,
                term_months=term_months,
                signed_on=signed_on,
                first_drawdown=first_drawdown,
                subsidised_until=plan.subsidised_until,
                subsidy_share=plan.share,
                rate_cap=plan.rate_cap,
                ceiling_cny=plan.ceiling,
                schedule_reasons=[reason.as_dict() for reason in plan.reasons],
                recorded_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            {"contract_number": _("This bank's contract number is already recorded on another loan.")}
        ) from error


@transaction.atomic
def loan_interest_record(
    *,
    actor,
    loan: Loan,
    period_start: datetime.date,
    period_end: datetime.date,
    interest_cny: Decimal,
    bank_reference: str = "",
) -> LoanInterestStatement:
    """Record one interest statement of the bank and the subsidy it gives; a subsidy above zero becomes a pending
    payment line of the loan's grant (period: the statement's first month) that joins the next generation's
    batch. Statements of a loan never overlap."""
    loan = Loan.objects.select_for_update().select_related("entitlement", "program", "unit").get(pk=loan.pk)
    require(can_record_statement(actor, loan))
    errors = {}
    if period_end < period_start:
        errors["period_end"] = _("The statement ends before it starts.")
    if interest_cny <= 0:
        errors["interest_cny"] = _("The interest must be more than zero.")
    if period_start < loan.first_drawdown:
        errors["period_start"] = _("The statement starts before the first drawdown (%(date)s).") % {
            "date": loan.first_drawdown.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    if loan.statements.filter(period_start__lte=period_end, period_end__gte=period_start).exists():
        raise ValidationError({"period_start": _("The period overlaps a statement already recorded for this loan.")})
    plan = Schedule(loan.first_drawdown, loan.subsidised_until, loan.subsidy_share, loan.rate_cap, loan.ceiling_cny, ())
    amount, reasons = statement_subsidy(
        plan,
        principal=loan.principal_cny,
        annual_rate=loan.annual_rate,
        period_start=period_start,
        period_end=period_end,
        interest=interest_cny,
        clause=loan.program.clause,
    )
    line = None
    if amount > 0:
        entitlement, month = loan.entitlement, period_start.replace(day=1)
        if Disbursement.objects.filter(entitlement=entitlement, period=month).exists():
            raise ValidationError(
                {
                    "period_start": _("A statement starting in %(month)s is already paid: one statement per month.")
                    % {"month": month.strftime("%Y-%m")}
                }
            )
        line = Disbursement.objects.create(
            entitlement=entitlement,
            program=loan.program,
            person=loan.person,
            organization=loan.organization,
            unit=loan.unit,
            period=month,
            reference=f"{entitlement.pk}-{month:%Y%m}",
            amount_cny=amount,
            created_at=timezone.now(),
        )
    return LoanInterestStatement.objects.create(
        loan=loan,
        period_start=period_start,
        period_end=period_end,
        interest_cny=interest_cny,
        bank_reference=bank_reference.strip()[:64],
        subsidy_cny=amount,
        reasons=[reason.as_dict() for reason in reasons],
        disbursement=line,
        recorded_by=actor,
    )
