"""The console side of portal claims: a caseworker prints a one-time claim code from the person page, and
confirms or rejects employer claims of their area."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from casework.models import Organization, OrganizationClaim
from casework.services_claims import organization_claim_request
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def test_a_caseworker_prints_a_claim_code_that_links_the_applicant(world, people, console_as):
    zhang = people["zhang"]
    page = console_as(world.alice).get(reverse("casework:person-detail", args=[zhang.pk]))
    assert "门户账号" in page.content.decode() and "生成认领码" in page.content.decode()

    slip = console_as(world.alice).post(reverse("casework:person-claim-code", args=[zhang.pk]))
    html = slip.content.decode()
    assert slip.status_code == 200 and zhang.masked_id_number in html and zhang.id_number not in html
    code = re.search(r"<strong>([2-9A-Z]{4}-[2-9A-Z]{4})</strong>", html).group(1)

    applicant = APIClient()
    applicant.force_login(world.dan)
    linked = applicant.post(reverse("api:casework:my-claim-code"), {"code": code}, format="json")
    assert linked.status_code == 200
    page = console_as(world.alice).get(reverse("casework:person-detail", args=[zhang.pk])).content.decode()
    assert "已关联门户账号" in page

    other_city = console_as(world.carol).post(reverse("casework:person-claim-code", args=[zhang.pk]))
    assert other_city.status_code == 404


def test_a_caseworker_confirms_an_employer_claim_and_another_city_cannot(world, records, console_as):
    organization = records["organization"]
    boss = ApplicantFactory(username="13512340000", full_name="周老板")
    claim = organization_claim_request(user=boss, credit_code=organization.uscc)

    listing = console_as(world.alice).get(reverse("casework:claim-list")).content.decode()
    assert "友好物流有限公司" in listing and "135****0000" in listing and "13512340000" not in listing
    assert "友好物流" not in console_as(world.carol).get(reverse("casework:claim-list")).content.decode()
    decide = reverse("casework:claim-decide", args=[claim.pk, "confirm"])
    assert console_as(world.carol).post(decide).status_code == 404
    assert (
        console_as(world.alice).post(reverse("casework:claim-decide", args=[claim.pk, "nonsense"])).status_code == 404
    )

    done = console_as(world.alice).post(decide, {"note": "已电话核实"}, follow=True)
    assert "已确认" in done.content.decode()
    assert Organization.objects.get(pk=organization.pk).account == boss
    claim.refresh_from_db()
    assert claim.status == OrganizationClaim.Status.CONFIRMED and claim.decided_by == world.alice
    assert claim.note == "已电话核实"
    again = console_as(world.alice).post(decide, follow=True).content.decode()
    assert "已处理" in again  # a second decision is refused with the service's message
