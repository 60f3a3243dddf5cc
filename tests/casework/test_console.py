"""Register pages in the console: scoped (404 outside the area), masked, unmask logged, forms answer bad input
on the field, two-click contact logging, constant queries."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Contact, Person, PersonalDataAccess, Register

from ..factories import UserFactory, make_id_number, make_person

pytestmark = pytest.mark.django_db
D = datetime.date


def person_pages(person):
    tabs = ["profile", "household", "registers", "employment", "contacts", "history"]
    return [reverse("casework:person-detail", args=[person.pk]) + f"?tab={tab}" for tab in tabs] + [
        reverse("casework:person-edit", args=[person.pk])
    ]


def all_pages(records):
    return [
        *person_pages(records["person"]),
        reverse("casework:household-detail", args=[records["household"].pk]),
        reverse("casework:organization-detail", args=[records["organization"].pk]),
        reverse("casework:register-contact", args=["unemployed_graduates_after_leaving", records["entry"].pk]),
    ]


def test_carol_gets_404_on_every_page_and_action_of_alices_area(world, records, console_as):
    client = console_as(world.carol)
    for url in all_pages(records):
        assert client.get(url).status_code == 404, url
    person = records["person"]
    for action in ["contact", "note", "employment", "referral", "entry", "assistance"]:
        response = client.post(reverse("casework:person-action", args=[person.pk, action]), {"text": "x"})
        assert response.status_code == 404, action
    assert client.post(reverse("casework:person-unmask", args=[person.pk]), {"reason": "x"}).status_code == 404
    assert (
        client.post(
            reverse("casework:entry-exit", args=[records["entry"].pk]),
            {"exited_on": "2026-11-01", "reason": "employed"},
        ).status_code
        == 404
    )
    body = client.get(reverse("casework:person-list")).content.decode()
    assert "张三" not in body
    assert not Contact.objects.exists()


@pytest.mark.parametrize("name", ["dan", "erin"])
def test_applicants_cannot_open_the_register_pages(world, records, console_as, name):
    client = console_as(getattr(world, name))
    for url in [reverse("casework:person-list"), *all_pages(records)]:
        assert client.get(url).status_code in (403, 404), url


def test_no_page_shows_a_full_id_or_phone_number(world, records, console_as):
    client = console_as(world.bob)
    person, organization = records["person"], records["organization"]
    pages = [
        *all_pages(records),
        reverse("casework:person-list"),
        reverse("casework:household-list"),
        reverse("casework:organization-list"),
        reverse("casework:register-list"),
        reverse("casework:register-detail", args=["unemployed_graduates_after_leaving"]),
        reverse("casework:person-list") + f"?q={person.id_number[-6:]}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in (person.id_number, person.phone, organization.contact_phone):
            assert secret not in body, (url, secret)
    assert person.masked_id_number in client.get(reverse("casework:person-list")).content.decode()


def test_a_full_id_search_goes_to_the_person_without_echoing_the_number(world, records, console_as):
    client = console_as(world.bob)
    person = records["person"]
    found = client.get(reverse("casework:person-list"), {"q": person.id_number})
    assert found.status_code == 302 and found["Location"] == reverse("casework:person-detail", args=[person.pk])
    unknown = make_id_number(sequence=444)
    body = client.get(reverse("casework:person-list"), {"q": unknown}).content.decode()
    assert unknown not in body and unknown[:6] + "********" + unknown[-4:] in body


def test_unmask_in_the_console_needs_the_permission_and_is_logged(world, records, console_as):
    person = records["person"]
    client = console_as(world.bob)
    page = client.get(reverse("casework:person-detail", args=[person.pk])).content.decode()
    assert "显示完整号码" not in page  # no permission: no button
    assert (
        client.post(reverse("casework:person-unmask", args=[person.pk]), {"reason": "核对"})
        .content.decode()
        .count(person.id_number)
        == 0
    )
    world.bob.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    client = console_as(type(world.bob).objects.get(pk=world.bob.pk))
    assert "显示完整号码" in client.get(reverse("casework:person-detail", args=[person.pk])).content.decode()
    empty = client.post(reverse("casework:person-unmask", args=[person.pk]), {"reason": ""}).content.decode()
    assert person.id_number not in empty and "该字段是必填项。" in empty
    shown = client.post(reverse("casework:person-unmask", args=[person.pk]), {"reason": "核对身份证复印件"})
    assert person.id_number in shown.content.decode()
    assert PersonalDataAccess.objects.filter(user=world.bob, person=person, reason="核对身份证复印件").count() == 1


def test_register_person_form_names_the_bad_field_and_stores_nothing(world, console_as):
    client = console_as(world.alice)
    response = client.post(
        reverse("casework:person-create"),
        {"name": "新人", "id_number": "110105194912310021", "residence_unit": world.youhao.pk, "phone": "12345"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "身份证号码校验位错误" in body
    assert not Person.objects.exists()
    ok = client.post(
        reverse("casework:person-create"),
        {
            "name": "新人",
            "id_number": make_id_number(sequence=31),
            "residence_unit": world.youhao.pk,
            "phone": "13811112222",
        },
    )
    person = Person.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("casework:person-detail", args=[person.pk])


def test_a_known_id_number_leads_to_the_existing_record(world, people, console_as):
    zhang = people["zhang"]
    response = console_as(world.alice).post(
        reverse("casework:person-create"),
        {"name": "张三", "id_number": zhang.id_number, "residence_unit": world.youhao.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:person-detail", args=[zhang.pk])
    assert Person.objects.count() == 3


def test_contact_in_two_clicks_from_the_register_page(world, records, console_as):
    client = console_as(world.alice)
    entry = records["entry"]
    url = reverse("casework:register-contact", args=["unemployed_graduates_after_leaving", entry.pk])
    form = client.get(url, HTTP_HX_REQUEST="true")  # click 1: open the row's form
    assert form.status_code == 200 and 'name="outcome"' in form.content.decode()
    today = timezone.localdate().isoformat()
    row = client.post(
        url, {"contacted_on": today, "channel": "phone", "outcome": "seeking"}, HTTP_HX_REQUEST="true"
    )  # click 2: pick the outcome
    assert row.status_code == 200
    assert "已联系" in row.content.decode()
    contact = Contact.objects.get()
    assert (contact.person, contact.caseworker, contact.outcome) == (records["person"], world.alice, "seeking")


def test_a_future_contact_date_is_refused_on_the_row(world, records, console_as):
    url = reverse("casework:register-contact", args=["unemployed_graduates_after_leaving", records["entry"].pk])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = console_as(world.alice).post(url, {"contacted_on": future, "channel": "phone", "outcome": "seeking"})
    assert "联系日期不能晚于今天。" in response.content.decode()
    assert not Contact.objects.exists()


def test_register_page_queries_do_not_grow_with_rows(world, console_as, django_assert_num_queries):
    graduates = Register.objects.get(code="unemployed_graduates_after_leaving")
    client = console_as(world.alice)
    url = reverse("casework:register-detail", args=[graduates.code])

    def add(n, start):
        for i in range(start, start + n):
            person = make_person(world.youhao, f"毕业生{i}")
            services.registry_entry_add(actor=world.alice, register=graduates, person=person, entered_on=D(2026, 7, 1))

    add(2, 0)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(10, 2)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_person_actions_record_through_services(world, records, console_as):
    person = records["person"]
    client = console_as(world.alice)
    client.post(
        reverse("casework:person-action", args=[person.pk, "employment"]),
        {"status": "employed", "started_on": "2026-11-01", "employer_name": "友好物流"},
    )
    client.post(reverse("casework:person-action", args=[person.pk, "note"]), {"text": "已推荐岗位"})
    client.post(
        reverse("casework:person-action", args=[person.pk, "assistance"]),
        {"caseworker": world.alice.pk, "reason": "长期失业", "started_on": "2026-11-01"},
    )
    assert person.employment.get().employer_name == "友好物流"
    assert person.notes.get().text == "已推荐岗位"
    assert person.assistance.get().caseworker == world.alice
    history = client.get(reverse("casework:person-detail", args=[person.pk]) + "?tab=history").content.decode()
    assert "创建" in history


def test_home_shows_the_register_duties_of_the_area(world, records, console_as):
    services.household_create(
        actor=world.alice, unit=world.youhao, members=[(make_person(world.youhao, "无业"), "head", True)]
    )
    body = console_as(world.alice).get(reverse("accounts:home")).content.decode()
    assert "联系覆盖情况（逐一联系）" in body
    assert "2 个零就业家庭" in body  # 张三's household (nobody works) and the new one
    carol_home = console_as(world.carol).get(reverse("accounts:home")).content.decode()
    assert "0 个零就业家庭" in carol_home  # 济南's caseworker does not count 大连's households


def test_contact_coverage_per_community_adds_up(world, console_as):
    from casework.selectors import register_contact_coverage

    graduates = Register.objects.get(code="unemployed_graduates_after_leaving")
    today = D(2026, 11, 21)
    for unit, name, last in [
        (world.youhao, "甲", None),
        (world.youhao, "乙", D(2026, 11, 1)),
        (world.tianjinjie, "丙", D(2026, 9, 1)),
        (world.furong, "丁", None),
    ]:
        person = make_person(unit, name)
        services.registry_entry_add(actor=None, register=graduates, person=person, entered_on=D(2026, 7, 1))
        if last:
            services.contact_log(actor=world.bob, person=person, contacted_on=last, channel="phone", outcome="seeking")
    coverage = register_contact_coverage(user=world.bob, register=graduates, today=today)
    assert {k: coverage[k] for k in ("total", "never", "recent", "overdue")} == {
        "total": 3,
        "never": 1,
        "recent": 1,
        "overdue": 1,
    }
    assert [
        (row["unit"], row["total"], row["never"], row["recent"], row["overdue"]) for row in coverage["by_unit"]
    ] == [("友好社区", 2, 1, 1, 0), ("天津街社区", 1, 0, 0, 1)]


def test_worklist_shows_the_areas_follow_ups_and_marks_them_done(world, people, console_as, django_assert_num_queries):
    from casework.models import FollowUp

    item = FollowUp.objects.create(kind="contact_due", person=people["zhang"], unit=world.youhao, due_on=D(2026, 11, 1))
    other = FollowUp.objects.create(kind="contact_due", person=people["wang"], unit=world.furong, due_on=D(2026, 11, 1))
    client = console_as(world.alice)
    body = client.get(reverse("casework:worklist")).content.decode()
    assert "张三" in body and "王五" not in body
    assert client.post(reverse("casework:follow-up-done", args=[other.pk])).status_code == 404
    assert client.post(reverse("casework:follow-up-done", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    other.refresh_from_db()
    assert item.done_at is not None and other.done_at is None
    assert "张三" not in client.get(reverse("casework:worklist")).content.decode()


def test_household_is_edited_in_the_console_and_zero_employment_follows(world, people, console_as):
    from casework.models import Household

    zhang, li = people["zhang"], people["li"]
    household = services.household_create(actor=world.alice, unit=world.youhao, members=[(zhang, "head", True)])
    assert household.is_zero_employment
    services.employment_record_add(actor=world.bob, person=li, status="employed", started_on=D(2026, 1, 1))
    client = console_as(world.bob)
    url = reverse("casework:household-detail", args=[household.pk])
    client.post(url, {"action": "add-member", "id_number": li.id_number, "relation": "spouse", "able_to_work": "on"})
    household.refresh_from_db()
    assert household.members.count() == 2 and not household.is_zero_employment
    bad = client.post(
        url, {"action": "add-member", "id_number": make_id_number(sequence=321), "relation": "child"}, follow=True
    )
    assert "您的辖区内没有该身份证号码的人员" in bad.content.decode()
    client.post(url, {"action": "edit", "address": "友好街1号", "is_dibao": "on", "dibao_since": "2026-02-01"})
    household.refresh_from_db()
    assert (household.address, household.is_dibao, household.dibao_since) == ("友好街1号", True, D(2026, 2, 1))
    member = household.members.get(person=li)
    client.post(url, {"action": "remove-member", "member": member.pk})
    household.refresh_from_db()
    assert household.members.count() == 1 and household.is_zero_employment
    assert Household.objects.count() == 1
    assert console_as(world.carol).post(url, {"action": "edit", "address": "x"}).status_code == 404


def test_a_name_conflict_is_settled_on_the_person_page(world, people, console_as):
    from casework.models import NameConflict
    from core.errors import Conflict as DomainConflict

    zhang = people["zhang"]
    with pytest.raises(DomainConflict):
        services.person_create(actor=world.alice, name="张叁", id_number=zhang.id_number, residence_unit=world.youhao)
    conflict = NameConflict.objects.get()
    client = console_as(world.alice)
    page = client.get(reverse("casework:person-detail", args=[zhang.pk])).content.decode()
    assert "改为“张叁”" in page
    client.post(
        reverse("casework:person-action", args=[zhang.pk, "name-conflict"]),
        {"conflict": conflict.pk, "keep": "received"},
    )
    zhang.refresh_from_db()
    conflict.refresh_from_db()
    assert zhang.name == "张叁" and conflict.resolved_by == world.alice
    assert zhang.history.first().name == "张叁" and zhang.history.first().history_user == world.alice


def test_a_person_moves_to_another_community_with_the_registers_they_are_on(world, records, console_as):
    person, entry = records["person"], records["entry"]
    client = console_as(world.bob)  # 中山区's supervisor: both communities are in his area
    page = client.get(reverse("casework:person-detail", args=[person.pk])).content.decode()
    assert "迁入其他社区" in page and world.tianjinjie.name in page
    move = reverse("casework:person-action", args=[person.pk, "move"])
    client.post(move, {"residence_unit": world.tianjinjie.pk, "resident_since": "2026-11-01"})
    person.refresh_from_db()
    entry.refresh_from_db()
    assert (person.residence_unit, person.resident_since, entry.unit) == (
        world.tianjinjie,
        D(2026, 11, 1),
        world.tianjinjie,
    )
    assert person.history.filter(residence_unit=world.youhao).exists()  # the move is in the history
    # alice keeps 友好社区 only: the moved person is outside her area now, and she cannot move anyone out of it
    assert console_as(world.alice).get(reverse("casework:person-detail", args=[person.pk])).status_code == 404


def test_a_move_to_a_community_outside_the_area_is_refused(world, records, console_as):
    person = records["person"]
    page = console_as(world.alice).get(reverse("casework:person-detail", args=[person.pk])).content.decode()
    assert "由上级单位的工作人员登记" in page  # alice keeps one community: no community to choose, no form
    console_as(world.alice).post(
        reverse("casework:person-action", args=[person.pk, "move"]),
        {"residence_unit": world.furong.pk, "resident_since": "2026-11-01"},  # 济南: not hers
    )
    person.refresh_from_db()
    assert person.residence_unit == world.youhao


def test_a_referrals_outcome_is_recorded_once_it_is_known(world, records, console_as):
    person = records["person"]
    referral = services.referral_create(
        actor=world.alice, person=person, kind="job", description="友好物流 仓管", referred_on=D(2026, 11, 2)
    )
    client = console_as(world.alice)
    page = client.get(reverse("casework:person-detail", args=[person.pk]) + "?tab=contacts").content.decode()
    assert "记录结果" in page
    action = reverse("casework:person-action", args=[person.pk, "referral-outcome"])
    client.post(action, {"referral": referral.pk, "outcome": "placed", "outcome_on": "2026-11-01"})  # before it
    referral.refresh_from_db()
    assert referral.outcome == "pending"
    client.post(action, {"referral": referral.pk, "outcome": "placed", "outcome_on": "2026-11-20"})
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on) == ("placed", D(2026, 11, 20))


def test_an_organization_is_corrected_on_its_page_and_the_phone_kept_unless_typed(world, records, console_as):
    organization = records["organization"]
    phone, uscc = organization.contact_phone, organization.uscc
    client = console_as(world.alice)
    detail = client.get(reverse("casework:organization-detail", args=[organization.pk])).content.decode()
    edit = reverse("casework:organization-edit", args=[organization.pk])
    assert edit in detail
    form = client.get(edit).content.decode()
    assert phone not in form and organization.masked_contact_phone in form  # the number never reaches the browser
    response = client.post(
        edit,
        {"name": "大连友好商贸有限公司", "kind": organization.kind, "contact_phone": "", "address": "友好路1号"},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.name, organization.address, organization.contact_phone, organization.uscc) == (
        "大连友好商贸有限公司",
        "友好路1号",
        phone,
        uscc,
    )
    assert organization.history.first().history_user == world.alice


def test_an_organization_edit_names_the_bad_field_and_stores_nothing(world, records, console_as):
    organization = records["organization"]
    name = organization.name
    client = console_as(world.alice)
    edit = reverse("casework:organization-edit", args=[organization.pk])
    for field, value in [("registered_on", "9999-01-01"), ("contact_phone", "12345")]:
        response = client.post(edit, {"name": "新名称", "kind": organization.kind, field: value})
        assert response.status_code == 200
        assert list(response.context["form"].errors) == [field]
    organization.refresh_from_db()
    assert organization.name == name


def test_an_organization_outside_the_area_or_for_a_reader_cannot_be_edited(world, records, console_as):
    from accounts.services import membership_grant

    organization = records["organization"]
    edit = reverse("casework:organization-edit", args=[organization.pk])
    assert console_as(world.carol).get(edit).status_code == 404
    auditor = UserFactory(username="audrey")
    membership_grant(user=auditor, unit=world.dalian, role="auditor")
    client = console_as(auditor)
    assert edit not in client.get(reverse("casework:organization-detail", args=[organization.pk])).content.decode()
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "改名", "kind": organization.kind}).status_code == 403
    organization.refresh_from_db()
    assert organization.name != "改名"


def test_the_register_page_says_where_the_policies_speak_of_it_in_chinese(world, records, console_as):
    url = reverse("casework:register-detail", args=["unemployed_graduates_after_leaving"])
    page = console_as(world.alice).get(url).content.decode()
    assert "政策出处" in page and "大连市：（三）、（十二）" in page
    assert "济南市" not in page  # her city's clauses only
    assert "Not defined uniformly" not in page  # the catalogue's working notes are not shown on a Chinese page


def test_a_caseworker_of_one_community_finds_it_chosen_and_the_graduates_register_first(world, console_as):
    client = console_as(world.alice)  # 友好社区 only
    person_form = client.get(reverse("casework:person-create")).context["form"]
    assert person_form["residence_unit"].value() == world.youhao.pk
    upload_form = client.get(reverse("casework:imports:upload")).context["form"]
    assert upload_form["unit"].value() == world.youhao.pk
    registers = Register.objects.filter(code__in=[code for code, _label in upload_form.fields["register"].choices])
    first = upload_form["register"].value()
    assert Register.objects.get(code=first).needs_contact and registers.filter(needs_contact=False).exists()
    wider = console_as(world.bob).get(reverse("casework:person-create")).context["form"]  # two communities
    assert wider["residence_unit"].value() is None


def test_labels_say_what_they_hold(world, records, console_as):
    """姓名 for a person's name (not 名称, an organization's), 服务对象 for whom a worklist item is about."""
    client = console_as(world.alice)
    form = client.get(reverse("casework:person-create")).context["form"]
    assert str(form["name"].label) == "姓名"
    page = client.get(reverse("casework:worklist")).content.decode()
    assert '<th scope="col">服务对象</th>' in page and "操作人" not in page
