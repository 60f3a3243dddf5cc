"""Register API: scoped (404 outside the area), masked (no full ID or phone number in any body), unmask
logged, bad input answered field by field, constant queries on lists."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import uscc

from casework import services
from casework.models import Contact, Person, PersonalDataAccess, Register

from ..factories import make_id_number, make_person

pytestmark = pytest.mark.django_db
D = datetime.date


def object_urls(records):
    person, household, organization, entry = (records[k] for k in ("person", "household", "organization", "entry"))
    return [
        ("get", reverse("api:casework:person-detail", args=[person.pk]), None),
        ("patch", reverse("api:casework:person-detail", args=[person.pk]), {"name": "改名"}),
        ("post", reverse("api:casework:person-unmask", args=[person.pk]), {"reason": "核对"}),
        ("get", reverse("api:casework:person-contacts", args=[person.pk]), None),
        (
            "post",
            reverse("api:casework:person-contacts", args=[person.pk]),
            {"contacted_on": "2026-11-02", "channel": "phone", "outcome": "seeking"},
        ),
        ("get", reverse("api:casework:person-employment", args=[person.pk]), None),
        (
            "post",
            reverse("api:casework:person-employment", args=[person.pk]),
            {"status": "employed", "started_on": "2026-11-02"},
        ),
        ("get", reverse("api:casework:household-detail", args=[household.pk]), None),
        ("get", reverse("api:casework:organization-detail", args=[organization.pk]), None),
        (
            "post",
            reverse("api:casework:entry-exit", args=[entry.pk]),
            {"exited_on": "2026-11-02", "reason": "employed"},
        ),
        (
            "post",
            reverse("api:casework:entry-create"),
            {"register": "graduating_year_graduates", "person": person.pk, "entered_on": "2026-11-02"},
        ),
    ]


@pytest.mark.parametrize("name", ["carol", "dan", "erin"])
def test_every_person_household_and_organization_endpoint_is_404_outside_the_area(world, records, api_as, name):
    client = api_as(getattr(world, name))
    before = (Person.objects.get(pk=records["person"].pk).name, Contact.objects.count())
    for method, url, body in object_urls(records):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (name, method, url, response.status_code)
    assert (Person.objects.get(pk=records["person"].pk).name, Contact.objects.count()) == before
    assert not PersonalDataAccess.objects.exists()
    mine = {records["person"].pk, records["household"].pk, records["organization"].pk}
    for list_name in ["person-list", "household-list", "organization-list"]:
        rows = client.get(reverse(f"api:casework:{list_name}")).json()["results"]
        assert not mine & {row["id"] for row in rows}, list_name
    entries = client.get(reverse("api:casework:register-entries", args=["unemployed_graduates_after_leaving"]))
    assert entries.json()["results"] == []


def test_the_caseworker_of_the_area_reaches_every_endpoint(world, records, api_as):
    client = api_as(world.alice)
    for method, url, body in object_urls(records):
        response = getattr(client, method)(url, body, format="json")
        expected = 403 if url.endswith("/unmask/") else (201 if method == "post" and "exit" not in url else 200)
        assert response.status_code == expected, (method, url, response.json())


def _bodies(client, records):
    urls = [
        reverse("api:casework:person-list"),
        reverse("api:casework:person-detail", args=[records["person"].pk]),
        reverse("api:casework:household-list"),
        reverse("api:casework:organization-list"),
        reverse("api:casework:organization-detail", args=[records["organization"].pk]),
        reverse("api:casework:register-entries", args=["unemployed_graduates_after_leaving"]),
        reverse("api:casework:person-contacts", args=[records["person"].pk]),
    ]
    return {url: client.get(url).content.decode() for url in urls}


def test_no_body_holds_a_full_id_or_phone_number(world, records, api_as):
    person, organization = records["person"], records["organization"]
    for url, body in _bodies(api_as(world.bob), records).items():
        assert person.id_number not in body, url
        assert person.phone not in body, url
        assert organization.contact_phone not in body, url
    assert person.masked_id_number in _bodies(api_as(world.bob), records)[reverse("api:casework:person-list")]


def test_unmask_with_permission_gives_the_numbers_and_logs_it(world, records, api_as):
    person = records["person"]
    world.bob.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    client = api_as(world.bob)
    url = reverse("api:casework:person-unmask", args=[person.pk])
    missing_reason = client.post(url, {}, format="json")
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()["fields"]
    response = client.post(url, {"reason": "核对身份证复印件"}, format="json")
    assert response.json() == {"id_number": person.id_number, "phone": person.phone}
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.person, log.reason) == (world.bob, person, "核对身份证复印件")
    # the auditor reads the log; the caseworker may not
    world.grace.memberships.update(role="auditor")
    rows = api_as(world.grace).get(reverse("api:casework:access-log")).json()["results"]
    assert [(r["user"], r["person"]["id"], r["reason"]) for r in rows] == [("bob", person.pk, "核对身份证复印件")]
    assert person.id_number not in str(rows)
    assert api_as(world.alice).get(reverse("api:casework:access-log")).status_code == 403


def test_create_person_bad_input_names_the_field_and_stores_nothing(world, api_as):
    client = api_as(world.alice)
    url = reverse("api:casework:person-list")
    bad_id = client.post(
        url, {"name": "新人", "id_number": "110105194912310021", "residence_unit": world.youhao.pk}, format="json"
    )
    assert bad_id.status_code == 400
    assert bad_id.json()["fields"]["id_number"] == ["身份证号码校验位错误：有字符输入有误。"]
    outside = client.post(
        url, {"name": "新人", "id_number": make_id_number(sequence=9), "residence_unit": world.furong.pk}, format="json"
    )
    assert outside.status_code == 404
    protected = client.post(
        url,
        {
            "name": "新人",
            "id_number": make_id_number(sequence=9),
            "residence_unit": world.youhao.pk,
            "birth_date": "2000-01-01",
            "sex": "F",
        },
        format="json",
    )
    assert protected.status_code == 201
    created = Person.objects.get(pk=protected.json()["id"])
    assert (created.birth_date, created.sex) == (D(1990, 1, 1), "M")  # from the ID number, not the client
    assert Person.objects.count() == 1


def test_duplicate_id_is_a_409_naming_the_field(world, people, api_as):
    response = api_as(world.alice).post(
        reverse("api:casework:person-list"),
        {"name": "张三", "id_number": people["zhang"].id_number, "residence_unit": world.youhao.pk},
        format="json",
    )
    assert response.status_code == 409
    assert list(response.json()["fields"]) == ["id_number"]


def test_search_by_suffix_name_and_phone(world, people, api_as):
    client = api_as(world.bob)
    zhang = people["zhang"]
    for query in [zhang.id_number, zhang.id_number[-4:], zhang.id_number[-6:], "张", "13812341234"]:
        rows = client.get(reverse("api:casework:person-list"), {"search": query}).json()["results"]
        assert [row["name"] for row in rows] == ["张三"], query


def test_person_list_queries_do_not_grow_with_rows(world, people, api_as, django_assert_num_queries):
    client = api_as(world.bob)
    with django_assert_num_queries(6):  # session, user, second factor, paths, count, page
        assert client.get(reverse("api:casework:person-list")).json()["count"] == 2
    for n in range(15):
        make_person(world.tianjinjie, f"居民{n}")
    with django_assert_num_queries(6):  # session, user, second factor, paths, count, page
        assert client.get(reverse("api:casework:person-list")).json()["count"] == 17


def test_register_entries_queries_do_not_grow_with_rows(world, api_as, django_assert_num_queries):
    graduates = Register.objects.get(code="unemployed_graduates_after_leaving")
    client = api_as(world.bob)
    url = reverse("api:casework:register-entries", args=[graduates.code])

    def add(n):
        for i in range(n):
            person = make_person(world.youhao, f"毕业生{i}")
            services.registry_entry_add(actor=world.alice, register=graduates, person=person, entered_on=D(2026, 7, 1))

    add(2)
    with django_assert_num_queries(7):  # session, user, second factor, paths, register, count, page
        assert client.get(url).json()["count"] == 2
    add(12)
    with django_assert_num_queries(7):
        assert client.get(url).json()["count"] == 14


def test_contact_status_filter(world, records, api_as):
    five_days_ago = timezone.localdate() - datetime.timedelta(days=5)
    services.contact_log(
        actor=world.alice, person=records["person"], contacted_on=five_days_ago, channel="phone", outcome="seeking"
    )
    url = reverse("api:casework:register-entries", args=["unemployed_graduates_after_leaving"])
    client = api_as(world.alice)
    recent = client.get(url, {"contact_status": "recent"}).json()["results"]
    never = client.get(url, {"contact_status": "never"}).json()["results"]
    assert (len(recent), len(never)) == (1, 0)
    assert recent[0]["last_contacted_on"] == five_days_ago.isoformat()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_household_organization_and_access_log_lists_do_not_grow_with_rows(world, api_as):
    world.grace.memberships.update(role="auditor")
    world.grace.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    grace = type(world.grace).objects.get(pk=world.grace.pk)
    client = api_as(grace)
    urls = [reverse(f"api:casework:{name}") for name in ("household-list", "organization-list", "access-log")]

    def add(start, n):
        for i in range(start, start + n):
            head = make_person(world.youhao, f"户主{i}")
            member = make_person(world.youhao, f"成员{i}")
            services.household_create(
                actor=None, unit=world.youhao, members=[(head, "head", True), (member, "child", True)]
            )
            code = f"91110000{i:09d}"
            services.organization_create(
                actor=None, name=f"单位{i}", kind="employer", unit=world.youhao, uscc=code + uscc.calc_check_digit(code)
            )
            services.personal_data_unmask(user=grace, person=head, reason="核对")

    add(0, 2)
    few = [_queries(client, url) for url in urls]
    add(2, 10)
    assert [_queries(client, url) for url in urls] == few
    assert client.get(urls[0]).json()["count"] == 12
