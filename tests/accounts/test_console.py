"""The staff pages of accounts: an administrator grants and removes roles on a user's page."""

from django.urls import reverse

from accounts.models import Membership, Role
from accounts.services import membership_grant

from ..factories import UserFactory


def test_an_administrator_grants_a_role_in_their_city_and_removes_it(world, console_as):
    client = console_as(world.grace)  # administrator of 大连市
    page = reverse("accounts:user-detail", args=[world.alice.pk])
    form = client.get(page).content.decode()
    assert "授予角色" in form and world.tianjinjie.name in form and world.furong.name not in form
    client.post(page, {"role": Role.SUPERVISOR, "unit": world.tianjinjie.pk})
    granted = Membership.objects.get(user=world.alice, unit=world.tianjinjie, role=Role.SUPERVISOR)
    assert granted.history.first().history_user == world.grace
    client.post(page, {"revoke": granted.pk})
    assert not Membership.objects.filter(pk=granted.pk).exists()
    assert Membership.history.filter(id=granted.pk, history_type="-", history_user=world.grace).exists()
    assert Membership.objects.filter(user=world.alice, unit=world.youhao).exists()  # her own role stays


def test_a_unit_outside_the_administrators_area_cannot_be_granted(world, console_as):
    response = console_as(world.grace).post(
        reverse("accounts:user-detail", args=[world.alice.pk]), {"role": Role.CASEWORKER, "unit": world.furong.pk}
    )
    assert response.status_code == 200 and "unit" in response.context["grant_form"].errors
    assert not Membership.objects.filter(user=world.alice, unit=world.furong).exists()


def test_a_non_administrator_sees_no_role_form_and_cannot_remove_a_role(world, console_as):
    client = console_as(world.bob)  # supervisor of 中山区: reads alice's page, administers nothing
    page = reverse("accounts:user-detail", args=[world.alice.pk])
    html = client.get(page).content.decode()
    assert "授予角色" not in html and 'name="revoke"' not in html
    alice_role = Membership.objects.get(user=world.alice)
    client.post(page, {"revoke": alice_role.pk})
    client.post(page, {"role": Role.ADMIN, "unit": world.zhongshan.pk})
    assert list(Membership.objects.filter(user=world.alice)) == [alice_role]


def test_an_administrator_cannot_remove_their_own_administrator_role(world, console_as):
    deputy = UserFactory(username="deputy")
    membership_grant(user=deputy, unit=world.dalian, role=Role.ADMIN)
    own = Membership.objects.get(user=world.grace, role=Role.ADMIN)
    response = console_as(world.grace).post(
        reverse("accounts:user-detail", args=[world.grace.pk]), {"revoke": own.pk}, follow=True
    )
    assert Membership.objects.filter(pk=own.pk).exists()
    assert "不能移除自己的管理员角色" in response.content.decode()
    console_as(deputy).post(reverse("accounts:user-detail", args=[world.grace.pk]), {"revoke": own.pk})
    assert not Membership.objects.filter(pk=own.pk).exists()  # another administrator can


def test_a_bad_revoke_value_is_a_404_not_an_error(world, console_as):
    client = console_as(world.grace)
    page = reverse("accounts:user-detail", args=[world.alice.pk])
    assert client.post(page, {"revoke": "x\x00"}).status_code == 404
    assert client.post(page, {"revoke": "99999999"}).status_code == 404
