"""A broad search across a whole city says "more than N" instead of counting every match (core.pagination): up to
the cap the count is exact and equals the list; above it the page and the API say the count stops there."""

import pytest

from accounts.models import User
from casework.models import Person
from casework.selectors import person_list
from core.pagination import CappedPaginator

from ..factories import make_id_number, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_wangs(world, settings):
    settings.CASEWORK_LIST_COUNT_CAP = 3
    return [make_person(world.youhao, f"王{n}", id_number=make_id_number(sequence=100 + n)) for n in range(5)]


def test_the_console_says_more_than_the_cap_and_counts_exactly_below_it(world, five_wangs, console_as):
    page = console_as(world.alice).get("/console/people/", {"q": "王"}).content.decode()
    assert "超过 3 人" in page
    assert page.count('href="/console/people/') >= 3  # the first page still lists them
    Person.objects.filter(name__in=["王3", "王4"]).update(name="李")
    page = console_as(world.alice).get("/console/people/", {"q": "王"}).content.decode()
    assert "超过" not in page and "3 人" in page


def test_the_api_count_stops_at_the_cap_plus_one_and_says_so(world, five_wangs, api_as):
    body = api_as(world.alice).get("/api/v1/persons/", {"search": "王"}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (4, True, 4)
    body = api_as(world.alice).get("/api/v1/persons/", {"search": "王1"}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (1, False, 1)


def test_every_page_read_keys_first_holds_the_rows_of_that_slice_in_order(world, django_assert_num_queries):
    """A page's rows come from the keys of its slice (core.pagination): the same rows, in the same order, as the
    list sliced directly, on every page, the last one short, in one query once the count is known."""

    for n in range(7):
        unit = world.youhao if n % 2 else world.tianjinjie
        make_person(unit, f"张{7 - n}", id_number=make_id_number(sequence=300 + n))
    people = person_list(user=User.objects.get(pk=world.bob.pk), search="张")
    paginator = CappedPaginator(people, 3)
    assert paginator.count == 7
    for number in (1, 2, 3):
        with django_assert_num_queries(1):
            rows = list(paginator.page(number).object_list)
        assert [row.pk for row in rows] == [row.pk for row in people[(number - 1) * 3 : number * 3]]
        assert all(row.residence_unit.path for row in rows)  # the related unit came with the rows
    assert len(paginator.page(3).object_list) == 1
