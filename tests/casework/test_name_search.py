"""Partial-name search finds exactly what ``name__contains`` finds, on SQLite and on PostgreSQL (where one and two
characters go through the name-characters index of migration 0004)."""

import pytest
from django.urls import reverse

from casework.models import Person
from casework.selectors import person_search_filter

from ..factories import make_id_number, make_person

pytestmark = pytest.mark.django_db
NAMES = ["王伟", "伟王", "王小伟", "李四", "欧阳娜娜", "Anna", "50%王", "王_伟"]


@pytest.mark.parametrize(
    "term", ["王", "伟", "王伟", "伟王", "小伟", "王小伟", "娜娜", "nn", "A", "%", "_", "%王", "阳娜娜"]
)
def test_a_name_search_finds_exactly_the_names_containing_the_term(world, term):
    for n, name in enumerate(NAMES):
        make_person(world.youhao, name, id_number=make_id_number(sequence=200 + n))
    found = set(Person.objects.filter(person_search_filter(term)).values_list("name", flat=True))
    assert found == {name for name in NAMES if term in name}
    assert found == set(Person.objects.filter(name__contains=term).values_list("name", flat=True))


def test_a_name_is_found_by_its_pinyin_and_its_initials(world, console_as):
    from casework.models import Person
    from casework.selectors import person_list

    liao = make_person(world.youhao, "廖军")
    zeng = make_person(world.youhao, "曾小明", id_number=make_id_number(sequence=77))
    make_person(world.youhao, "李娜", id_number=make_id_number(sequence=78))
    found = {query: set(person_list(user=world.alice, search=query)) for query in ("liao", "LJ", "liaojun", "zxm")}
    assert found == {"liao": {liao}, "LJ": {liao}, "liaojun": {liao}, "zxm": {zeng}}  # 曾 as a surname: zeng
    assert set(person_list(user=world.alice, search="l")) == set()  # one letter is not a search
    page = console_as(world.alice).get(reverse("casework:person-list"), {"q": "lj"}).content.decode()
    assert "廖军" in page and "李娜" not in page
    liao.name = "廖俊峰"
    liao.save(update_fields=["name"])
    assert Person.objects.filter(name_initials="ljf").get() == liao  # a new name, its pinyin with it
