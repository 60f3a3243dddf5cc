"""Policy engine acceptance: programs equal the catalogue, the screen contract for every city, effective-dated
parameters, unset open parameters named in the reasons."""

import datetime
import io
import json
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from benefits.catalogue.services import parameter_sync, parameter_value_add, program_sync
from benefits.models import MONEY_PATTERNS, Parameter, ParameterValue, Program
from benefits.screening.screen import screen_document

pytestmark = pytest.mark.django_db
D = datetime.date
CATALOGUE = yaml.safe_load((settings.BASE_DIR / "fixtures" / "policy" / "catalogue.yaml").read_text(encoding="utf-8"))
CITIES = ["daqing", "dalian", "jinan", "chaoyang", "yiyang"]


def graduate(city: str, **person) -> dict:
    """A graduate with a national student loan: the job-seeking subsidy's target in every city."""
    return {
        "as_of": "2026-11-21",
        "city": city,
        "person": {
            "birth_date": "2003-05-01",
            "sex": "F",
            "education": "bachelor",
            "graduation_date": "2026-07-01",
            "has_student_loan": True,
            "registers": [],
            **person,
        },
    }


def result(answer: dict, program: str) -> dict:
    return next(r for r in answer["results"] if r["program"] == program)


def test_the_programs_are_the_catalogues_and_syncing_again_duplicates_nothing():
    assert Program.objects.count() == len(CATALOGUE["programs"]) == 187
    assert set(Program.objects.values_list("code", flat=True)) == {p["code"] for p in CATALOGUE["programs"]}
    assert program_sync() == {"created": 0, "updated": 0, "unchanged": 187}
    values = ParameterValue.objects.count()
    assert parameter_sync()["values_added"] == 0
    assert ParameterValue.objects.count() == values


def test_a_program_page_shows_its_document_clause_and_quote(world, console_as):
    program = Program.objects.get(code="dalian_job_seeking_startup_subsidy")
    body = console_as(world.alice).get(reverse("benefits:program-detail", args=[program.code])).content.decode()
    assert "大政发〔2017〕46号" in body
    assert "（十二）" in body
    assert program.quote_zh in body


def test_every_program_page_shows_its_clause_and_quote(world, console_as):
    from django.utils.html import escape

    client = console_as(world.alice)
    for program in Program.objects.all():
        body = client.get(reverse("benefits:program-detail", args=[program.code])).content.decode()
        assert program.clause in body and escape(program.quote_zh) in body, program.code


@pytest.mark.parametrize("city", CITIES)
def test_screen_answers_every_program_of_the_city_with_the_contract_fields(city):
    """A person is screened against every individual program of the city and no other (an employer's programs
    for the people it hires are named apart); an organization against every program of its own."""
    answer = screen_document(graduate(city))
    assert (answer["as_of"], answer["city"]) == ("2026-11-21", city)
    codes = {r["program"] for r in answer["results"]}
    of_city = [p for p in CATALOGUE["programs"] if p["city"] == city]
    assert codes == {p["code"] for p in of_city if p["beneficiary"] == "individual"}
    individual_money = Program.objects.filter(city=city, payment_pattern__in=MONEY_PATTERNS, beneficiary="individual")
    assert {p.code for p in individual_money} <= codes
    employer = {p["code"] for p in of_city if p["beneficiary"] == "employer"}
    assert answer["employer_programs"] and {e["program"] for e in answer["employer_programs"]} <= employer
    organization = screen_document({"city": city, "as_of": "2026-11-21", "subject": "organization", "organization": {}})
    assert {r["program"] for r in organization["results"]} == {p["code"] for p in of_city} - codes
    assert "employer_programs" not in organization
    for r in answer["results"]:
        assert {"program", "eligible", "amount_cny", "period", "max_periods", "reasons"} <= set(r)
        assert r["eligible"] in (True, False, None)
        assert r["period"] in ("once", "month", "quarter", "year", "day", None)
        assert r["amount_cny"] is None or Decimal(r["amount_cny"]) >= 0
        assert r["reasons"] and all({"condition", "met", "clause"} <= set(x) for x in r["reasons"])


def test_dalian_job_seeking_subsidy_is_1000_once_with_its_reasons():
    r = result(screen_document(graduate("dalian")), "dalian_job_seeking_startup_subsidy")
    assert (r["eligible"], r["amount_cny"], r["period"], r["max_periods"]) == (True, "1000.00", "once", 1)
    assert {x["condition"]: x["met"] for x in r["reasons"]}.items() >= {
        "college_graduate": True,
        "hardship_group": True,
        "not_received_before": True,
    }.items()
    assert all(x["clause"] == "（十二）" for x in r["reasons"])


def test_missing_facts_make_the_answer_unknown_and_say_which():
    document = graduate("dalian")
    del document["person"]["education"]
    r = result(screen_document(document), "dalian_job_seeking_startup_subsidy")
    assert r["eligible"] is None
    assert ["person.education"] in [x["missing"] for x in r["reasons"] if x["met"] is None]


def test_a_one_time_subsidy_already_received_is_refused():
    document = graduate("dalian")
    document["grants"] = [
        {"program": "dalian_job_seeking_startup_subsidy", "family": "job_seeking_startup_subsidy", "from": "2026-08-01"}
    ]
    r = result(screen_document(document), "dalian_job_seeking_startup_subsidy")
    assert r["eligible"] is False


def test_an_unset_open_parameter_gives_no_amount_and_a_reason_naming_it():
    """Acceptance 4: 济南 states no amount for the job-seeking subsidy."""
    parameter = Parameter.objects.get(code="jinan.job_seeking_startup_subsidy_cny")
    assert parameter.open_code and not parameter.values.exists()
    r = result(screen_document(graduate("jinan")), "jinan_job_seeking_startup_subsidy")
    assert r["amount_cny"] is None
    named = [x for x in r["reasons"] if x["missing"] == ["jinan.job_seeking_startup_subsidy_cny"]]
    assert named and parameter.name_zh in named[0]["label"] and "2026-11-21" in named[0]["label"]


def test_a_new_parameter_value_applies_from_its_date_and_not_before(world):
    """Acceptance 3."""
    parameter = Parameter.objects.get(code="dalian.job_seeking_startup_subsidy_cny")
    parameter_value_add(actor=world.sam, parameter=parameter, valid_from=D(2019, 1, 1), value="1500")
    before = result(
        screen_document(graduate("dalian", graduation_date="2018-07-01"), as_of=D(2018, 12, 31)),
        "dalian_job_seeking_startup_subsidy",
    )
    on = result(
        screen_document(graduate("dalian", graduation_date="2018-07-01"), as_of=D(2019, 1, 1)),
        "dalian_job_seeking_startup_subsidy",
    )
    assert (before["amount_cny"], on["amount_cny"]) == ("1000.00", "1500.00")


def test_a_value_the_text_ends_is_not_set_after_its_end(world, console_as):
    """朝阳（三）: the reduced unemployment-insurance rates hold from 2017-01-01 to 2018-04-30 (``valid_to``)."""
    from benefits.catalogue.selectors import params_for_city
    from benefits.rules import offline

    code = "chaoyang.si_unemployment_employer_rate"
    for params in (params_for_city(city="chaoyang"), offline.params("chaoyang")):
        assert params.value(code, D(2018, 4, 30)) == Decimal("0.005")
        assert params.value(code, D(2018, 5, 1)) is None
    end = ParameterValue.objects.get(parameter__code=code, valid_from=D(2018, 5, 1))
    assert end.value is None and "2018-04-30" in end.source
    assert parameter_sync()["values_added"] == 0  # syncing again adds nothing
    page = console_as(world.sam).get(reverse("benefits:parameter-detail", args=[code])).content.decode()
    assert "2018-05-01" in page and "未设定" in page


def test_parameter_values_are_added_never_overwritten_and_only_by_administrators(world):
    from core.errors import Conflict, PermissionDenied

    parameter = Parameter.objects.get(code="dalian.job_seeking_startup_subsidy_cny")
    first = parameter.values.get()
    with pytest.raises(PermissionDenied):
        parameter_value_add(actor=world.alice, parameter=parameter, valid_from=D(2020, 1, 1), value="1200")
    with pytest.raises(Conflict):
        parameter_value_add(actor=world.grace, parameter=parameter, valid_from=first.valid_from, value="1200")
    jinan = Parameter.objects.get(code="jinan.job_seeking_startup_subsidy_cny")
    with pytest.raises(PermissionDenied):  # grace administers 大连, not 济南
        parameter_value_add(actor=world.grace, parameter=jinan, valid_from=D(2020, 1, 1), value="1200")
    parameter_value_add(actor=world.grace, parameter=parameter, valid_from=D(2020, 1, 1), value="1200")
    first.refresh_from_db()
    assert first.value == Decimal("1000") and parameter.values.count() == 2
    assert parameter.values.get(valid_from=D(2020, 1, 1)).history.first().history_user is None  # service call


def test_a_parameter_value_through_the_api_and_a_code_that_is_no_code_is_404(world, api_as):
    grace = api_as(world.grace)
    url = reverse("api:benefits:parameter-value-create", args=["dalian.job_seeking_startup_subsidy_cny"])
    added = grace.post(url, {"valid_from": "2020-01-01", "value": "1200"}, format="json")
    assert added.status_code == 201 and Decimal(added.json()["value"]) == Decimal("1200")
    for code in ("no.such-code", "a%00b", "%E5%8F%82%E6%95%B0"):  # unknown; a NUL (a 500 on PostgreSQL); 参数
        missing = grace.post(f"/api/v1/parameters/{code}/values/", {"valid_from": "2020-02-01", "value": "1"})
        assert missing.status_code == 404 and missing.json()["code"] == "not_found", code
    assert ParameterValue.objects.filter(valid_from=D(2020, 2, 1)).count() == 0


def test_parameter_page_adds_a_value_with_history(world, console_as):
    parameter = Parameter.objects.get(code="dalian.job_seeking_startup_subsidy_cny")
    url = reverse("benefits:parameter-detail", args=[parameter.code])
    bad = console_as(world.grace).post(url, {"valid_from": "2021-01-01", "value": "-5"})
    assert bad.status_code == 200 and parameter.values.count() == 1
    ok = console_as(world.grace).post(url, {"valid_from": "2021-01-01", "value": "1300", "source": "市人社局通知"})
    assert ok.status_code == 302
    value = parameter.values.get(valid_from=D(2021, 1, 1))
    assert (value.value, value.created_by, value.history.first().history_user) == (
        Decimal("1300"),
        world.grace,
        world.grace,
    )
    assert console_as(world.alice).post(url, {"valid_from": "2022-01-01", "value": "1"}).status_code == 200
    assert not parameter.values.filter(valid_from=D(2022, 1, 1)).exists()


def test_screen_command_prints_the_contract(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(graduate("yiyang")), encoding="utf-8")
    out = io.StringIO()
    call_command("screen", str(path), "--as-of", "2026-12-31", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["as_of"] == "2026-12-31" and answer["city"] == "yiyang"
    r = result(answer, "yiyang_job_seeking_startup_subsidy")
    assert {x["condition"]: x["met"] for x in r["reasons"]}["graduation_year"] is True


def test_screen_command_names_what_is_wrong_with_the_facts(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"city": "beijing", "person": {"sex": "X"}}), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("screen", str(path))
    assert "city" in str(error.value) and "person/sex" in str(error.value)


def test_screen_api_is_open_to_anonymous_callers_and_names_bad_fields(api):
    ok = api.post(reverse("api:benefits:screen"), graduate("dalian"), format="json")
    assert ok.status_code == 200
    assert result(ok.json(), "dalian_job_seeking_startup_subsidy")["amount_cny"] == "1000.00"
    bad = api.post(
        reverse("api:benefits:screen"), {"city": "dalian", "person": {"birth_date": "yesterday"}}, format="json"
    )
    assert bad.status_code == 400
    assert any("person/birth_date" in message for message in bad.json()["fields"]["facts"])


def test_person_eligibility_is_scoped_like_the_person(world, people, api_as):
    zhang = people["zhang"]
    assert api_as(world.alice).get(reverse("api:benefits:person-eligibility", args=[zhang.pk])).status_code == 200
    for name in ("carol", "dan"):
        response = api_as(getattr(world, name)).get(reverse("api:benefits:person-eligibility", args=[zhang.pk]))
        assert response.status_code == 404


def test_the_person_page_shows_likely_programs(world, people, console_as):
    zhang = people["zhang"]
    zhang.education, zhang.graduation_date, zhang.has_student_loan = "bachelor", D(2026, 7, 1), True
    zhang.save()
    body = (
        console_as(world.alice)
        .get(reverse("casework:person-detail", args=[zhang.pk]) + "?tab=eligibility&as_of=2026-11-21")
        .content.decode()
    )
    assert "可能符合的政策" in body and "一次性求职创业补贴" in body and "1000.00" in body


@pytest.mark.parametrize(
    "path", sorted((settings.BASE_DIR / "docs" / "facts-examples").glob("*.json")), ids=lambda p: p.stem
)
def test_every_documented_example_is_valid_and_screens(path):
    from benefits.rules.facts import validate

    document = json.loads(path.read_text(encoding="utf-8"))
    validate(document)
    answer = screen_document(document)
    assert answer["city"] == document["city"] and answer["results"]


def test_the_person_page_decides_only_the_persons_own_programs_and_names_the_employers_apart(
    world, graduate, console_as
):
    from benefits.models import Program

    response = console_as(world.alice).get(reverse("casework:person-detail", args=[graduate.pk]) + "?tab=eligibility")
    panel = response.context["panel"]
    decided = {r["program"] for group in ("likely", "unknown", "not_eligible") for r in panel[group]}
    beneficiaries = set(Program.objects.filter(code__in=decided).values_list("beneficiary", flat=True))
    assert decided and beneficiaries == {"individual"}
    assert panel["employer_programs"] and "招用此人的单位可申请" in response.content.decode()
    body = console_as(world.alice).get(reverse("api:benefits:person-eligibility", args=[graduate.pk])).json()
    assert set(
        Program.objects.filter(code__in=[r["program"] for r in body["results"]]).values_list("beneficiary", flat=True)
    ) == {"individual"}
