import datetime

import pytest

from ..factories import make_employer


@pytest.fixture
def records(world, people):
    """张三 in a household (nobody at work), an employer, and 张三 on the unemployed-graduates register."""
    from casework import services
    from casework.models import Register

    zhang = people["zhang"]
    household = services.household_create(actor=world.alice, unit=world.youhao, members=[(zhang, "head", True)])
    organization = make_employer(world.youhao, actor=world.alice)
    graduates = Register.objects.get(code="unemployed_graduates_after_leaving")
    entry = services.registry_entry_add(
        actor=world.alice, register=graduates, person=zhang, entered_on=datetime.date(2026, 7, 1)
    )
    return {"person": zhang, "household": household, "organization": organization, "entry": entry}
