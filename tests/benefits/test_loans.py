"""Guaranteed start-up loans: the schedule a city's rule gives (济南（九）: full subsidy in years 1–2, none in year
3, on a rate of at most the benchmark + 2 points), the subsidy on each interest statement of the bank, paid as a
line in the next batch, and refusals that name the field."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from benefits.loans.services import loan_interest_record, loan_record
from benefits.models import Disbursement, DisbursementBatch, Entitlement, Loan, Program
from benefits.payments.services.generation import disbursements_generate
from core.errors import Conflict, PermissionDenied

from .workflow import JINAN, as_loan_grant, loan_benchmark, record_loan

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def loan_grant(grant):
    """The graduate's grant turned into an approved 济南 individual guaranteed loan (ceiling 100,000 CNY)."""
    return as_loan_grant(grant)


def test_the_schedule_is_fixed_from_the_parameters_on_the_contract_date_and_bad_terms_name_their_field(
    world, loan_grant
):
    with pytest.raises(ValidationError) as refused:
        record_loan(world, loan_grant)
    assert "人民银行贷款基准利率（一至五年含五年）" in str(refused.value.message_dict["signed_on"])
    loan_benchmark()
    for field, change in (
        ("principal_cny", {"principal_cny": Decimal("100000.01")}),
        ("term_months", {"term_months": 48}),
        ("annual_rate", {"annual_rate": Decimal("5")}),
        ("first_drawdown", {"first_drawdown": D(2025, 3, 1)}),
    ):
        with pytest.raises(ValidationError) as refused:
            record_loan(world, loan_grant, **change)
        assert list(refused.value.message_dict) == [field]
    assert not Loan.objects.exists()
    with pytest.raises(PermissionDenied):
        loan_record(
            actor=world.carol,
            entitlement=loan_grant,
            bank="b",
            contract_number="x",
            principal_cny=Decimal("1"),
            annual_rate=Decimal("0.05"),
            term_months=12,
            signed_on=D(2025, 3, 10),
        )
    loan = record_loan(world, loan_grant)
    # 前2年全额贴息,第3年不贴息: two years from the first drawdown, share 1, rate at most 4.75% + 2 points
    assert (loan.subsidised_until, loan.subsidy_share, loan.rate_cap) == (
        D(2027, 3, 15),
        Decimal("1"),
        Decimal("0.0675"),
    )
    assert loan.ceiling_cny == Decimal("100000") and loan.unit == loan_grant.unit and loan.person == loan_grant.person
    with pytest.raises(Conflict):
        record_loan(world, loan_grant, contract_number="JN-2025-002")


@pytest.fixture
def loan(world, loan_grant):
    loan_benchmark()
    return record_loan(world, loan_grant)


def statement(finance, loan, start, end, interest, reference=""):
    return loan_interest_record(
        actor=finance,
        loan=loan,
        period_start=start,
        period_end=end,
        interest_cny=Decimal(interest),
        bank_reference=reference,
    )


def test_each_statement_pays_its_subsidised_days_capped_by_the_rate_and_nothing_in_year_three(finance, loan, world):
    first = statement(finance, loan, D(2025, 4, 1), D(2025, 6, 30), "1250.00", "ST-1")
    assert first.subsidy_cny == Decimal("1250.00")  # in full: 5% on 100,000 for 91 days is 1,263.89 — not capped
    line = first.disbursement
    assert (line.status, line.batch, line.period, line.amount_cny) == (
        "pending",
        None,
        D(2025, 4, 1),
        Decimal("1250.00"),
    )
    # the bank charged more than the contract's 5% would: counted at most 100,000 × 5% × 92 / 360
    capped = statement(finance, loan, D(2025, 7, 1), D(2025, 9, 30), "2000.00")
    assert capped.subsidy_cny == Decimal("1277.78")
    assert any(reason["condition"] == "interest_capped" for reason in capped.reasons)
    # the statement across the end of year 2: 73 of its 90 days are subsidised
    across = statement(finance, loan, D(2027, 1, 1), D(2027, 3, 31), "900.00")
    assert across.subsidy_cny == Decimal("730.00")
    # year 3: recorded, nothing paid
    third = statement(finance, loan, D(2027, 4, 1), D(2027, 6, 30), "900.00")
    assert third.subsidy_cny == Decimal("0.00") and third.disbursement is None
    with pytest.raises(ValidationError) as refused:
        statement(finance, loan, D(2025, 6, 1), D(2025, 7, 31), "10.00")  # overlaps two statements
    assert list(refused.value.message_dict) == ["period_start"]
    with pytest.raises(ValidationError) as refused:
        statement(finance, loan, D(2025, 11, 1), D(2025, 10, 1), "0")
    assert set(refused.value.message_dict) == {"period_end", "interest_cny"}
    with pytest.raises(PermissionDenied):
        statement(world.alice, loan, D(2025, 10, 1), D(2025, 12, 31), "1000.00")  # not finance
    assert Disbursement.objects.filter(entitlement=loan.entitlement).count() == 3


def test_subsidy_lines_join_the_next_batch_and_an_interest_subsidy_grant_gets_no_monthly_line(finance, loan, world):
    statement(finance, loan, D(2025, 4, 1), D(2025, 6, 30), "1250.00")
    # 大连's full subsidy for graduates: a yearly estimate on the grant, paid only against statements
    Entitlement.objects.filter(pk=loan.entitlement_id).update(period="year", amount_per_period=Decimal("4750"))
    Program.objects.filter(code=JINAN).update(payment_pattern="interest_subsidy")
    summary = disbursements_generate(month=D(2027, 1, 1), actor=world.bob)
    assert (summary["created"], summary["batches"], summary["total_cny"]) == (0, 1, "1250.00")
    batch = DisbursementBatch.objects.get(month=D(2027, 1, 1))
    assert (batch.control_count, batch.control_sum_cny) == (1, Decimal("1250.00"))
    assert list(batch.lines.values_list("amount_cny", flat=True)) == [Decimal("1250.00")]


def test_the_grant_page_records_the_loan_and_the_statements_and_shows_the_schedule(
    world, loan_grant, finance, console_as
):
    from django.urls import reverse

    url = reverse("benefits:entitlement-detail", args=[loan_grant.pk])
    client = console_as(world.alice)
    terms = {
        "action": "loan",
        "bank": "济南农商银行",
        "contract_number": "JN-2025-001",
        "principal_cny": "100000",
        "annual_rate": "0.05",
        "term_months": "36",
        "signed_on": "2025-03-10",
    }
    refused = client.post(url, terms)
    assert refused.status_code == 200 and "signed_on" in refused.context["loan_form"].errors
    assert "人民银行贷款基准利率（一至五年含五年）" in refused.content.decode() and not Loan.objects.exists()
    loan_benchmark()
    assert client.post(url, terms).status_code == 302
    loan = Loan.objects.get()
    assert (loan.first_drawdown, loan.subsidised_until) == (D(2025, 3, 10), D(2027, 3, 10))
    page = client.get(url)
    assert page.context["statement_form"] is None  # a caseworker records no statement
    client = console_as(finance)
    statement_terms = {"action": "statement", "period_start": "2025-04-01", "period_end": "2025-06-30"}
    refused = client.post(url, {**statement_terms, "interest_cny": "-1"})
    assert "interest_cny" in refused.context["statement_form"].errors
    assert client.post(url, {**statement_terms, "interest_cny": "1250.00"}).status_code == 302
    page = client.get(url).content.decode()
    assert "1250.00" in page and f"{loan_grant.pk}-202504" in page


def test_the_api_records_the_loan_and_a_statement_and_names_the_field_it_refuses(world, loan_grant, finance, api_as):
    url = f"/api/v1/entitlements/{loan_grant.pk}/loan/"
    api = api_as(world.alice)
    assert api.get(url).status_code == 404  # none yet
    terms = {
        "bank": "济南农商银行",
        "contract_number": "JN-2025-001",
        "principal_cny": "100000.00",
        "annual_rate": "0.05",
        "term_months": 36,
        "signed_on": "2025-03-10",
        "first_drawdown": "2025-03-15",
        "subsidy_share": "0.1",  # computed, never taken from the client
    }
    loan_benchmark()
    refused = api.post(url, {**terms, "principal_cny": "200000.00"}, format="json")
    assert refused.status_code == 400 and "principal_cny" in refused.json()["fields"]
    made = api.post(url, terms, format="json")
    assert made.status_code == 201, made.json()
    assert (made.json()["subsidised_until"], made.json()["subsidy_share"]) == ("2027-03-15", "1.0000")
    assert api_as(world.carol).get(url).status_code == 404  # another city
    statement = {"period_start": "2025-04-01", "period_end": "2025-06-30", "interest_cny": "1250.00"}
    assert api_as(world.alice).post(url + "statements/", statement, format="json").status_code == 403
    paid = api_as(finance).post(url + "statements/", statement, format="json")
    assert paid.status_code == 201 and paid.json()["subsidy_cny"] == "1250.00"
    assert paid.json()["line_reference"] == f"{loan_grant.pk}-202504" and paid.json()["line_status"] == "pending"
    assert api_as(finance).get(url).json()["statements"][0]["subsidy_cny"] == "1250.00"
