"""Change requests (信息变更申请): asked by the person or for them, applied through the console's own services or
refused with a reason; a changed bank account pays nothing until a second person confirms it; a change that
may end a grant raises a review the caseworker decides."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership, Notification, Role
from benefits.applications.services import application_approve
from benefits.changes import grant_review_end, grant_review_keep
from benefits.models import Disbursement, Entitlement, GrantReview, PaymentException
from benefits.payments.services.batches import batch_approve, batch_export
from benefits.payments.services.generation import disbursements_generate
from casework import services as casework
from casework.models import AccountChange, ChangeRequest, FollowUp, Person
from casework.services_changes import (
    CODE_MAX_ATTEMPTS,
    account_change_code_confirm,
    account_change_confirm,
    account_change_revert,
    change_request_apply,
    change_request_refuse,
    change_request_submit,
    change_request_withdraw,
)
from core.errors import Conflict, PermissionDenied
from tests.factories import UserFactory

from .test_scenarios import FLEXIBLE, flexible_graduate
from .workflow import recommended

pytestmark = pytest.mark.django_db
D = datetime.date
OLD, NEW = "6222021234567890123", "6217000099998888777"


@pytest.fixture
def claimed(world, graduate):
    """张三, claimed in the portal by dan, with an account on file."""
    Person.objects.filter(pk=graduate.pk).update(account=world.dan, bank_account=OLD)
    return Person.objects.get(pk=graduate.pk)


@pytest.fixture
def colleague(world):
    """柯林, a second caseworker of 友好社区."""
    user = UserFactory(username="colin", full_name="柯林")
    Membership.objects.create(user=user, unit=world.youhao, role=Role.CASEWORKER)
    return user


def open_items(person, kind):
    return FollowUp.objects.filter(person=person, kind=kind, done_at__isnull=True).count()


def sms_code(phone: str) -> str:
    """The code of the latest SMS to ``phone`` that carries one."""
    for text in (
        Notification.objects.filter(channel="sms", address=phone).order_by("-pk").values_list("body", flat=True)
    ):
        if found := re.search(r"(?<!\d)(\d{6})(?!\d)", text):
            return found.group(1)
    raise AssertionError(f"no code was sent to {phone}")


# --- Asking and deciding ----------------------------------------------------------------------------------------


def test_a_phone_change_is_applied_through_the_edit_service_with_the_request_named(world, claimed):
    request = change_request_submit(
        actor=world.dan, person=claimed, kind="phone", values={"phone": "139 0000 2222"}, statement="换号了"
    )
    assert (request.status, request.proposed, request.on_file) == (
        "submitted",
        {"phone": "13900002222"},
        {"phone": "13812341234"},
    )
    assert open_items(claimed, "change_request") == 1
    change_request_apply(actor=world.alice, change_request=request, note="核对身份证")
    claimed.refresh_from_db()
    request.refresh_from_db()
    assert (claimed.phone, request.status, request.decided_by, request.decision_note) == (
        "13900002222",
        "applied",
        world.alice,
        "核对身份证",
    )
    latest = claimed.history.first()
    assert (latest.phone, latest.history_user, latest.history_change_reason) == (
        "13900002222",
        world.alice,
        f"change request #{request.pk}",
    )
    assert open_items(claimed, "change_request") == 0  # closed in the same transaction


def test_bad_values_name_their_field_and_store_nothing(world, claimed):
    cases = [
        ("phone", {"phone": "12345"}, "phone"),
        ("bank_account", {"bank_account": "abc"}, "bank_account"),
        ("employment", {"status": "employed", "started_on": "9999-01-01"}, "started_on"),
        ("employment", {"status": "boss", "started_on": "2026-01-01"}, "status"),
        ("education", {"education": "bachelor", "school": "大学\x00"}, "school"),
        ("household", {"action": "add", "id_number": "210202199001010015", "name": "李"}, "id_number"),
        ("address", {"address": "", "residence_unit": world.furong.pk}, "address"),
    ]
    for kind, values, field in cases:
        with pytest.raises(ValidationError) as error:
            change_request_submit(actor=world.dan, person=claimed, kind=kind, values=values)
        assert field in error.value.message_dict, (kind, values)
    assert not ChangeRequest.objects.exists()


def test_only_the_person_and_their_caseworkers_ask_and_one_open_request_per_kind(world, claimed):
    with pytest.raises(PermissionDenied):
        change_request_submit(actor=world.erin, person=claimed, kind="phone", values={"phone": "13900002222"})
    with pytest.raises(PermissionDenied):
        change_request_submit(actor=world.carol, person=claimed, kind="phone", values={"phone": "13900002222"})
    change_request_submit(actor=world.dan, person=claimed, kind="phone", values={"phone": "13900002222"})
    with pytest.raises(Conflict):
        change_request_submit(actor=world.alice, person=claimed, kind="phone", values={"phone": "13900003333"})


def test_a_refusal_needs_a_reason_and_the_raiser_does_not_decide_their_own(world, claimed, colleague):
    request = change_request_submit(
        actor=world.alice, person=claimed, kind="address", values={"address": "友好路1号"}, statement="电话告知"
    )
    with pytest.raises(PermissionDenied, match="另一名经办人"):
        change_request_apply(actor=world.alice, change_request=request)
    with pytest.raises(ValidationError):
        change_request_refuse(actor=colleague, change_request=request, reason="  ")
    change_request_refuse(actor=colleague, change_request=request, reason="地址与户籍证明不符")
    request.refresh_from_db()
    claimed.refresh_from_db()
    assert (request.status, request.decision_note, claimed.address) == ("refused", "地址与户籍证明不符", "")
    with pytest.raises(Conflict):
        change_request_apply(actor=colleague, change_request=request)


def test_a_withdrawn_request_closes_its_worklist_item_and_a_new_one_can_be_asked(world, claimed):
    request = change_request_submit(actor=world.dan, person=claimed, kind="phone", values={"phone": "13900002222"})
    change_request_withdraw(actor=world.dan, change_request=request)
    assert open_items(claimed, "change_request") == 0
    again = change_request_submit(actor=world.dan, person=claimed, kind="phone", values={"phone": "13900002222"})
    assert open_items(claimed, "change_request") == 1 and again.pk != request.pk


def test_a_move_and_a_household_member_go_through_the_console_services(world, claimed, people):
    move = change_request_submit(
        actor=world.dan,
        person=claimed,
        kind="address",
        values={"address": "天津街2号", "residence_unit": world.tianjinjie.pk, "resident_since": "2026-10-01"},
    )
    change_request_apply(actor=world.bob, change_request=move)  # both communities are in bob's area
    claimed.refresh_from_db()
    assert (claimed.residence_unit, claimed.resident_since, claimed.address) == (
        world.tianjinjie,
        D(2026, 10, 1),
        "天津街2号",
    )
    li = people["li"]
    member = change_request_submit(
        actor=world.dan,
        person=claimed,
        kind="household",
        values={"action": "add", "id_number": li.id_number, "name": li.name, "relation": "spouse"},
    )
    change_request_apply(actor=world.bob, change_request=member)
    household = claimed.household_membership.household
    assert sorted(household.members.values_list("person__name", "relation")) == [("张三", "head"), ("李四", "spouse")]


# --- Bank accounts ---------------------------------------------------------------------------------------------


@pytest.fixture
def grant_paid_to_old(world, claimed, finance):
    """张三's monthly grant (1,000 CNY from 2026-11-21), November paid to the old account."""
    from .workflow import monthly_grant

    grant = monthly_grant(world, claimed, end=D(2027, 6, 20))
    Entitlement.objects.filter(pk=grant.pk).update(max_periods=6)
    disbursements_generate(month=D(2026, 11, 1), actor=world.bob)
    return grant


def change_account(world, person, account=NEW):
    request = change_request_submit(
        actor=world.dan, person=person, kind="bank_account", values={"bank_account": account}
    )
    change_request_apply(actor=world.alice, change_request=request, note="银行卡复印件已核对")
    return AccountChange.objects.get(change_request=request)


def test_a_new_account_holds_the_payments_until_a_second_staff_member_confirms_it(
    world, claimed, grant_paid_to_old, colleague
):
    change = change_account(world, claimed)
    claimed.refresh_from_db()
    assert (claimed.bank_account, change.status, change.old_account, change.made_by) == (
        NEW,
        "pending",
        OLD,
        world.alice,
    )
    assert open_items(claimed, "account_confirm") == 1

    december = disbursements_generate(month=D(2026, 12, 1), actor=world.bob)
    assert december["created"] == 0 and december["account_held"] == 1
    held = PaymentException.objects.get(kind="new_account")
    assert (held.entitlement_id, held.resolved_at, held.content["periods"]) == (grant_paid_to_old.pk, None, 1)
    assert disbursements_generate(month=D(2026, 12, 1), actor=world.bob)["account_held"] == 0  # held once

    with pytest.raises(PermissionDenied, match="另一名工作人员"):
        account_change_confirm(actor=world.alice, change=change)  # who applied it does not confirm it
    with pytest.raises(PermissionDenied):
        account_change_confirm(actor=world.dan, change=change)
    account_change_confirm(actor=colleague, change=change)
    held.refresh_from_db()
    assert held.resolved_by == colleague and held.resolved_at is not None
    assert open_items(claimed, "account_confirm") == 0

    january = disbursements_generate(month=D(2027, 1, 1), actor=world.bob)
    assert january["created"] == 2  # December held, now paid with January
    assert sorted(Disbursement.objects.values_list("period", flat=True)) == [
        D(2026, 11, 1),
        D(2026, 12, 1),
        D(2027, 1, 1),
    ]


def test_a_request_that_redirects_money_is_reverted_and_nothing_reaches_the_new_account(
    world, claimed, grant_paid_to_old, colleague, finance
):
    """Someone with dan's password asks for a new account; the caseworker applies it; finance cannot export a
    line to it, and the colleague who calls 张三 reverts it: the old account is back and paid."""
    change = change_account(world, claimed, account="6200000000000000666")
    november = Disbursement.objects.get().batch
    batch_approve(actor=finance, batch=november)
    with pytest.raises(Conflict, match="second person"):
        batch_export(actor=finance, batch=november)
    account_change_revert(actor=colleague, change=change, reason="本人电话确认未申请变更")
    claimed.refresh_from_db()
    change.refresh_from_db()
    assert (claimed.bank_account, change.status, change.reverted_by) == (OLD, "reverted", colleague)
    assert claimed.history.first().history_change_reason == f"account change #{change.pk} reverted"
    batch_export(actor=finance, batch=november)
    assert OLD.encode() in november.__class__.objects.get(pk=november.pk).export_csv


def test_the_person_confirms_with_the_code_sent_to_the_old_phone(world, claimed, grant_paid_to_old):
    change = change_account(world, claimed)
    assert change.sms_phone == "13812341234"  # the phone on file before the change
    code = sms_code("13812341234")
    with pytest.raises(ValidationError):
        account_change_code_confirm(actor=world.dan, change=change, code="000000" if code != "000000" else "111111")
    change.refresh_from_db()
    assert change.sms_attempts == 1  # kept although the request failed
    with pytest.raises(PermissionDenied):
        account_change_code_confirm(actor=world.erin, change=change, code=code)
    account_change_code_confirm(actor=world.dan, change=change, code=code)
    change.refresh_from_db()
    assert (change.status, change.confirmed_via, change.confirmed_by) == ("confirmed", "sms", world.dan)


def test_wrong_codes_lock_the_sms_route(world, claimed):
    change = change_account(world, claimed)
    right = sms_code("13812341234")
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            account_change_code_confirm(actor=world.dan, change=change, code=wrong)
    with pytest.raises(PermissionDenied, match="次数过多"):
        account_change_code_confirm(actor=world.dan, change=change, code=right)


def test_no_code_goes_to_a_phone_changed_within_thirty_days(world, claimed):
    phone = change_request_submit(actor=world.dan, person=claimed, kind="phone", values={"phone": "13900002222"})
    change_request_apply(actor=world.alice, change_request=phone)
    change = change_account(world, claimed)
    assert (change.sms_phone, change.sms_digest) == ("", "")  # only a second staff member can confirm it


def test_a_console_edit_of_the_account_waits_for_confirmation_too(world, claimed, colleague):
    casework.person_update(actor=world.alice, person=claimed, bank_account=NEW)
    change = AccountChange.objects.get(person=claimed)
    assert (change.status, change.change_request, change.old_account) == ("pending", None, OLD)
    with pytest.raises(Conflict):
        casework.person_update(actor=colleague, person=claimed, bank_account="6200000000000000777")
    account_change_confirm(actor=colleague, change=change)


# --- Re-screening ------------------------------------------------------------------------------------------------


@pytest.fixture
def flexible_grant(world):
    """甲, a 2026 graduate in flexible work, with an approved flexible-employment social-insurance subsidy."""
    person = flexible_graduate(world, world.youhao, "甲", D(2026, 1, 10), D(2026, 6, 1))
    Person.objects.filter(pk=person.pk).update(account=world.dan)
    application = recommended(world, person, code=FLEXIBLE)
    application_approve(actor=world.bob, application=application)
    return Entitlement.objects.get(application=application)


def test_a_job_found_raises_a_review_of_the_grant_and_nothing_ends_by_itself(world, flexible_grant, colleague):
    person = flexible_grant.person
    request = change_request_submit(
        actor=world.dan,
        person=person,
        kind="employment",
        values={"status": "employed", "started_on": "2026-11-01", "employer_name": "大连某公司"},
    )
    change_request_apply(actor=world.alice, change_request=request)
    review = GrantReview.objects.get(entitlement=flexible_grant)
    flexible_grant.refresh_from_db()
    assert (review.status, review.change_request, flexible_grant.status) == ("open", request, "active")
    assert review.reasons and all(reason["met"] is False for reason in review.reasons)
    assert open_items(person, "grant_review") == 1

    with pytest.raises(PermissionDenied):
        grant_review_end(actor=world.alice, review=review, note="已就业")  # ending is a supervisor's step
    grant_review_end(actor=world.bob, review=review, note="已在企业就业")
    review.refresh_from_db()
    flexible_grant.refresh_from_db()
    assert (review.status, review.decided_by, flexible_grant.status) == ("ended", world.bob, "terminated")
    assert open_items(person, "grant_review") == 0


def test_a_review_can_keep_the_grant_with_a_reason(world, flexible_grant):
    person = flexible_grant.person
    request = change_request_submit(
        actor=world.dan, person=person, kind="employment", values={"status": "employed", "started_on": "2026-11-01"}
    )
    change_request_apply(actor=world.alice, change_request=request)
    review = GrantReview.objects.get()
    with pytest.raises(ValidationError):
        grant_review_keep(actor=world.alice, review=review, note="")
    grant_review_keep(actor=world.alice, review=review, note="劳动合同为非全日制，仍属灵活就业")
    review.refresh_from_db()
    assert (review.status, Entitlement.objects.get(pk=flexible_grant.pk).status) == ("kept", "active")
    assert open_items(person, "grant_review") == 0


def test_a_change_that_leaves_the_grant_eligible_raises_nothing(world, flexible_grant):
    request = change_request_submit(
        actor=world.dan, person=flexible_grant.person, kind="address", values={"address": "友好路3号"}
    )
    change_request_apply(actor=world.alice, change_request=request)
    assert not GrantReview.objects.exists()
