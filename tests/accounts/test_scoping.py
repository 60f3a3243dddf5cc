"""Acceptance 4 of the foundation: a caseworker of a 大连 community cannot see units or users of 济南 (404),
through the console and the API; a supervisor of a district sees the communities below it."""

import pytest
from django.urls import reverse

from accounts.models import ServiceUnit, User
from accounts.services import membership_grant

from ..factories import UserFactory, make_unit

pytestmark = pytest.mark.django_db


def test_visible_units_are_the_subtrees_of_the_users_units(world):
    assert set(ServiceUnit.objects.visible_to(world.alice)) == {world.youhao}
    assert set(ServiceUnit.objects.visible_to(world.bob)) == {
        world.zhongshan,
        world.qingniwa,
        world.youhao,
        world.tianjinjie,
    }
    assert set(ServiceUnit.objects.visible_to(world.carol)) == {world.furong}
    assert world.xigang in ServiceUnit.objects.visible_to(world.grace)
    assert ServiceUnit.objects.visible_to(world.sam).count() == ServiceUnit.objects.count()


@pytest.mark.parametrize("name", ["dan", "erin"])
def test_applicants_see_no_units_and_only_themselves(world, name):
    applicant = getattr(world, name)
    assert not ServiceUnit.objects.visible_to(applicant).exists()
    assert list(User.objects.visible_to(applicant)) == [applicant]


def test_disabled_user_sees_nothing(world):
    world.bob.is_active = False
    world.bob.save(update_fields=["is_active"])
    assert not ServiceUnit.objects.visible_to(world.bob).exists()


def test_visible_users_are_those_with_a_role_in_visible_units(world):
    assert set(User.objects.visible_to(world.bob)) == {world.alice, world.bob}
    assert set(User.objects.visible_to(world.alice)) == {world.alice}
    assert set(User.objects.visible_to(world.grace)) == {world.alice, world.bob, world.grace}
    assert world.carol not in User.objects.visible_to(world.grace)


# --- API -----------------------------------------------------------------------------------------------------


def test_api_caseworker_gets_404_on_a_jinan_unit_and_user(world, api_as):
    client = api_as(world.alice)
    assert client.get(reverse("api:accounts:unit-detail", args=[world.furong.pk])).status_code == 404
    assert client.get(reverse("api:accounts:unit-detail", args=[world.jinan.pk])).status_code == 404
    assert client.get(reverse("api:accounts:user-detail", args=[world.carol.pk])).status_code == 404
    assert client.get(reverse("api:accounts:unit-detail", args=[world.youhao.pk])).status_code == 200


def test_api_jinan_caseworker_gets_404_on_dalian(world, api_as):
    """carol, the other city's caseworker, is refused alice's objects with the same 404 as a missing one."""
    client = api_as(world.carol)
    assert client.get(reverse("api:accounts:unit-detail", args=[world.youhao.pk])).status_code == 404
    assert client.get(reverse("api:accounts:user-detail", args=[world.alice.pk])).status_code == 404
    missing = client.get(reverse("api:accounts:unit-detail", args=[999999]))
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_api_unit_list_of_a_district_supervisor_holds_its_communities(world, api_as):
    response = api_as(world.bob).get(reverse("api:accounts:unit-list"), {"level": "community"})
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == {"友好社区", "天津街社区"}


def test_api_unit_list_filtered_by_a_parent_outside_the_area_is_404(world, api_as):
    response = api_as(world.bob).get(reverse("api:accounts:unit-list"), {"parent": world.lixia.pk})
    assert response.status_code == 404


def test_api_user_list_is_scoped_and_hides_roles_outside_the_area(world, api_as):
    membership_grant(user=world.alice, unit=world.furong, role="caseworker")  # alice also helps in 济南
    rows = api_as(world.bob).get(reverse("api:accounts:user-list")).json()["results"]
    assert {row["username"] for row in rows} == {"alice", "bob"}
    alice = next(row for row in rows if row["username"] == "alice")
    assert [m["unit"]["name"] for m in alice["memberships"]] == ["友好社区"]


@pytest.mark.parametrize("name", ["dan", "erin"])
def test_api_applicants_get_404_on_staff_and_units(world, api_as, name):
    client = api_as(getattr(world, name))
    assert client.get(reverse("api:accounts:unit-detail", args=[world.youhao.pk])).status_code == 404
    assert client.get(reverse("api:accounts:user-detail", args=[world.alice.pk])).status_code == 404
    assert client.get(reverse("api:accounts:unit-list")).json()["results"] == []


def test_api_anonymous_is_refused(world, api):
    for name in ["api:accounts:unit-list", "api:accounts:user-list", "api:accounts:me"]:
        assert api.get(reverse(name)).status_code in (401, 403)


def test_api_unit_list_queries_do_not_grow_with_rows(world, api_as, django_assert_num_queries):
    client = api_as(world.grace)
    with django_assert_num_queries(6):  # session, user, second factor, the user's unit paths, count, page
        assert client.get(reverse("api:accounts:unit-list")).json()["count"] == 6
    for n in range(20):
        make_unit(f"第{n}社区", ServiceUnit.Level.COMMUNITY, world.qingniwa)
    with django_assert_num_queries(6):
        assert client.get(reverse("api:accounts:unit-list")).json()["count"] == 26


def test_api_user_list_queries_do_not_grow_with_rows(world, api_as, django_assert_num_queries):
    client = api_as(world.grace)
    with django_assert_num_queries(7):  # session, user, second factor, unit paths, count, page, the page's roles
        assert client.get(reverse("api:accounts:user-list")).json()["count"] == 3
    for n in range(20):
        membership_grant(user=UserFactory(username=f"extra{n}"), unit=world.tianjinjie, role="caseworker")
    with django_assert_num_queries(7):
        assert client.get(reverse("api:accounts:user-list")).json()["count"] == 23


# --- Console -------------------------------------------------------------------------------------------------


def test_console_caseworker_gets_404_on_a_jinan_unit_and_user(world, console_as):
    client = console_as(world.alice)
    assert client.get(reverse("accounts:unit-detail", args=[world.furong.pk])).status_code == 404
    assert client.get(reverse("accounts:user-detail", args=[world.carol.pk])).status_code == 404
    assert client.get(reverse("accounts:unit-detail", args=[world.youhao.pk])).status_code == 200


def test_console_jinan_caseworker_gets_404_on_dalian(world, console_as):
    client = console_as(world.carol)
    assert client.get(reverse("accounts:unit-detail", args=[world.youhao.pk])).status_code == 404
    assert client.get(reverse("accounts:user-detail", args=[world.alice.pk])).status_code == 404


def test_console_unit_list_shows_only_the_area(world, console_as):
    body = console_as(world.bob).get(reverse("accounts:unit-list")).content.decode()
    assert "友好社区" in body and "天津街社区" in body
    assert "芙蓉社区" not in body and "西岗区" not in body


def test_console_district_page_lists_the_communities_below(world, console_as):
    street = console_as(world.bob).get(reverse("accounts:unit-detail", args=[world.qingniwa.pk]))
    body = street.content.decode()
    assert "友好社区" in body and "天津街社区" in body


@pytest.mark.parametrize("name", ["dan", "erin"])
def test_console_refuses_applicants(world, console_as, name):
    response = console_as(getattr(world, name)).get(reverse("accounts:home"))
    assert response.status_code == 403


def test_console_sends_anonymous_users_to_sign_in(world, client):
    response = client.get(reverse("accounts:unit-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
