"""The register jobs: each raises and closes follow-ups from the records alone, is idempotent, catches up after
missed days, and runs as a named Celery task on a daily schedule."""

import datetime
import json

import pytest
from django.conf import settings
from django.db import transaction
from django_celery_beat.models import PeriodicTask

from accounts.models import ServiceUnit
from accounts.services import periodic_tasks_sync
from casework import jobs, services, tasks
from casework.follow_ups import WAITING_DECISION_KINDS
from casework.models import EmploymentStatus, ExitReason, FollowUp, Household, Register
from casework.worklist import followups_for_user
from config.celery import app

from ..factories import make_id_number, make_person, make_unit, on_day

pytestmark = pytest.mark.django_db
D = datetime.date
K = FollowUp.Kind


def open_items(kind=None):
    items = FollowUp.objects.filter(done_at__isnull=True)
    if kind:
        items = items.filter(kind=kind)
    return set(items.values_list("kind", "person_id", "household_id", "unit_id", "due_on"))


def everything():
    """Every follow-up as stored, and how many history rows they have: what a second run must not change."""
    rows = list(
        FollowUp.objects.order_by("pk").values_list("pk", "kind", "person_id", "household_id", "due_on", "done_at")
    )
    return rows, FollowUp.history.count()


def register(code):
    return Register.objects.get(code=code)


@pytest.fixture
def yiyang_community(world):
    L = ServiceUnit.Level
    city = make_unit("益阳市", L.CITY, region_code="430900", city_code="yiyang")
    district = make_unit("赫山区", L.DISTRICT, city, region_code="430903")
    return make_unit("赫山社区", L.COMMUNITY, make_unit("赫山街道", L.STREET, district))


@pytest.fixture
def scene(world, yiyang_community):
    """Something due for every job on 2026-06-10:
    - 往届生: on the same register, but its window ended on 2025-06-30 (the window job takes her off);
    - 毕业生 (大连 友好社区): graduated 2024-06-30, on the graduates register since 2024-08-01 (2-year window
      ends 2026-06-30), never contacted → contact due, window closing;
    - 张三's household: he worked until 2026-06-02, his wife never → fell back on 2026-06-03;
    - 外来 (济南 芙蓉社区): hukou in 河北, living there since 2025-10-01, no employment record → may register
      there from 2026-04-01; 外来乙 (益阳) likewise from 2026-05-20."""
    with on_day(D(2026, 6, 1)):  # the records as they stood when the jobs' days begin
        graduate = make_person(world.youhao, "毕业生", graduation_date=D(2024, 6, 30))
        services.registry_entry_add(
            actor=None,
            register=register("unemployed_graduates_after_leaving"),
            person=graduate,
            entered_on=D(2024, 8, 1),
        )
        past_window = make_person(world.youhao, "往届生", graduation_date=D(2023, 6, 30))
        services.registry_entry_add(
            actor=None,
            register=register("unemployed_graduates_after_leaving"),
            person=past_window,
            entered_on=D(2023, 8, 1),
        )
        zhang = make_person(world.youhao, "张三")
        wife = make_person(world.youhao, "李四", id_number=make_id_number(sex="F", sequence=401))
        household = services.household_create(
            actor=None, unit=world.youhao, members=[(zhang, "head", True), (wife, "spouse", True)]
        )
        job = services.employment_record_add(
            actor=None, person=zhang, status=EmploymentStatus.EMPLOYED, started_on=D(2020, 3, 1)
        )
        services.employment_record_end(actor=None, record=job, ended_on=D(2026, 6, 2))
        migrant = make_person(
            world.furong,
            "外来",
            id_number=make_id_number("130102"),
            hukou_place="河北省衡水市桃城区",
            resident_since=D(2025, 10, 1),
        )
        migrant_yiyang = make_person(
            yiyang_community,
            "外来乙",
            id_number=make_id_number("430721"),
            hukou_place="湖南省常德市武陵区",
            resident_since=D(2025, 11, 20),
        )
    return {
        "graduate": graduate,
        "past_window": past_window,
        "household": household,
        "zhang": zhang,
        "wife": wife,
        "migrant": migrant,
        "migrant_yiyang": migrant_yiyang,
    }


JOBS = [
    jobs.register_windows_close,
    jobs.zero_employment_sync,
    jobs.contacts_due_sync,
    jobs.residence_eligible_sync,
    jobs.windows_closing_sync,
]


def test_the_scene_raises_one_follow_up_of_each_kind(world, scene):
    jobs.daily_jobs_run(today=D(2026, 6, 10))
    assert open_items() == {
        (K.CONTACT_DUE, scene["graduate"].pk, None, world.youhao.pk, D(2024, 8, 31)),
        (K.WINDOW_CLOSING, scene["graduate"].pk, None, world.youhao.pk, D(2026, 6, 30)),
        (K.FELL_BACK, None, scene["household"].pk, world.youhao.pk, D(2026, 6, 3)),
        (K.RESIDENCE_ELIGIBLE, scene["migrant"].pk, None, world.furong.pk, D(2026, 4, 1)),
        (
            K.RESIDENCE_ELIGIBLE,
            scene["migrant_yiyang"].pk,
            None,
            scene["migrant_yiyang"].residence_unit_id,
            D(2026, 5, 20),
        ),
    }


@pytest.mark.parametrize("job", JOBS, ids=lambda job: job.__name__)
def test_running_a_job_twice_changes_nothing_the_second_time(scene, job):
    today = D(2026, 6, 10)
    first = job(today=today)
    assert any(first.values())
    before = everything()
    households = list(Household.objects.values_list("pk", "is_zero_employment", "fell_back_on", "cleared_on"))
    second = job(today=today)
    assert everything() == before
    assert list(Household.objects.values_list("pk", "is_zero_employment", "fell_back_on", "cleared_on")) == households
    assert second.get("raised", 0) == second.get("closed", 0) == 0


def test_running_late_gives_what_running_daily_gives(world, scene):
    """Records dated inside the missed days (a job ending, a contact, a window closing) are caught up in one run."""
    with on_day(D(2026, 6, 5)):
        services.contact_log(
            actor=world.alice,
            person=scene["graduate"],
            contacted_on=D(2026, 6, 5),
            channel="phone",
            outcome="seeking",
            next_follow_up_on=D(2026, 6, 9),
        )
    before = FollowUp.objects.count()  # what the writes themselves raised and closed, on their days
    start, end = D(2026, 6, 1), D(2026, 6, 20)
    with transaction.atomic():
        day = start
        while day <= end:
            jobs.daily_jobs_run(today=day)
            day += datetime.timedelta(days=1)
        daily = open_items()
        transaction.set_rollback(True)
    assert FollowUp.objects.count() == before
    jobs.daily_jobs_run(today=end)
    assert open_items() == daily
    # every kind a job keeps (the others stand for a decision someone waits for and follow the writes alone)
    assert {kind for kind, *_ in daily} == set(K.values) - WAITING_DECISION_KINDS
    assert (K.CONTACT_DUE, scene["graduate"].pk, None, world.youhao.pk, D(2026, 6, 9)) in daily
    assert scene["past_window"].registry_entries.get().exited_on == D(2025, 7, 1)


def test_fell_back_is_raised_by_the_job_and_closed_when_a_member_works_again(world, scene):
    household, wife = scene["household"], scene["wife"]
    result = jobs.zero_employment_sync(today=D(2026, 6, 10))
    household.refresh_from_db()
    assert (household.is_zero_employment, household.fell_back_on) == (True, D(2026, 6, 3))
    assert result["flagged"] == 1
    item = FollowUp.objects.get(kind=K.FELL_BACK)
    assert (item.household, item.unit, item.due_on, item.done_at) == (household, world.youhao, D(2026, 6, 3), None)

    services.employment_record_add(
        actor=world.alice, person=wife, status=EmploymentStatus.FLEXIBLE, started_on=D(2026, 7, 1)
    )
    services.households_recompute(on=D(2026, 7, 2))
    household.refresh_from_db()
    assert (household.is_zero_employment, household.fell_back_on, household.cleared_on) == (False, None, D(2026, 7, 1))
    jobs.zero_employment_sync(today=D(2026, 7, 2))
    item.refresh_from_db()
    assert item.done_at is not None
    assert open_items(K.FELL_BACK) == set()


def test_a_household_that_falls_back_again_gets_a_new_follow_up(world, scene):
    household, wife = scene["household"], scene["wife"]
    jobs.zero_employment_sync(today=D(2026, 6, 10))
    job = services.employment_record_add(
        actor=None, person=wife, status=EmploymentStatus.EMPLOYED, started_on=D(2026, 7, 1)
    )
    jobs.zero_employment_sync(today=D(2026, 7, 2))
    services.employment_record_end(actor=None, record=job, ended_on=D(2026, 8, 31))
    jobs.zero_employment_sync(today=D(2026, 9, 5))
    assert open_items(K.FELL_BACK) == {(K.FELL_BACK, None, household.pk, world.youhao.pk, D(2026, 9, 1))}
    assert FollowUp.objects.filter(kind=K.FELL_BACK).count() == 2


def test_contact_due_is_raised_after_30_days_and_closed_by_a_contact(world):
    graduate = make_person(world.youhao, "毕业生", graduation_date=D(2025, 6, 30))
    graduates = register("unemployed_graduates_after_leaving")
    with on_day(D(2026, 1, 5)):
        entry = services.registry_entry_add(actor=None, register=graduates, person=graduate, entered_on=D(2026, 1, 5))
    jobs.contacts_due_sync(today=D(2026, 2, 4))  # 30 days on the register, never contacted: not yet overdue
    assert open_items(K.CONTACT_DUE) == set()
    jobs.contacts_due_sync(today=D(2026, 2, 5))
    assert open_items(K.CONTACT_DUE) == {(K.CONTACT_DUE, graduate.pk, None, world.youhao.pk, D(2026, 2, 4))}

    with on_day(D(2026, 2, 10)):
        services.contact_log(
            actor=world.alice,
            person=graduate,
            contacted_on=D(2026, 2, 10),
            channel="phone",
            outcome="seeking",
            next_follow_up_on=D(2026, 3, 1),
        )
    jobs.contacts_due_sync(today=D(2026, 2, 11))
    assert open_items(K.CONTACT_DUE) == set()
    assert FollowUp.objects.get(kind=K.CONTACT_DUE).done_at is not None

    jobs.contacts_due_sync(today=D(2026, 2, 28))
    assert open_items(K.CONTACT_DUE) == set()
    jobs.contacts_due_sync(today=D(2026, 3, 1))  # the follow-up date the caseworker set
    assert open_items(K.CONTACT_DUE) == {(K.CONTACT_DUE, graduate.pk, None, world.youhao.pk, D(2026, 3, 1))}

    with on_day(D(2026, 3, 2)):
        services.registry_entry_exit(
            actor=world.alice, entry=entry, exited_on=D(2026, 3, 2), reason=ExitReason.EMPLOYED
        )
    jobs.contacts_due_sync(today=D(2026, 3, 3))
    assert open_items(K.CONTACT_DUE) == set()


def test_contact_due_when_the_last_contact_is_older_than_30_days_and_only_for_contact_duty_registers(world):
    graduate = make_person(world.youhao, "毕业生", graduation_date=D(2025, 6, 30))
    hard = make_person(world.youhao, "困难人员")
    assert not register("hard_to_employ").needs_contact
    with on_day(D(2025, 9, 1)):
        services.registry_entry_add(
            actor=None,
            register=register("unemployed_graduates_after_leaving"),
            person=graduate,
            entered_on=D(2025, 9, 1),
        )
        services.registry_entry_add(
            actor=None, register=register("hard_to_employ"), person=hard, entered_on=D(2025, 9, 1)
        )
    with on_day(D(2026, 4, 1)):
        services.contact_log(
            actor=world.alice, person=graduate, contacted_on=D(2026, 4, 1), channel="phone", outcome="seeking"
        )
    jobs.contacts_due_sync(today=D(2026, 5, 1))
    assert open_items(K.CONTACT_DUE) == set()
    jobs.contacts_due_sync(today=D(2026, 5, 2))
    assert open_items(K.CONTACT_DUE) == {(K.CONTACT_DUE, graduate.pk, None, world.youhao.pk, D(2026, 5, 1))}


def test_residence_eligible_only_where_a_city_has_the_rule_and_only_after_6_months(world, scene, yiyang_community):
    migrant, other = scene["migrant"], scene["migrant_yiyang"]
    local = make_person(
        world.furong,
        "本地",
        id_number=make_id_number("370102", sequence=5),
        hukou_place="山东省济南市历下区",
        resident_since=D(2025, 1, 1),
    )
    laiwu = make_person(
        world.furong,
        "莱芜人",
        id_number=make_id_number("370116", sequence=6),
        hukou_place="山东省莱芜市莱城区",
        resident_since=D(2025, 1, 1),
    )
    in_dalian = make_person(world.youhao, "大连外来", hukou_place="河北省衡水市桃城区", resident_since=D(2025, 1, 1))
    working = make_person(
        world.furong,
        "有工作",
        id_number=make_id_number("130102", sequence=7),
        hukou_place="河北省衡水市",
        resident_since=D(2025, 1, 1),
    )
    services.employment_record_add(
        actor=None, person=working, status=EmploymentStatus.EMPLOYED, started_on=D(2025, 3, 1)
    )

    jobs.residence_eligible_sync(today=D(2026, 3, 31))
    assert open_items(K.RESIDENCE_ELIGIBLE) == set()
    jobs.residence_eligible_sync(today=D(2026, 4, 1))
    assert open_items(K.RESIDENCE_ELIGIBLE) == {
        (K.RESIDENCE_ELIGIBLE, migrant.pk, None, world.furong.pk, D(2026, 4, 1))
    }
    jobs.residence_eligible_sync(today=D(2026, 5, 20))
    assert {item[1] for item in open_items(K.RESIDENCE_ELIGIBLE)} == {migrant.pk, other.pk}
    assert "济南（十三）" in FollowUp.objects.get(person=migrant).detail
    for person in (local, laiwu, in_dalian, working):
        assert not FollowUp.objects.filter(person=person).exists()


def test_residence_eligible_is_not_raised_again_once_done_and_closes_on_registration(world, scene):
    migrant, other = scene["migrant"], scene["migrant_yiyang"]
    jobs.residence_eligible_sync(today=D(2026, 6, 10))
    FollowUp.objects.filter(person=migrant).update(done_at=datetime.datetime(2026, 6, 11, tzinfo=datetime.UTC))
    jobs.residence_eligible_sync(today=D(2026, 6, 12))
    assert FollowUp.objects.filter(person=migrant).count() == 1
    # registering the other one as unemployed where she lives is what the follow-up asks for: it closes
    services.employment_record_add(
        actor=None, person=other, status=EmploymentStatus.UNEMPLOYED, started_on=D(2026, 6, 12)
    )
    jobs.residence_eligible_sync(today=D(2026, 6, 13))
    assert open_items(K.RESIDENCE_ELIGIBLE) == set()


def test_window_closing_within_30_days_and_closed_when_the_entry_is_exited(world):
    graduate = make_person(world.youhao, "毕业生", graduation_date=D(2024, 6, 30))
    entry = services.registry_entry_add(
        actor=None, register=register("unemployed_graduates_after_leaving"), person=graduate, entered_on=D(2024, 8, 1)
    )
    assert entry.window_ends_on == D(2026, 6, 30)  # 离校2年内: through the second anniversary
    jobs.windows_closing_sync(today=D(2026, 5, 30))
    assert open_items(K.WINDOW_CLOSING) == set()
    jobs.windows_closing_sync(today=D(2026, 5, 31))
    assert open_items(K.WINDOW_CLOSING) == {(K.WINDOW_CLOSING, graduate.pk, None, world.youhao.pk, D(2026, 6, 30))}
    assert FollowUp.objects.get().detail == "离校未就业高校毕业生"
    services.registry_entry_exit(actor=world.alice, entry=entry, exited_on=D(2026, 6, 5), reason=ExitReason.EMPLOYED)
    jobs.windows_closing_sync(today=D(2026, 6, 6))
    assert open_items(K.WINDOW_CLOSING) == set()


def test_the_window_job_takes_people_off_the_register_the_day_after_the_window(world):
    graduate = make_person(world.youhao, "毕业生", graduation_date=D(2024, 6, 30))
    entry = services.registry_entry_add(
        actor=None, register=register("unemployed_graduates_after_leaving"), person=graduate, entered_on=D(2024, 8, 1)
    )
    assert jobs.register_windows_close(today=D(2026, 6, 30)) == {"closed": 0}  # the anniversary is still within
    assert jobs.register_windows_close(today=D(2026, 7, 9)) == {"closed": 1}  # a week late: same exit date
    entry.refresh_from_db()
    assert (entry.exited_on, entry.exit_reason) == (D(2026, 7, 1), ExitReason.WINDOW_CLOSED)


def test_the_worklist_shows_open_items_in_the_users_area_earliest_first(world, scene, django_assert_num_queries):
    jobs.daily_jobs_run(today=D(2026, 6, 10))
    FollowUp.objects.filter(kind=K.WINDOW_CLOSING).update(done_at=datetime.datetime(2026, 6, 11, tzinfo=datetime.UTC))
    with django_assert_num_queries(3):  # paths of alice's units, follow-ups, household members
        items = list(followups_for_user(user=world.alice))
        labels = [str(item) for item in items]
    assert [(item.kind, item.due_on) for item in items] == [
        (K.CONTACT_DUE, D(2024, 8, 31)),
        (K.FELL_BACK, D(2026, 6, 3)),
    ]
    assert "张三" in labels[1]
    assert [item.kind for item in followups_for_user(user=world.carol)] == [K.RESIDENCE_ELIGIBLE]
    assert list(followups_for_user(user=world.dan)) == []
    assert len(followups_for_user(user=world.sam)) == 4


TASKS = {
    "casework.tasks.register_windows_close",
    "casework.tasks.zero_employment_sync",
    "casework.tasks.contacts_due_sync",
    "casework.tasks.residence_eligible_sync",
    "casework.tasks.windows_closing_sync",
}


def test_the_tasks_are_registered_under_their_names_and_every_schedule_names_a_registered_task():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover each app's tasks.py
    assert app.tasks.keys() >= TASKS
    scheduled = {spec["task"] for spec in settings.CASEWORK_PERIODIC_TASKS.values()}
    assert scheduled >= TASKS
    assert scheduled <= app.tasks.keys()


def test_a_task_runs_its_job_for_the_day_it_is_given(world, scene):
    FollowUp.objects.all().delete()  # what the scene's writes raised on their day: the task raises it again here
    result = tasks.contacts_due_sync.apply(kwargs={"today": "2026-06-10"})
    assert result.successful(), result.traceback
    assert result.result["raised"] == 1
    item = FollowUp.objects.get(kind=K.CONTACT_DUE)
    assert item.history.first().history_user.username == "system"  # tasks act as the system account


def test_the_default_schedules_are_daily_crontabs_in_shanghai_time():
    PeriodicTask.objects.filter(name__in=settings.CASEWORK_PERIODIC_TASKS).delete()
    created = periodic_tasks_sync()
    assert set(created) == set(settings.CASEWORK_PERIODIC_TASKS)
    contacts = PeriodicTask.objects.get(task="casework.tasks.contacts_due_sync")
    assert (contacts.crontab.minute, contacts.crontab.hour, contacts.crontab.day_of_week) == ("25", "1", "*")
    assert str(contacts.crontab.timezone) == "Asia/Shanghai"
    assert contacts.interval is None and json.loads(contacts.kwargs) == {}
    heartbeat = PeriodicTask.objects.get(name="worker-heartbeat")
    assert (heartbeat.interval.every, heartbeat.crontab) == (20, None)
    # an administrator's change is kept
    contacts.crontab = None
    contacts.interval = heartbeat.interval
    contacts.save()
    assert periodic_tasks_sync() == []
    assert PeriodicTask.objects.get(task="casework.tasks.contacts_due_sync").interval == heartbeat.interval
