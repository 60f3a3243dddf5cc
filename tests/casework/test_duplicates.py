"""Likely duplicate persons: the nightly detection (each kind of match, households left out, dismissed pairs stay
dismissed), the supervisor's list and comparison (scoped, masked, unmask logged) and the decisions."""

import pytest
from django.urls import reverse
from stdnum.cn import ric

from casework import services
from casework.duplicates import duplicates_detect
from casework.models import DuplicateCandidate, PersonalDataAccess
from casework.services_duplicates import duplicate_dismiss
from core.actor import acting_as
from core.errors import PermissionDenied

from ..factories import make_person

pytestmark = pytest.mark.django_db

BIRTH = "19850304"


def id_of(body: str) -> str:
    """A valid ID number for a 17-character body (the check digit computed, as a real record's would be)."""
    return body + ric.calc_check_digit(body + "0")


def pair_of(one, other) -> DuplicateCandidate:
    low, high = sorted([one.pk, other.pk])
    return DuplicateCandidate.objects.get(person_a_id=low, person_b_id=high)


def reasons_of(one, other) -> set[str]:
    return set(pair_of(one, other).reasons.split(","))


@pytest.fixture
def twins(world):
    """A record and its copies: one body digit mistyped, two neighbouring digits swapped (same name, birth
    date, city); the same name and birth date in 济南 with an unrelated number; someone with another name."""
    original = make_person(world.youhao, "赵六", id_number=id_of(f"210202{BIRTH}015"))
    return {
        "original": original,
        "digit": make_person(world.tianjinjie, "赵六", id_number=id_of(f"210203{BIRTH}015")),
        "swap": make_person(world.youhao, "赵六", id_number=id_of(f"210202{BIRTH}105")),
        "jinan": make_person(world.furong, "赵六", id_number=id_of(f"370102{BIRTH}733")),
        "far": make_person(world.youhao, "赵六", id_number=id_of(f"210202{BIRTH}987")),  # same city, far number
        "other": make_person(world.youhao, "钱七", id_number=id_of(f"210202{BIRTH}017")),
    }


def test_each_kind_of_near_id_and_the_two_cities_are_found(world, twins):
    result = duplicates_detect()
    t = twins
    assert reasons_of(t["original"], t["digit"]) == {"id_digit"}
    assert reasons_of(t["original"], t["swap"]) == {"id_swap"}
    assert reasons_of(t["original"], t["jinan"]) == {"two_cities"}
    # far numbers in one city, and another name one digit away, are not pairs
    assert not DuplicateCandidate.objects.filter(person_a=t["original"], person_b=t["far"]).exists()
    assert not DuplicateCandidate.objects.filter(person_a=t["original"], person_b=t["other"]).exists()
    assert result["new"] == DuplicateCandidate.objects.count()
    assert pair_of(t["original"], t["digit"]).status == DuplicateCandidate.Status.OPEN


def test_a_shared_phone_or_bank_account_outside_one_household_is_found_inside_it_is_not(world):
    a = make_person(world.youhao, "孙一", phone="13811112222", bank_account="6222020200112233445")
    b = make_person(world.tianjinjie, "周二", phone="13811112222")
    c = make_person(world.youhao, "吴三", bank_account="6222020200112233445")
    # a household sharing its phone and account: members are not duplicates of each other
    d = make_person(world.youhao, "郑四", phone="13533334444", bank_account="6217000011112222")
    e = make_person(world.youhao, "郑五", phone="13533334444", bank_account="6217000011112222")
    services.household_create(actor=world.alice, unit=world.youhao, members=[(d, "head", True), (e, "spouse", True)])
    duplicates_detect()
    assert reasons_of(a, b) == {"phone"}
    assert reasons_of(a, c) == {"bank"}
    assert not DuplicateCandidate.objects.filter(person_a=d, person_b=e).exists()
    assert DuplicateCandidate.objects.count() == 2


def test_a_number_shared_by_many_is_not_a_sign_of_one_person(world):
    for i in range(6):  # an agency's phone on six records
        make_person(world.youhao, f"冯{'一二三四五六'[i]}", phone="13900009999")
    duplicates_detect()
    assert not DuplicateCandidate.objects.exists()


def test_a_dismissed_pair_stays_dismissed_and_a_pair_that_no_longer_matches_closes(world, twins):
    duplicates_detect()
    digit = pair_of(twins["original"], twins["digit"])
    with acting_as(world.bob):  # as a request does
        duplicate_dismiss(actor=world.bob, candidate=digit, note="不同的人")
    swap = pair_of(twins["original"], twins["swap"])
    services.person_update(actor=world.alice, person=twins["swap"], name="赵陆")  # the name corrected
    result = duplicates_detect()
    digit.refresh_from_db()
    swap.refresh_from_db()
    assert digit.status == DuplicateCandidate.Status.DISMISSED
    assert digit.decided_by == world.bob
    assert digit.history.first().history_user == world.bob
    assert swap.status == DuplicateCandidate.Status.STALE
    assert result["new"] == 0 and result["no_longer_matching"] == 2  # with 济南 too
    services.person_update(actor=world.alice, person=twins["swap"], name="赵六")
    duplicates_detect()
    swap.refresh_from_db()
    assert swap.status == DuplicateCandidate.Status.OPEN


def test_only_a_supervisor_over_one_of_the_records_dismisses(world, twins):
    duplicates_detect()
    candidate = pair_of(twins["original"], twins["digit"])
    for user in (world.alice, world.carol):
        with pytest.raises(PermissionDenied):
            duplicate_dismiss(actor=user, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN


def test_the_task_runs_the_detection(world, twins):
    from casework import tasks

    result = tasks.duplicates_detect.apply()
    assert result.successful(), result.traceback
    assert result.result["pairs"] == 6  # digit, swap, and 济南 with each 赵六 of 大连


# --- The supervisor's pages ----------------------------------------------------------------------------------


@pytest.fixture
def supervisors(world):
    """A supervisor of 西岗区 (大连, another district) and one of 历下区 (济南)."""
    from accounts.models import Role
    from accounts.services import membership_grant

    from ..factories import UserFactory

    xigang = UserFactory(username="xiao", full_name="萧西岗")
    membership_grant(user=xigang, unit=world.xigang, role=Role.SUPERVISOR)
    lixia = UserFactory(username="li.xia", full_name="黎历下")
    membership_grant(user=lixia, unit=world.lixia, role=Role.SUPERVISOR)
    return {"xigang": xigang, "lixia": lixia}


def test_the_list_is_scoped_to_the_supervisors_area(world, twins, supervisors, console_as):
    duplicates_detect()
    digit = pair_of(twins["original"], twins["digit"])
    jinan = pair_of(twins["original"], twins["jinan"])
    body = console_as(world.bob).get(reverse("casework:duplicate-list")).content.decode()
    assert f"pair-{digit.pk}" in body and f"pair-{jinan.pk}" in body
    assert twins["original"].id_number not in body
    client = console_as(supervisors["xigang"])
    body = client.get(reverse("casework:duplicate-list")).content.decode()
    assert "pair-" not in body
    assert client.get(reverse("casework:duplicate-detail", args=[digit.pk])).status_code == 404
    assert client.post(reverse("casework:duplicate-dismiss", args=[digit.pk])).status_code == 404
    # 济南's supervisor sees the pair across the two cities, not the pair inside 大连
    client = console_as(supervisors["lixia"])
    body = client.get(reverse("casework:duplicate-list")).content.decode()
    assert f"pair-{jinan.pk}" in body and f"pair-{digit.pk}" not in body
    page = client.get(reverse("casework:duplicate-detail", args=[jinan.pk])).content.decode()
    assert world.youhao.name not in page and "大连市" in page  # the other city's record: only what matched
    assert (
        client.post(reverse("casework:duplicate-unmask", args=[jinan.pk, "a"]), {"a-reason": "核对"}).status_code == 404
    )
    # caseworkers do not decide about duplicates
    assert console_as(world.alice).get(reverse("casework:duplicate-list")).status_code == 403
    assert console_as(world.carol).get(reverse("casework:duplicate-detail", args=[jinan.pk])).status_code == 403


def test_compare_masks_unmask_is_logged_and_not_a_duplicate_is_kept(world, twins, console_as):
    from django.contrib.auth.models import Permission

    duplicates_detect()
    digit = pair_of(twins["original"], twins["digit"])
    world.bob.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    client = console_as(type(world.bob).objects.get(pk=world.bob.pk))
    page = client.get(reverse("casework:duplicate-detail", args=[digit.pk])).content.decode()
    for person in (twins["original"], twins["digit"]):
        assert person.id_number not in page and person.masked_id_number in page
    shown = client.post(reverse("casework:duplicate-unmask", args=[digit.pk, "b"]), {"b-reason": "核对两条记录"})
    assert twins["digit"].id_number in shown.content.decode()
    assert twins["original"].id_number not in shown.content.decode()
    assert PersonalDataAccess.objects.filter(user=world.bob, person=twins["digit"], reason="核对两条记录").count() == 1
    response = client.post(reverse("casework:duplicate-dismiss", args=[digit.pk]), {"note": "双胞胎"})
    assert response.status_code == 302
    digit.refresh_from_db()
    assert (digit.status, digit.decided_by, digit.note) == ("dismissed", world.bob, "双胞胎")
    assert digit.history.first().history_user == world.bob
    duplicates_detect()
    digit.refresh_from_db()
    assert digit.status == "dismissed"


def test_the_pages_are_chinese(world, twins, console_as):
    from ..test_every_word_chinese import english_words

    duplicates_detect()
    client = console_as(world.bob)
    pair = pair_of(twins["original"], twins["jinan"])
    urls = [reverse("casework:duplicate-list"), reverse("casework:duplicate-detail", args=[pair.pk])]
    urls += [f"{urls[0]}?status={status}" for status in DuplicateCandidate.Status.values]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        main = response.content.decode().split('<main id="main">', 1)[1].split("</main>", 1)[0]  # not the menu
        assert english_words(main, typed={"bob"}) == set(), url
