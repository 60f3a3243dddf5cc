"""Likely duplicate persons: the nightly detection (each kind of match, households left out, dismissed pairs stay
dismissed), the supervisor's list and comparison (scoped, masked, unmask logged) and the decisions."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from casework import services
from casework.duplicates import duplicates_detect
from casework.models import DuplicateCandidate, PersonalDataAccess
from casework.services_duplicates import duplicate_dismiss, duplicate_merge
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


# --- Merging ---------------------------------------------------------------------------------------------------

D = datetime.date
REASON_PREFIX = "merge: person"


def _program(code="dalian_job_seeking_startup_subsidy"):
    from benefits.models import Program

    return Program.objects.get(code=code)


def grant_of(world, person, *, program=None, status="active", once=False, line=True):
    """An approved application, its grant and (``line``) one paid line, made directly: the merge moves rows, it
    does not care how they were decided."""
    from benefits.models import Application, Disbursement, Entitlement

    program = program or _program()
    application = Application.objects.create(
        person=person,
        unit=person.residence_unit,
        program=program,
        requested_start=D(2026, 9, 1),
        created_by=world.alice,
    )
    Application.objects.filter(pk=application.pk).update(
        state="approved", decided_by=world.bob, decided_on=D(2026, 9, 1)
    )
    grant = Entitlement.objects.create(
        application=application,
        person=person,
        unit=person.residence_unit,
        program=program,
        family=program.family,
        once=once,
        start=D(2026, 9, 1),
        amount_per_period=Decimal("500.00"),
        period="" if once else "month",
        approved_by=world.bob,
        approved_on=D(2026, 9, 1),
    )
    Entitlement.objects.filter(pk=grant.pk).update(status=status)
    if line:
        Disbursement.objects.create(
            entitlement=grant,
            program=program,
            person=person,
            unit=person.residence_unit,
            period=D(2026, 9, 1),
            reference=f"L{grant.pk}-202609",
            amount_cny=Decimal("500.00"),
            created_at=timezone.now(),
        )
    return grant


@pytest.fixture
def pair(world, twins):
    """The pair 赵六 (友好社区) and its mistyped copy (天津街社区), both in 李博's district, with rows on both."""
    duplicates_detect()
    return pair_of(twins["original"], twins["digit"])


def _rows_on(world, person, *, register, with_grant=True, tag=""):
    from benefits.models import FactAnswer, Lead

    services.registry_entry_add(actor=world.bob, register=register, person=person, entered_on=D(2026, 7, 10))
    services.contact_log(actor=world.bob, person=person, contacted_on=D(2026, 8, 1), channel="phone", outcome="seeking")
    services.case_note_add(actor=world.bob, person=person, text=f"记录{tag}")
    services.referral_create(
        actor=world.bob, person=person, kind="job", description=f"仓管{tag}", referred_on=D(2026, 8, 2)
    )
    services.assistance_assign(
        actor=world.bob, person=person, caseworker=world.bob, reason=f"帮扶{tag}", started_on=D(2026, 8, 3)
    )
    services.employment_record_add(actor=world.bob, person=person, status="unemployed", started_on=D(2026, 7, 1))
    program = _program()
    Lead.objects.create(
        person=person,
        program=program,
        unit=person.residence_unit,
        first_found_on=D(2026, 8, 1),
        last_found_on=D(2026, 8, 1),
    )
    for path in ("person.is_seeking_work", f"person.note{tag}"):
        FactAnswer.objects.create(
            person=person,
            path=path,
            value=True,
            source="caseworker",
            recorded_by=world.bob,
            recorded_at=timezone.now(),
        )
    if with_grant:
        return grant_of(world, person)
    return None


def test_a_merge_moves_every_kind_of_row_to_the_kept_record_with_history(world, twins, pair):
    from benefits.models import Application, Disbursement, Entitlement, FactAnswer, Lead
    from casework.models import (
        Assistance,
        CaseNote,
        Contact,
        EmploymentRecord,
        HouseholdMember,
        Person,
        Referral,
        Register,
        RegistryEntry,
    )

    keep, gone = twins["original"], twins["digit"]
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    _rows_on(world, keep, register=register, with_grant=False, tag="甲")
    grant = _rows_on(world, gone, register=register, tag="乙")
    services.household_create(actor=world.bob, unit=world.tianjinjie, members=[(gone, "head", True)])
    Person.objects.filter(pk=gone.pk).update(account=world.dan)
    gone_contact = Contact.objects.get(person=gone)

    with acting_as(world.bob):
        merged = duplicate_merge(actor=world.bob, candidate=pair, keep=keep)

    assert merged.status == DuplicateCandidate.Status.MERGED and merged.decided_by == world.bob
    gone.refresh_from_db()
    keep.refresh_from_db()
    assert gone.merged_into == keep and gone.account is None and keep.account == world.dan
    for model in (Contact, CaseNote, Referral, Assistance, EmploymentRecord, Application, Entitlement, Disbursement):
        assert not model.objects.filter(person=gone).exists(), model
        assert model.objects.filter(person=keep).count() == (
            1 if model in (Application, Entitlement, Disbursement) else 2
        )
    assert HouseholdMember.objects.get(person=keep).relation == "head"
    # one open entry on the register: the copy's, the same fact twice, closed and left with the tombstone
    assert RegistryEntry.objects.filter(person=keep, register=register).count() == 1
    twice = RegistryEntry.objects.get(person=gone)
    assert (twice.exit_reason, twice.exited_on is not None) == ("entered_in_error", True)
    # one open assistance at a time: the copy's ended and moved
    assert Assistance.objects.filter(person=keep, ended_on__isnull=True).count() == 1
    # the lead for one program: the kept one open, the copy's closed and left; answers: the kept record's stand
    assert Lead.objects.filter(person=keep).count() == 1 and Lead.objects.get(person=gone).closed_on is not None
    assert set(FactAnswer.objects.filter(person=keep).values_list("path", flat=True)) == {
        "person.is_seeking_work",
        "person.note甲",
        "person.note乙",
    }
    assert FactAnswer.objects.filter(person=gone).count() == 1
    # each moved row has a history row naming the merge, by the supervisor
    for model, pk in ((Entitlement, grant.pk), (Contact, gone_contact.pk)):
        record = model.history.filter(id=pk).order_by("-history_id").first()
        assert record.history_change_reason.startswith(REASON_PREFIX), model
        assert record.history_user == world.bob and record.person_id == keep.pk
    for person in (keep, gone):
        assert person.history.order_by("-history_id").first().history_change_reason.startswith(REASON_PREFIX)
    assert grant.disbursements.get().person_id == keep.pk


def test_the_tombstone_is_hidden_from_the_list_and_search_and_its_page_points_to_the_kept_record(
    world, twins, pair, console_as
):
    keep, gone = twins["original"], twins["digit"]
    duplicate_merge(actor=world.bob, candidate=pair, keep=keep)
    client = console_as(world.bob)
    listed = client.get(reverse("casework:person-list"), {"q": "赵六"}).content.decode()
    assert reverse("casework:person-detail", args=[keep.pk]) in listed
    assert reverse("casework:person-detail", args=[gone.pk]) not in listed
    from casework.selectors import person_list

    assert not person_list(user=world.bob, search=gone.id_number).exists()
    page = client.get(reverse("casework:person-detail", args=[gone.pk])).content.decode()
    assert 'id="merged-into"' in page and reverse("casework:person-detail", args=[keep.pk]) in page
    # the tombstone takes no part in the next detection, and the pair stays merged
    duplicates_detect()
    pair.refresh_from_db()
    assert pair.status == DuplicateCandidate.Status.MERGED
    assert not DuplicateCandidate.objects.filter(person_b=gone, status="open").exists()


def test_two_active_grants_of_one_family_refuse_the_merge_and_forced_the_database_refuses(world, twins, pair):
    from django.db import IntegrityError, transaction

    from benefits.models import Disbursement, Entitlement
    from core.errors import Conflict

    keep, gone = twins["original"], twins["digit"]
    kept_grant, gone_grant = grant_of(world, keep), grant_of(world, gone)
    with pytest.raises(Conflict) as refused:
        duplicate_merge(actor=world.bob, candidate=pair, keep=keep)
    assert refused.value.code == "two_grants_of_one_family"
    gone.refresh_from_db()
    pair.refresh_from_db()
    assert gone.merged_into is None and pair.status == DuplicateCandidate.Status.OPEN
    assert Entitlement.objects.get(pk=gone_grant.pk).person_id == gone.pk  # nothing moved
    # forced past the service, the database itself refuses one person two active grants of one family,
    # so generation can never find two grants to pay one person for one period
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.filter(pk=gone_grant.pk).update(person=keep)
    assert Disbursement.objects.filter(person=keep).count() == 1
    # once one of the two has ended, the merge goes through
    Entitlement.objects.filter(pk=gone_grant.pk).update(status="expired")
    duplicate_merge(actor=world.bob, candidate=pair, keep=keep)
    assert set(Entitlement.objects.filter(person=keep).values_list("pk", flat=True)) == {kept_grant.pk, gone_grant.pk}


def test_a_merge_needs_a_supervisor_over_both_records(world, twins, supervisors):
    from core.errors import PermissionDenied as Refused

    duplicates_detect()
    jinan = pair_of(twins["original"], twins["jinan"])  # 大连 and 济南
    for user in (world.bob, supervisors["lixia"], supervisors["xigang"], world.alice):
        with pytest.raises(Refused):
            duplicate_merge(actor=user, candidate=jinan, keep=twins["original"])
    jinan.refresh_from_db()
    assert jinan.status == DuplicateCandidate.Status.OPEN
    twins["jinan"].refresh_from_db()
    assert twins["jinan"].merged_into is None
    duplicate_merge(actor=world.sam, candidate=jinan, keep=twins["jinan"])  # a superuser over both
    twins["original"].refresh_from_db()
    assert twins["original"].merged_into == twins["jinan"]


def test_the_console_merge_asks_for_confirmation_and_a_second_click_changes_nothing(world, twins, pair, console_as):
    from casework.models import Person

    keep, gone = twins["original"], twins["digit"]
    side = "a" if pair.person_a_id == keep.pk else "b"
    client = console_as(world.bob)
    page = client.get(reverse("casework:duplicate-detail", args=[pair.pk])).content.decode()
    assert 'id="merge-a"' in page and 'id="merge-b"' in page
    url = reverse("casework:duplicate-merge", args=[pair.pk])
    client.post(url, {"keep": side})  # the box not ticked
    gone.refresh_from_db()
    assert gone.merged_into is None
    response = client.post(url, {"keep": side, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("casework:person-detail", args=[keep.pk])
    rows = Person.history.count(), DuplicateCandidate.history.count()
    again = client.post(url, {"keep": side, "confirm": "on"})  # the second click
    assert again["Location"] == reverse("casework:person-detail", args=[keep.pk])
    assert (Person.history.count(), DuplicateCandidate.history.count()) == rows
    other = "b" if side == "a" else "a"
    client.post(url, {"keep": other, "confirm": "on"})  # the other way round now: refused
    gone.refresh_from_db()
    keep.refresh_from_db()
    assert gone.merged_into == keep and keep.merged_into is None
    page = client.get(reverse("casework:duplicate-detail", args=[pair.pk])).content.decode()
    assert 'id="merge-a"' not in page


def test_an_import_of_a_merged_records_number_lands_on_the_kept_record(world, twins, pair):
    """The mistyped copy's number arrives again in a register file: the row is the kept record's, not the
    tombstone's (which would hide it)."""
    from casework.imports.services import import_commit, import_preview
    from casework.models import Register
    from tests.casework.test_imports import person_row, xlsx

    duplicate_merge(actor=world.bob, candidate=pair, keep=twins["original"])
    register = Register.objects.get(code="hard_to_employ")
    row = person_row(1, name="赵六", id_number=twins["digit"].id_number)
    run = import_preview(
        actor=world.bob, register=register, unit=world.zhongshan, uploaded_file=xlsx([row]), file_name="名单.xlsx"
    )
    import_commit(actor=world.bob, run=run, mode="valid")
    assert twins["original"].registry_entries.filter(register=register).exists()
    assert not twins["digit"].registry_entries.filter(register=register).exists()


def test_nothing_new_is_written_on_a_merged_record(world, twins, pair):
    from casework.models import Register
    from core.errors import Conflict

    duplicate_merge(actor=world.bob, candidate=pair, keep=twins["original"])
    gone = twins["digit"]
    gone.refresh_from_db()
    register = Register.objects.get(code="hard_to_employ")
    with pytest.raises(Conflict):
        services.registry_entry_add(
            actor=world.bob, register=register, person=gone, entered_on=datetime.date(2026, 12, 1)
        )
    with pytest.raises(Conflict):
        services.case_note_add(actor=world.bob, person=gone, text="不应记在这里")
    with pytest.raises(Conflict):
        services.person_update(actor=world.bob, person=gone, phone="13800000000")
    assert services.case_note_add(actor=world.bob, person=twins["original"], text="记在保留的记录上")


# --- What a merge would move, told before it is done -------------------------------------------------------------


def test_the_merge_confirmation_counts_what_moves_and_the_merge_moves_just_that(
    world, twins, pair, console_as, django_assert_num_queries
):
    from casework.models import Register
    from casework.selectors_duplicates import duplicate_get_for_user, duplicate_merge_preview

    keep, gone = twins["original"], twins["digit"]
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    _rows_on(world, keep, register=register, with_grant=False, tag="甲")
    _rows_on(world, gone, register=register, tag="乙")
    services.contact_log(actor=world.bob, person=gone, contacted_on=D(2026, 8, 9), channel="visit", outcome="seeking")
    candidate = duplicate_get_for_user(user=world.bob, candidate_id=pair.pk)
    with django_assert_num_queries(4):  # set-based: casework's rows and benefits' rows, for each way round
        preview = duplicate_merge_preview(candidate=candidate)
    moves = {row["kind"]: row["count"] for row in preview[keep.pk]}
    assert moves == {
        "assistance": 1,
        "employment": 1,
        "contacts": 2,
        "notes": 1,
        "referrals": 1,
        "applications": 1,
        "entitlements": 1,
        "disbursements": 1,
        "fact_answers": 1,  # the copy's answer to the question both answered stays with it
    }  # its open register entry and open lead are the kept record's own again: they stay, closed

    # the console says it, in Chinese, in the form that keeps this record
    side = "a" if pair.person_a_id == keep.pk else "b"
    page = console_as(world.bob).get(
        reverse("casework:duplicate-detail", args=[pair.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    form = page.content.decode().split(f'id="merge-{side}"', 1)[1].split("</form>", 1)[0]
    for text in ("联系记录：2", "申请：1", "待遇：1", "发放明细：1", "已记录的核实信息：1"):
        assert text in form, text
    assert "台账记录" not in form

    merged = duplicate_merge(actor=world.bob, candidate=pair, keep=keep)
    assert {kind: n for kind, n in merged.moved.items() if n} == moves


def test_a_record_with_nothing_on_it_is_said_to_move_nothing(world, twins, pair, console_as):
    page = console_as(world.bob).get(reverse("casework:duplicate-detail", args=[pair.pk])).content.decode()
    assert page.count("另一条记录上没有其他登记内容") == 2  # each way round


# --- The API ------------------------------------------------------------------------------------------------------

OUTSIDE = "两条记录之一不在您的辖区内：须由同时管辖两者的主管合并。"


def test_the_api_lists_the_pairs_of_the_supervisors_area_masked_in_a_fixed_number_of_queries(
    world, twins, supervisors, api_as, django_assert_num_queries
):
    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    duplicates_detect()
    url = reverse("api:casework:duplicate-list")
    bob = api_as(world.bob)
    with CaptureQueriesContext(connection) as queries:
        listed = bob.get(url)
    assert listed.status_code == 200
    body = listed.content.decode()
    for person in twins.values():
        assert person.id_number not in body
    digit, jinan = pair_of(twins["original"], twins["digit"]), pair_of(twins["original"], twins["jinan"])
    rows = {row["id"]: row for row in listed.json()["results"]}
    assert set(rows) == set(DuplicateCandidate.objects.values_list("pk", flat=True))
    assert rows[digit.pk]["reasons"] == ["id_digit"] and rows[digit.pk]["person_a"]["in_area"]
    assert rows[digit.pk]["person_a"]["id_number_masked"] == twins["original"].masked_id_number
    assert rows[jinan.pk]["person_b"] == {
        "id": twins["jinan"].pk,
        "name": "赵六",
        "id_number_masked": twins["jinan"].masked_id_number,
        "birth_date": "1985-03-04",
        "city": "济南市",
        "in_area": False,
        "unit": None,  # another city's record: only what matched
        "record": None,
    }
    # more pairs, the same number of queries
    for i in range(4):
        make_person(world.youhao, "孙一", phone=f"1381111{i:04d}", bank_account="6222020200112233445")
    duplicates_detect()
    bob = api_as(world.bob)
    with django_assert_num_queries(len(queries)):
        more = bob.get(url)
    assert len(more.json()["results"]) > len(rows)

    lixia = {row["id"]: row for row in api_as(supervisors["lixia"]).get(url).json()["results"]}
    # 济南's 赵六 with each 赵六 of 大连
    across = DuplicateCandidate.objects.filter(Q(person_a=twins["jinan"]) | Q(person_b=twins["jinan"]))
    assert set(lixia) == set(across.values_list("pk", flat=True)) and jinan.pk in lixia
    assert lixia[jinan.pk]["person_a"]["unit"] is None and lixia[jinan.pk]["person_b"]["unit"]["name"] == "芙蓉社区"
    assert api_as(supervisors["lixia"]).get(f"{url}?status=merged").json()["results"] == []
    assert api_as(supervisors["xigang"]).get(url).json()["results"] == []
    assert api_as(world.bob).get(f"{url}?status=nope").status_code == 400
    for user in (world.alice, world.dan):  # a caseworker, an applicant
        refused = api_as(user).get(url)
        assert refused.status_code == 403 and refused.json()["message"] == "只有本辖区的主管或管理员可以处理疑似重复。"
    from rest_framework.test import APIClient

    assert APIClient().get(url).status_code == 401


def test_the_api_shows_one_pair_side_by_side(world, twins, supervisors, api_as):
    duplicates_detect()
    digit, jinan = pair_of(twins["original"], twins["digit"]), pair_of(twins["original"], twins["jinan"])
    detail = api_as(world.bob).get(reverse("api:casework:duplicate-detail", args=[digit.pk]))
    assert detail.status_code == 200
    pair = detail.json()
    assert (pair["can_dismiss"], pair["can_merge"]) == (True, True)
    assert {p["keep"] for p in pair["merge_previews"]} == {twins["original"].pk, twins["digit"].pk}
    record = pair["person_a"]["record"]
    assert record["unit"]["name"] == "友好社区" and record["phone_masked"] == twins["original"].masked_phone
    assert twins["original"].id_number not in detail.content.decode()

    across = api_as(supervisors["lixia"]).get(reverse("api:casework:duplicate-detail", args=[jinan.pk]))
    assert across.status_code == 200
    assert (across.json()["can_dismiss"], across.json()["can_merge"], across.json()["merge_previews"]) == (
        True,
        False,
        [],
    )
    assert across.json()["person_a"]["record"] is None and world.youhao.name not in across.content.decode()
    assert across.json()["person_b"]["record"]["unit"]["name"] == "芙蓉社区"
    for user, status in ((supervisors["xigang"], 404), (world.alice, 403), (world.erin, 403)):
        assert api_as(user).get(reverse("api:casework:duplicate-detail", args=[digit.pk])).status_code == status
    assert api_as(world.bob).get(reverse("api:casework:duplicate-detail", args=[999999])).status_code == 404


def test_the_api_dismisses_and_merges_with_the_services_refusals(world, twins, supervisors, api_as):
    from casework.models import Person

    duplicates_detect()
    digit, swap = pair_of(twins["original"], twins["digit"]), pair_of(twins["original"], twins["swap"])
    jinan = pair_of(twins["original"], twins["jinan"])
    dismiss = reverse("api:casework:duplicate-dismiss", args=[digit.pk])
    assert api_as(world.alice).post(dismiss, {"note": "x"}, format="json").status_code == 403
    assert api_as(supervisors["xigang"]).post(dismiss, {"note": "x"}, format="json").status_code == 404
    bad = api_as(world.bob).post(dismiss, {"note": "双胞\x00胎"}, format="json")
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["note"]
    done = api_as(world.bob).post(dismiss, {"note": "双胞胎", "status": "merged"}, format="json")
    assert done.status_code == 200 and (done.json()["status"], done.json()["note"]) == ("dismissed", "双胞胎")
    digit.refresh_from_db()
    assert (digit.status, digit.decided_by) == ("dismissed", world.bob)
    assert digit.history.first().history_user == world.bob

    keep, gone = twins["original"], twins["swap"]
    merge = reverse("api:casework:duplicate-merge", args=[swap.pk])
    for body in ({"keep": twins["digit"].pk}, {"keep": "abc"}, {"keep": 2**40}, {}):
        refused = api_as(world.bob).post(merge, body, format="json")
        assert refused.status_code == 400 and list(refused.json()["fields"]) == ["keep"], refused.json()
    refused = api_as(world.bob).post(merge, {"keep": twins["digit"].pk}, format="json")  # not of this pair
    assert refused.json()["fields"]["keep"] == ["请保留这一对记录中的一条。"]
    decided = api_as(world.bob).post(
        reverse("api:casework:duplicate-merge", args=[digit.pk]), {"keep": keep.pk}, format="json"
    )
    assert decided.status_code == 409 and decided.json()["code"] == "decided"
    across = api_as(supervisors["lixia"]).post(
        reverse("api:casework:duplicate-merge", args=[jinan.pk]), {"keep": twins["jinan"].pk}, format="json"
    )
    assert across.status_code == 403 and across.json()["message"] == OUTSIDE
    services.contact_log(actor=world.bob, person=gone, contacted_on=D(2026, 8, 1), channel="phone", outcome="seeking")
    merged = api_as(world.bob).post(merge, {"keep": keep.pk}, format="json")
    assert merged.status_code == 200, merged.json()
    assert (merged.json()["status"], merged.json()["moved"]["contacts"]) == ("merged", 1)
    assert Person.objects.get(pk=gone.pk).merged_into_id == keep.pk
    again = api_as(world.bob).post(merge, {"keep": keep.pk}, format="json")  # the second click
    assert again.status_code == 200 and again.json()["moved"] == {}
    other = api_as(world.bob).post(merge, {"keep": gone.pk}, format="json")
    assert other.status_code == 409
