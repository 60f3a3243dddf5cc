"""bootstrap_demo: five cities with real region codes, a user for every role, idempotent."""

import io

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum import numdb

from accounts.demo import UNITS_FILE
from accounts.models import Membership, Role, ServiceUnit, User

pytestmark = pytest.mark.django_db
CITIES = {"daqing", "dalian", "jinan", "chaoyang", "yiyang"}


def run_demo() -> str:
    out = io.StringIO()
    call_command("bootstrap_demo", stdout=out)
    return out.getvalue()


def test_demo_builds_five_cities_with_every_role_grants_and_a_batch_and_prints_working_logins(client):
    from benefits.models import DisbursementBatch, Entitlement
    from benefits.payments.services.batches import batch_approve

    out = run_demo()  # built once for all of these checks: the suite builds the demo in several places
    assert set(ServiceUnit.objects.cities().values_list("city_code", flat=True)) == CITIES
    for city in CITIES:
        for role in Role.values:
            assert Membership.objects.filter(user__username=f"{city}.{role}", role=role).exists()
            assert f"{city}.{role}" in out
    for level in ServiceUnit.Level.values:
        assert ServiceUnit.objects.filter(level=level).values("city_code").distinct().count() == 5
    assert settings.CASEWORK_DEMO_PASSWORD in out
    signed_in = client.post("/login/", {"username": "dalian.caseworker", "password": settings.CASEWORK_DEMO_PASSWORD})
    assert signed_in.status_code == 302 and client.get("/console/").status_code == 200
    for city in CITIES:
        # up to three people of the demo caseworker's community (the test demo is small: fewer live there)
        grants = Entitlement.objects.filter(program__code=f"{city}_job_seeking_startup_subsidy").count()
        batch = DisbursementBatch.objects.get(program__code=f"{city}_job_seeking_startup_subsidy")
        assert batch.status == "draft" and 1 <= batch.control_count == grants <= 3
    dalian = DisbursementBatch.objects.get(unit__city_code="dalian")
    assert batch_approve(actor=User.objects.get(username="dalian.finance"), batch=dalian).status == "approved"

    # A portal applicant per city, whose account has claimed a person with a grant (the portal shows it).
    for city in CITIES:
        assert f"{city}.applicant" in out
        applicant = User.objects.get(username=f"{city}.applicant")
        assert applicant.is_applicant and Entitlement.objects.filter(person=applicant.person).exists()
    portal = client.__class__()
    body = {"username": "dalian.applicant", "password": settings.CASEWORK_DEMO_PASSWORD}
    assert portal.post("/login/", body).status_code == 302
    assert portal.get("/api/v1/me/entitlements/").json()["count"] >= 1


def test_demo_is_idempotent():
    from benefits.models import Application, Disbursement

    def counts():
        return [model.objects.count() for model in (ServiceUnit, User, Membership, Application, Disbursement)]

    run_demo()
    before = counts()
    run_demo()
    assert counts() == before


def test_demo_refuses_where_switched_off(settings):
    settings.CASEWORK_DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        run_demo()
    assert not ServiceUnit.objects.exists()
    assert not User.objects.filter(kind=User.Kind.STAFF).exists()


def test_demo_region_codes_are_gb2260_codes_of_the_named_places():
    """Every city and district code in the fixture is in python-stdnum's GB/T 2260 table under that name."""
    table = numdb.get("cn/loc")
    for city in yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8")):
        for unit in [city, *city["districts"]]:
            info = table.info(unit["region_code"])
            names = info[-1][1].get("county", "") if info and info[-1][0] else ""
            assert unit["name"] in names, (unit["region_code"], unit["name"], names)
            assert unit["region_code"][:4] == city["region_code"][:4]


def test_every_demo_person_is_settled_by_the_questions_except_what_others_decide():
    """Issue "Answers, not 缺少信息": for each person of the demo, answering every open question (as a caseworker
    would, benefits/bench/questions.py) leaves unknown only what a panel, an agency or an unset parameter decides,
    and the screening says who."""
    import datetime

    from benefits.bench.questions import settle
    from benefits.screening.facts import people_facts
    from casework.models import Person

    run_demo()
    day = datetime.date(2026, 12, 1)
    people = list(Person.objects.select_related("residence_unit").order_by("pk"))
    assert len(people) >= 20
    unknown_before = unknown_after = 0
    for person_id, document in people_facts(people=people, as_of=day).items():
        before, after, _asked = settle(document, day=day)
        assert after["open_questions"] == [], (person_id, after["open_questions"][:1])
        waiting = {item["fact"]: item for item in after["waiting_on"]}
        assert all(item["decided_by"] for item in waiting.values())
        for result in after["results"]:
            if result["eligible"] is not None:
                continue
            for reason in (x for x in result["reasons"] if x["met"] is None):
                assert reason["condition"] == "not_quantified" or set(reason["missing"]) <= set(waiting), (
                    person_id,
                    result["program"],
                    reason,
                )
                assert reason["missing"] or reason["detail"] or reason["condition"] == "not_quantified", reason
        unknown_before += sum(r["eligible"] is None for r in before["results"])
        unknown_after += sum(r["eligible"] is None for r in after["results"])
    assert unknown_after < unknown_before / 10
