"""Complaints and suggestions (投诉/意见): filed in the portal or at the desk, an owner, a due day in working days,
escalation to the supervisors once when overdue, and the report of open, overdue and closed ones per unit."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Notification
from benefits.appeals.services import complaint_assign, complaint_close, complaint_file, complaints_escalate
from benefits.models import Complaint
from benefits.tasks import complaints_escalate_task
from casework.models import Person
from casework.workdays import add_working_days
from core.errors import Conflict, PermissionDenied

pytestmark = pytest.mark.django_db
D = datetime.date
RECEIVED = D(2026, 9, 29)  # the National Day week follows: the working days skip it


@pytest.fixture
def claimed(world, people):
    Person.objects.filter(pk=people["zhang"].pk).update(account=world.dan)
    Person.objects.filter(pk=people["li"].pk).update(account=world.erin)
    return Person.objects.get(pk=people["zhang"].pk)


def complain(world, person, **extra):
    terms = {"category": "delay", "subject": "办理太慢", "text": "等了一个月没有答复", "on": RECEIVED}
    return complaint_file(actor=world.dan, person=person, **{**terms, **extra})


def test_due_in_ten_working_days_of_the_calendar_and_told_to_the_caseworkers(world, claimed):
    complaint = complain(world, claimed)
    assert complaint.due_on == add_working_days(RECEIVED, 10) == D(2026, 10, 19)
    assert (complaint.owner, complaint.status, complaint.unit) == (None, "open", claimed.residence_unit)
    assert Notification.objects.filter(recipient=world.alice, pending=f"complaint:{complaint.pk}:assign").exists()


def test_only_the_party_or_staff_of_the_unit_file(world, claimed):
    with pytest.raises(PermissionDenied):
        complaint_file(actor=world.erin, person=claimed, category="other", subject="x", text="y")
    with pytest.raises(PermissionDenied):
        complaint_file(actor=world.carol, person=claimed, category="other", subject="x", text="y")
    by_alice = complaint_file(actor=world.alice, person=claimed, category="attitude", subject="态度", text="窗口")
    assert by_alice.owner == world.alice


def test_owner_answers_and_closes(world, claimed):
    complaint = complain(world, claimed)
    with pytest.raises(PermissionDenied):
        complaint_assign(actor=world.carol, complaint=complaint, owner=world.carol)
    with pytest.raises(Exception, match="owner"):
        complaint_assign(actor=world.alice, complaint=complaint, owner=world.carol)  # another city's caseworker
    complaint_assign(actor=world.bob, complaint=complaint, owner=world.alice)
    assert Notification.objects.filter(recipient=world.alice, subject__contains="办理太慢").count() == 2
    with pytest.raises(Exception, match="reply"):
        complaint_close(actor=world.alice, complaint=complaint, reply=" ")
    complaint_close(actor=world.alice, complaint=complaint, reply="已加快办理，致歉")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_by, complaint.reply) == ("closed", world.alice, "已加快办理，致歉")
    with pytest.raises(Conflict):
        complaint_close(actor=world.alice, complaint=complaint, reply="again")
    assert complaint.history.count() == 3


def test_overdue_complaints_are_escalated_to_the_supervisors_once(world, claimed):
    overdue = complain(world, claimed)
    on_time = complain(world, claimed, on=D(2026, 10, 16))
    closed = complain(world, claimed)
    complaint_close(actor=world.alice, complaint=closed, reply="已答复")
    assert complaints_escalate(today=D(2026, 10, 19)) == 0  # due that day: not yet late
    assert complaints_escalate_task(today="2026-10-20") == {"escalated": 1}
    assert complaints_escalate(today=D(2026, 10, 21)) == 0  # told once
    told = Notification.objects.filter(recipient=world.bob, subject__contains="2026-10-19")
    assert told.count() == 1 and str(overdue.pk) in told.get().link
    on_time.refresh_from_db()
    assert on_time.escalated_at is None and Complaint.objects.get(pk=overdue.pk).escalated_at is not None


def test_the_report_counts_open_overdue_and_closed_per_unit(world, claimed, people, console_as):
    complain(world, claimed, on=D(2026, 1, 5))  # long overdue
    closed = complaint_file(actor=world.bob, person=people["li"], category="other", subject="建议", text="延长时间")
    complaint_close(actor=world.bob, complaint=closed, reply="已采纳")
    page = console_as(world.bob).get(reverse("benefits:complaint-report"))
    rows = {row["unit__name"]: (row["open"], row["overdue"], row["closed"]) for row in page.context["rows"]}
    assert rows == {"友好社区": (1, 1, 0), "天津街社区": (0, 0, 1)}
    assert console_as(world.carol).get(reverse("benefits:complaint-report")).context["rows"] == []


def test_console_list_and_detail_with_owner_and_due_day(world, claimed, console_as):
    complaint = complain(world, claimed)
    client = console_as(world.alice)
    listing = client.get(reverse("benefits:complaint-list")).content.decode()
    assert "办理太慢" in listing and "2026-10-19" in listing
    url = reverse("benefits:complaint-detail", args=[complaint.pk])
    assert client.post(url, {"action": "take"}).status_code == 302
    assert Complaint.objects.get().owner == world.alice
    refused = client.post(url, {"action": "close", "reply": "答复\x00"})
    assert refused.status_code == 200 and refused.context["form"].errors["reply"]
    assert client.post(url, {"action": "close", "reply": "已答复"}).status_code == 302
    assert Complaint.objects.get().status == "closed"
    assert console_as(world.carol).get(url).status_code == 404


def test_the_applicant_files_and_reads_their_own_through_the_api(world, claimed, api_as):
    dan = api_as(world.dan)
    body = {"category": "delay", "subject": "办理太慢", "text": "等了很久", "status": "closed", "owner": world.bob.pk}
    created = dan.post(reverse("api:benefits:my-complaint-list"), body, format="json")
    assert created.status_code == 201, created.json()
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.owner, complaint.person) == ("open", None, claimed)
    erin = api_as(world.erin)
    assert erin.get(reverse("api:benefits:my-complaint-detail", args=[complaint.pk])).status_code == 404
    assert erin.get(reverse("api:benefits:my-complaint-list")).json()["results"] == []
    assert erin.get(reverse("api:benefits:complaint-detail", args=[complaint.pk])).status_code == 404
    for bad in ({"category": "nope"}, {"subject": "x\x00"}, {"text": ""}, {"subject": [[["x"]]]}):
        response = dan.post(reverse("api:benefits:my-complaint-list"), {**body, **bad}, format="json")
        assert response.status_code == 400 and set(response.json()["fields"]) == set(bad)
    staff = api_as(world.alice)
    closed = staff.post(reverse("api:benefits:complaint-action", args=[complaint.pk, "close"]), {"reply": "已答复"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    dan = api_as(world.dan)
    assert dan.get(reverse("api:benefits:my-complaint-detail", args=[complaint.pk])).json()["reply"] == "已答复"


def test_staff_take_down_a_complaint_through_the_api_and_give_it_an_owner(world, claimed, people, api_as):
    from ..factories import make_employer

    employer = make_employer(world.youhao, actor=world.alice)
    alice = api_as(world.alice)
    url = reverse("api:benefits:complaint-list")
    body = {"category": "attitude", "subject": "窗口态度", "text": "电话里说的", "status": "closed", "owner": 1}
    created = alice.post(url, {**body, "person": claimed.pk}, format="json")
    assert created.status_code == 201, created.json()
    complaint = Complaint.objects.get(pk=created.json()["id"])
    assert (complaint.person, complaint.status, complaint.owner, complaint.filed_by) == (
        claimed,
        "open",
        world.alice,
        world.alice,
    )
    assert created.json()["owner"] == "王爱丽" and created.json()["party"].startswith("张三 (")
    by_employer = alice.post(url, {**body, "organization": employer.pk, "kind": "suggestion"}, format="json")
    assert by_employer.status_code == 201, by_employer.json()
    assert Complaint.objects.get(pk=by_employer.json()["id"]).organization == employer

    count = Complaint.objects.count()
    for who, extra, status_code, field in (
        (world.alice, {}, 400, "person"),  # from nobody
        (world.alice, {"person": claimed.pk, "organization": employer.pk}, 400, "person"),  # from two parties
        (world.alice, {"person": claimed.pk, "subject": "标题\x00"}, 400, "subject"),
        (world.alice, {"person": 2**40}, 400, "person"),
        (world.carol, {"person": claimed.pk}, 404, None),  # not in her area
        (world.dan, {"person": claimed.pk}, 404, None),  # an applicant: the portal's /me/complaints/
    ):
        refused = api_as(who).post(url, {**body, **extra}, format="json")
        assert refused.status_code == status_code, (extra, refused.json())
        assert field is None or field in refused.json()["fields"], refused.json()
    assert Complaint.objects.count() == count

    assign = reverse("api:benefits:complaint-assign", args=[complaint.pk])
    given = api_as(world.alice).post(assign, {"owner": world.bob.pk}, format="json")  # one client: sign in again
    assert given.status_code == 200 and given.json()["owner"] == "李博"
    assert Notification.objects.filter(recipient=world.bob, subject__contains="窗口态度").exists()
    for who, owner, status_code in (
        (world.alice, world.carol.pk, 400),  # another city's caseworker cannot own it
        (world.alice, world.dan.pk, 400),  # nor an applicant
        (world.alice, "abc", 400),
        (world.carol, world.carol.pk, 404),
        (world.erin, world.erin.pk, 404),
    ):
        refused = api_as(who).post(assign, {"owner": owner}, format="json")
        assert refused.status_code == status_code, (who, owner, refused.json())
        if status_code == 400:
            assert "owner" in refused.json()["fields"] and refused.json()["fields"]["owner"][0]
    assert Complaint.objects.get(pk=complaint.pk).owner == world.bob
    complaint_close(actor=world.bob, complaint=complaint, reply="已答复")
    closed = api_as(world.alice).post(assign, {"owner": world.alice.pk}, format="json")
    assert closed.status_code == 409 and closed.json()["message"] == "该投诉已办结。"
