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
