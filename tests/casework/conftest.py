import datetime

import pytest

from ..factories import make_id_number, make_person


@pytest.fixture
def people(world):
    """Residents: 张三 and 李四 in alice's community (大连 友好社区), 王五 in carol's (济南 芙蓉社区)."""
    return {
        "zhang": make_person(world.youhao, "张三", phone="13812341234", graduation_date=None),
        "li": make_person(world.tianjinjie, "李四", phone="13900001111"),
        "wang": make_person(world.furong, "王五", phone="13700002222", id_number=make_id_number("370102")),
    }


@pytest.fixture
def records(world, people):
    """张三 in a household (nobody at work), an employer, and 张三 on the unemployed-graduates register."""
    from casework import services
    from casework.models import Register

    zhang = people["zhang"]
    household = services.household_create(actor=world.alice, unit=world.youhao, members=[(zhang, "head", True)])
    organization = services.organization_create(
        actor=world.alice,
        name="友好物流有限公司",
        kind="employer",
        uscc="91110000600037341L",
        unit=world.youhao,
        contact_phone="13612345678",
    )
    graduates = Register.objects.get(code="unemployed_graduates_after_leaving")
    entry = services.registry_entry_add(
        actor=world.alice, register=graduates, person=zhang, entered_on=datetime.date(2026, 7, 1)
    )
    return {"person": zhang, "household": household, "organization": organization, "entry": entry}
