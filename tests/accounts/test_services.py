"""Writes to accounts go through services that keep the tree consistent and check who may make them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Membership, ServiceUnit
from accounts.permissions import can_administer_unit, can_view_unit, has_role
from accounts.services import membership_grant, unit_create, unit_update
from core.errors import PermissionDenied

pytestmark = pytest.mark.django_db
L = ServiceUnit.Level


def test_unit_paths_nest_and_city_code_is_inherited(world):
    assert world.youhao.path == f"/{world.dalian.pk}/{world.zhongshan.pk}/{world.qingniwa.pk}/{world.youhao.pk}/"
    assert world.youhao.city_code == "dalian"
    assert world.youhao.full_name() == "大连市 / 中山区 / 青泥洼桥街道 / 友好社区"
    assert world.youhao.depth == 3


@pytest.mark.parametrize(
    ("parent_name", "level"),
    [
        ("dalian", L.STREET),
        ("dalian", L.COMMUNITY),
        ("zhongshan", L.COMMUNITY),
        ("youhao", L.COMMUNITY),
        ("qingniwa", L.CITY),
    ],
)
def test_a_unit_must_be_exactly_one_level_below_its_parent(world, parent_name, level):
    before = ServiceUnit.objects.count()
    with pytest.raises(ValidationError) as error:
        unit_create(name="新单位", level=level, parent=getattr(world, parent_name))
    assert "level" in error.value.message_dict
    assert ServiceUnit.objects.count() == before


def test_only_a_city_has_no_parent(db):
    with pytest.raises(ValidationError) as error:
        unit_create(name="孤儿区", level=L.DISTRICT, city_code="x")
    assert "parent" in error.value.message_dict
    assert not ServiceUnit.objects.exists()


@pytest.mark.parametrize("code", ["21020", "2102021", "21020A", "2102021234567"])
def test_region_code_format_is_checked(world, code):
    with pytest.raises(ValidationError) as error:
        unit_create(name="新区", level=L.DISTRICT, parent=world.dalian, region_code=code)
    assert "region_code" in error.value.message_dict


def test_sibling_names_are_unique(world):
    with pytest.raises(ValidationError):
        unit_create(name="中山区", level=L.DISTRICT, parent=world.dalian)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ServiceUnit.objects.create(name="中山区", level=L.DISTRICT, parent=world.dalian, city_code="dalian", path="/x/")


def test_database_refuses_a_parentless_district(db):
    with transaction.atomic(), pytest.raises(IntegrityError):
        ServiceUnit.objects.create(name="区", level=L.DISTRICT, city_code="x", path="/y/")


def test_only_administrators_above_a_unit_may_change_it(world):
    with pytest.raises(PermissionDenied):
        unit_create(name="新社区", level=L.COMMUNITY, parent=world.qingniwa, actor=world.bob)
    with pytest.raises(PermissionDenied):
        unit_update(unit=world.youhao, actor=world.alice, name="改名")
    unit = unit_create(name="新社区", level=L.COMMUNITY, parent=world.qingniwa, actor=world.grace)
    assert unit.parent == world.qingniwa
    unit_update(unit=unit, actor=world.grace, name="更新社区")
    unit.refresh_from_db()
    assert unit.name == "更新社区"


def test_unit_update_refuses_fields_that_move_the_tree(world):
    with pytest.raises(ValidationError) as error:
        unit_update(unit=world.youhao, actor=world.grace, parent=world.furong)
    assert "parent" in error.value.message_dict
    world.youhao.refresh_from_db()
    assert world.youhao.parent == world.qingniwa


def test_membership_grant_is_idempotent_and_checked(world):
    first = membership_grant(user=world.alice, unit=world.tianjinjie, role="caseworker", actor=world.grace)
    again = membership_grant(user=world.alice, unit=world.tianjinjie, role="caseworker", actor=world.grace)
    assert first.pk == again.pk
    with pytest.raises(PermissionDenied):
        membership_grant(user=world.alice, unit=world.furong, role="caseworker", actor=world.grace)
    with pytest.raises(ValidationError):
        membership_grant(user=world.dan, unit=world.youhao, role="caseworker", actor=world.grace)
    assert not Membership.objects.filter(user=world.dan).exists()


def test_permission_predicates_give_a_reason(world):
    assert can_view_unit(world.bob, world.youhao) == (True, "")
    allowed, reason = can_view_unit(world.alice, world.furong)
    assert allowed is False and reason
    allowed, reason = can_administer_unit(world.bob, world.youhao)
    assert allowed is False and reason
    assert can_administer_unit(world.grace, world.youhao)[0] is True
    assert has_role(world.bob, "supervisor", world.youhao)
    assert not has_role(world.bob, "supervisor", world.xigang)
    assert not has_role(world.alice, "supervisor")
