"""Supervisors' reports on generated data: every number equals the count of the list behind it; a district's
supervisor sees the district, the city's administrator the sum of its districts; the workbook has the page's
numbers and no full ID number for a user without the permission; the dashboard's queries do not grow with the
data."""

import datetime
import io
import itertools
import statistics
import time
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.security import SESSION_REAUTH
from accounts.services import membership_grant
from benefits.models import (
    Application,
    Disbursement,
    DisbursementBatch,
    DisbursementRun,
    Entitlement,
    Lead,
    LedgerEntry,
    Program,
    ReportFigure,
)
from benefits.reports.context import REPORTS
from benefits.reports.figures import histogram_median
from benefits.reports.services import report_summaries_refresh
from casework.models import (
    Assistance,
    Contact,
    FollowUp,
    Household,
    HouseholdMember,
    PersonalDataAccess,
    Register,
    RegistryEntry,
)
from tests.factories import UserFactory, make_person, make_unit

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - datetime.timedelta(days=1)).replace(day=1)
MONTHLY = "dalian_hard_to_employ_flexible_si_subsidy_others"
ONE_TIME = "dalian_job_seeking_startup_subsidy"
_seq = itertools.count(1)


@pytest.fixture
def xigang_world(world):
    """西岗区 gets a street and a community, and 徐娜, its supervisor (bob's neighbour district)."""
    street = make_unit("白云街道", "street", world.xigang)
    community = make_unit("白云新村社区", "community", street)
    xena = UserFactory(username="xena", full_name="徐娜")
    membership_grant(user=xena, unit=world.xigang, role=Role.SUPERVISOR)
    return community, xena


def _day(days_ago: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days_ago)


def populate(world, community, *, scale: int = 1):
    """A community's worth of everything the reports count: people on registers (new, exited with a reason),
    graduates contacted recently, long ago or never, households (zero, fell back, cleared), applications in
    every state, grants, payment lines (paid, failed, reversed, waiting), follow-ups, leads, assistance."""
    graduates = Register.objects.get(code="unemployed_graduates_after_leaving")
    unemployed = Register.objects.get(code="registered_urban_unemployed")
    monthly, one_time = Program.objects.get(code=MONTHLY), Program.objects.get(code=ONE_TIME)
    staff = world.bob
    run = DisbursementRun.objects.create(
        month=THIS_MONTH,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        created=0,
        already_present=0,
        batches_made=0,
        total_cny=0,
    )
    batches = {}

    def batch(month, status):
        key = (month, status)
        if key not in batches:
            batches[key] = DisbursementBatch.objects.create(
                reference=f"T-{community.pk}-{month:%Y%m}-{status}-{next(_seq)}",
                unit=community,
                program=monthly,
                month=month,
                sequence=next(_seq),
                control_count=0,
                control_sum_cny=0,
                status=status,
                run=run,
            )
        return batches[key]

    for index in range(6 * scale):
        person = make_person(community, f"测试{index}号")
        n = next(_seq)
        RegistryEntry.objects.create(register=graduates, person=person, unit=community, entered_on=_day(40 + index))
        if index % 3 == 0:
            Contact.objects.create(
                person=person, contacted_on=_day(5), channel="phone", outcome="seeking", caseworker=world.alice
            )
        elif index % 3 == 1:
            Contact.objects.create(
                person=person, contacted_on=_day(60), channel="visit", outcome="seeking", caseworker=staff
            )
            FollowUp.objects.create(kind="contact_due", person=person, unit=community, due_on=_day(10))
        RegistryEntry.objects.create(
            register=unemployed,
            person=person,
            unit=community,
            entered_on=_day(400),
            exited_on=_day(3) if index % 2 else None,
            exit_reason="employed" if index % 2 else "",
        )
        household = Household.objects.create(
            unit=community,
            is_zero_employment=index % 3 != 2,
            fell_back_on=_day(20) if index % 3 == 0 else None,
            cleared_on=_day(2) if index % 3 == 2 else None,
        )
        HouseholdMember.objects.create(household=household, person=person, relation="head")
        Lead.objects.create(
            person=person, program=one_time, unit=community, first_found_on=_day(1), last_found_on=TODAY
        )
        if index % 2 == 0:
            Assistance.objects.create(person=person, caseworker=world.alice, reason="一对一", started_on=_day(30))
        states = ["draft", "submitted", "recommended", "rejected", "withdrawn", "approved"]
        state = states[index % len(states)]
        decided = state in ("approved", "rejected")
        application = Application.objects.create(
            person=person,
            unit=community,
            program=monthly if state == "approved" else one_time,
            state=state,
            requested_start=LAST_MONTH,
            created_by=world.alice,
            submitted_at=None if state == "draft" else timezone.now() - datetime.timedelta(days=45 + n % 5),
            decided_by=staff if decided else None,
            decided_on=_day(n % 7) if decided else None,
        )
        if state != "approved":
            continue
        grant = Entitlement.objects.create(
            application=application,
            person=person,
            unit=community,
            program=monthly,
            family=monthly.family,
            once=False,
            start=LAST_MONTH,
            end=_day(-10),
            amount_per_period=Decimal("1000.00"),
            period="month",
            approved_by=staff,
            approved_on=LAST_MONTH,
        )
        for month, status, line_status in (
            (LAST_MONTH, "settled", "paid"),
            (THIS_MONTH, "exported", "failed" if n % 2 else "paid"),
        ):
            line = Disbursement.objects.create(
                entitlement=grant,
                program=monthly,
                person=person,
                unit=community,
                period=month,
                reference=f"L{grant.pk}-{month:%Y%m}",
                batch=batch(month, status),
                amount_cny=Decimal("1000.00"),
                status=line_status,
                created_at=timezone.now(),
            )
            if line_status == "paid" and month == LAST_MONTH:
                sequence = LedgerEntry.objects.count() + 1
                payment = LedgerEntry.objects.create(
                    sequence=sequence,
                    disbursement=line,
                    kind="payment",
                    amount_cny=line.amount_cny,
                    booked_on=month,
                    recorded_at=timezone.now(),
                    previous_hash="",
                    hash=f"p{line.pk}",
                )
                LedgerEntry.objects.create(
                    sequence=sequence + 1,
                    disbursement=line,
                    kind="reversal",
                    amount_cny=-line.amount_cny,
                    reverses=payment,
                    booked_on=TODAY,
                    recorded_at=timezone.now(),
                    previous_hash="",
                    hash=f"r{line.pk}",
                )


@pytest.fixture
def report_data(world, xigang_world, db):
    community, _xena = xigang_world
    for unit in (world.youhao, world.tianjinjie, community, world.furong):
        populate(world, unit)
    report_summaries_refresh()
    return community


def period_query(**extra) -> str:
    start = LAST_MONTH.replace(month=1) if LAST_MONTH.year == TODAY.year else LAST_MONTH
    params = {"from": f"{start:%Y-%m}", "to": f"{TODAY:%Y-%m}", **extra}
    return "&".join(f"{key}={value}" for key, value in params.items())


def dashboard(client, **extra):
    response = client.get(reverse("benefits:report-dashboard") + "?" + period_query(**extra))
    assert response.status_code == 200
    return response.context["reports"]


def numbers(reports, *, skip=("by_unit",)) -> dict:
    """Every numeric cell of the reports by (report, table, row label, column), the by-unit tables left out."""
    found = {}
    for report in reports:
        for table in report.tables:
            if table.key in skip:
                continue
            for row in table.rows:
                for column, cell in zip(table.columns, row[1:], strict=False):
                    if cell.numeric:
                        found[(report.name, table.key, str(row[0].value), column)] = cell.value
    return found


# --- 1. Each number equals the count of its drill-down list ------------------------------------------------------


def numbers_equal_their_lists(client, reports) -> int:
    """Open the list behind every linked number of ``reports``: each must have that many rows. How many were
    checked."""
    checked = 0
    for report in reports:
        for table in report.tables:
            for row in table.rows:
                for cell in row[1:]:
                    if not cell.link:
                        continue
                    response = client.get(cell.link)
                    assert response.status_code == 200, cell.link
                    assert response.context["page"].paginator.count == cell.value, (report.name, table.key, cell.link)
                    checked += 1
    return checked


@pytest.mark.parametrize("who", ["bob", "grace", "alice", "sam"])  # sam: a superuser, both cities (two top units)
def test_every_number_equals_the_count_of_the_list_behind_it(who, world, report_data, console_as):
    client = console_as(getattr(world, who))
    reports = dashboard(client)
    assert all(report.refreshed_at for report in reports if report.summarized)
    assert numbers_equal_their_lists(client, reports) >= 30
    linked = {r.name for r in reports for t in r.tables for row in t.rows for c in row[1:] if c.link}
    assert linked == set(REPORTS)


def test_records_kept_above_the_communities_count_in_their_unit_s_area_once(world, report_data, console_as):
    """A unit's summaries count its whole subtree, its own records included: applications kept at a street and at
    a district count in the rows of the units above them, once, and every number still equals its list."""
    monthly = Program.objects.get(code=MONTHLY)
    person = make_person(world.youhao, "街道申请人")
    for unit in (world.qingniwa, world.zhongshan):
        Application.objects.create(
            person=person,
            unit=unit,
            program=monthly,
            state="submitted",
            requested_start=THIS_MONTH,
            created_by=world.bob,
            submitted_at=timezone.now(),
        )
    report_summaries_refresh()

    def waiting_by_unit(client) -> dict:
        report = next(r for r in dashboard(client) if r.name == "applications")
        table = next(t for t in report.tables if t.key == "by_unit")
        return {row[0].value: row[1].value for row in table.rows}

    def waiting_under(unit) -> int:
        return Application.objects.filter(
            state__in=["submitted", "recommended"], unit__path__startswith=unit.path
        ).count()

    client = console_as(world.grace)  # the city: one row per district
    assert waiting_by_unit(client)["中山区"] == waiting_under(world.zhongshan) == 4 + 2  # 2 a community, 2 above
    by_state = next(t for r in dashboard(client) if r.name == "applications" for t in r.tables if t.key == "by_state")
    submitted = next(row[1] for row in by_state.rows if "state=submitted" in row[1].link)
    assert submitted.value == 3 + 2  # one in each of the city's three communities, two kept above them
    assert numbers_equal_their_lists(client, dashboard(client)) >= 30
    client = console_as(world.bob)  # the district: one row per street; the district's own in the totals only
    assert waiting_by_unit(client) == {"青泥洼桥街道": waiting_under(world.qingniwa)} == {"青泥洼桥街道": 4 + 1}
    assert numbers_equal_their_lists(client, dashboard(client)) >= 30


@pytest.mark.parametrize("counts", [{}, {3: 1}, {1: 1, 4: 1}, {1: 2, 5: 1}, {2: 2, 3: 2}, {0: 3, 7: 1, 9: 4}])
def test_the_median_of_a_histogram_is_the_median_of_its_values(counts):
    values = [value for value, n in counts.items() for _ in range(n)]
    assert histogram_median(counts) == (statistics.median(values) if values else None)


def test_the_median_days_to_a_decision_is_that_of_the_decided_applications(world, report_data, console_as):
    reports = dashboard(console_as(world.grace))
    decisions = next(t for r in reports if r.name == "applications" for t in r.tables if t.key == "decisions")
    start = LAST_MONTH.replace(month=1) if LAST_MONTH.year == TODAY.year else LAST_MONTH
    decided = Application.objects.filter(
        unit__path__startswith=world.dalian.path,
        state__in=["approved", "rejected"],
        decided_on__gte=start,
        submitted_at__isnull=False,
    )
    days = {}
    for application in decided.select_related("program"):
        waited = (application.decided_on - timezone.localdate(application.submitted_at)).days
        days.setdefault(application.program.display_name, []).append(waited)
    assert len(decisions.rows) == len(days) + 1
    for row in decisions.rows[:-1]:
        assert row[3].value == f"{statistics.median(days[row[0].value]):.1f}"
    assert decisions.rows[-1][3].value == f"{statistics.median([d for v in days.values() for d in v]):.1f}"


def test_applications_and_grants_are_counted_as_of_the_refresh(world, report_data, console_as):
    client = console_as(world.bob)

    def counted() -> tuple[int, int]:
        """Waiting applications in the street's row, active grants of every program."""
        tables = {(r.name, t.key): t for r in dashboard(client) for t in r.tables}
        waiting = tables["applications", "by_unit"].rows[0][1].value
        return waiting, sum(row[1].value for row in tables["entitlements", "by_program"].rows)

    before = counted()
    populate(world, world.youhao)
    assert counted() == before  # counted at the last refresh; the lists are live
    refresh = report_summaries_refresh()
    assert counted() == (before[0] + 2, before[1] + 1)
    page = dashboard(client)
    assert {r.name for r in page if r.summarized} >= {"applications", "entitlements"}
    assert all(r.refreshed_at == refresh.refreshed_at for r in page if r.summarized)


def test_a_past_period_s_numbers_equal_their_lists(world, report_data, console_as):
    """A period that ended before the refresh: the register stock on its last day comes from the flows."""
    client = console_as(world.grace)
    RegistryEntry.objects.filter(unit=world.youhao).update(entered_on=LAST_MONTH - datetime.timedelta(days=40))
    gone = RegistryEntry.objects.filter(unit=world.furong, exited_on__isnull=True).first()
    gone.exited_on, gone.exit_reason = LAST_MONTH + datetime.timedelta(days=3), "moved_away"
    gone.save()
    report_summaries_refresh()
    month = f"{LAST_MONTH:%Y-%m}"
    response = client.get(reverse("benefits:report-detail", args=["registers"]) + f"?from={month}&to={month}")
    checked = 0
    for table in response.context["reports"][0].tables:
        for row in table.rows:
            for cell in row[1:]:
                if cell.link:
                    assert client.get(cell.link).context["page"].paginator.count == cell.value, cell.link
                    checked += 1
    assert checked >= 3


def test_the_summed_counts_change_with_a_refresh_and_say_as_of_when(world, report_data, console_as):
    client = console_as(world.bob)

    def graduates_on_register():
        registers = dashboard(client)[0].tables[0]
        return next(row[1].value for row in registers.rows if row[0].value == "离校未就业高校毕业生")

    before = graduates_on_register()
    populate(world, world.youhao)
    assert graduates_on_register() == before  # counted at the last refresh
    refresh = report_summaries_refresh()
    assert graduates_on_register() == before + 6
    body = client.get(reverse("benefits:report-detail", args=["registers"])).content.decode()
    assert f"{timezone.localtime(refresh.refreshed_at):%Y-%m-%d %H:%M}" in body
    again = report_summaries_refresh()
    assert again.figures == refresh.figures


def test_the_summaries_are_refreshed_by_a_periodic_job_and_a_command(settings, db):
    from django.core.management import call_command

    from benefits.models import ReportRefresh

    task = settings.CASEWORK_PERIODIC_TASKS["report-summaries-refresh"]["task"]
    assert task == "benefits.tasks.report_summaries_refresh"
    call_command("refresh_report_summaries", stdout=io.StringIO())
    assert ReportRefresh.objects.count() == 1
    from benefits.tasks import report_summaries_refresh_task

    report_summaries_refresh_task.apply()
    assert ReportRefresh.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refresh_outside_a_transaction_leaves_the_summaries_vacuumed_and_analyzed(world, graduate, db_vendor):
    refresh = report_summaries_refresh()
    assert refresh.figures == ReportFigure.objects.count() > 0
    if db_vendor == "postgresql":  # elsewhere there is nothing to vacuum: the refresh above only must not fail
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s",
                [ReportFigure._meta.db_table],
            )
            assert cursor.fetchone() == (True, True)


def test_a_list_shows_masked_id_numbers_and_links_to_the_person(world, report_data, console_as):
    client = console_as(world.bob)
    response = client.get(reverse("benefits:report-list", args=["contacts.never"]) + "?" + period_query())
    rows = response.context["rows"]
    assert rows
    person = RegistryEntry.objects.filter(unit=world.youhao, register__needs_contact=True).first().person
    body = response.content.decode()
    assert person.id_number not in body
    assert reverse("casework:person-detail", args=[rows[0][0].link.rstrip("/").split("/")[-1]]) == rows[0][0].link


# --- 2. A district sees the district; the city the sum of its districts -------------------------------------------


def test_a_district_supervisor_sees_the_district_and_the_city_the_sum(world, report_data, xigang_world, console_as):
    _community, xena = xigang_world
    bob = numbers(dashboard(console_as(world.bob)))
    xigang = numbers(dashboard(console_as(xena)))
    city = numbers(dashboard(console_as(world.grace)))
    assert bob and xigang
    for key in set(bob) | set(xigang) | set(city):
        assert city.get(key, 0) == bob.get(key, 0) + xigang.get(key, 0), key
    on_register = ("registers", "by_register", "离校未就业高校毕业生", "期末在册")
    assert bob[on_register] == 12 and xigang[on_register] == 6 and city[on_register] == 18
    jinan = numbers(dashboard(console_as(world.carol)))
    assert jinan[on_register] == 6


def test_the_city_by_unit_table_has_one_row_per_district_equal_to_the_district(world, report_data, console_as):
    bob = dashboard(console_as(world.bob))
    city = dashboard(console_as(world.grace))
    for bob_report, city_report in zip(bob, city, strict=True):
        for bob_table, city_table in zip(bob_report.tables, city_report.tables, strict=True):
            if bob_table.key != "by_unit":
                continue
            assert [row[0].value for row in city_table.rows] == ["中山区", "西岗区"]
            assert [row[0].value for row in bob_table.rows] == ["青泥洼桥街道"]
            zhongshan = city_table.rows[0]
            for column, cell in enumerate(zhongshan[1:], start=1):
                if cell.numeric:
                    assert cell.value == sum(row[column].value for row in bob_table.rows), city_report.name


def test_a_unit_outside_the_area_is_not_found(world, report_data, console_as):
    client = console_as(world.bob)
    assert client.get(reverse("benefits:report-dashboard") + f"?unit={world.xigang.pk}").status_code == 404
    leads = reverse("benefits:report-list", args=["leads.open"])
    assert client.get(leads + f"?unit={world.jinan.pk}").status_code == 404
    assert client.get(reverse("benefits:report-list", args=["nothing.here"])).status_code == 404
    assert client.get(reverse("benefits:report-detail", args=["nothing"])).status_code == 404


def test_choosing_a_community_narrows_every_number(world, report_data, console_as):
    client = console_as(world.bob)
    whole = numbers(dashboard(client))
    youhao = numbers(dashboard(client, unit=world.youhao.pk))
    on_register = ("registers", "by_register", "离校未就业高校毕业生", "期末在册")
    assert youhao[on_register] == 6 and whole[on_register] == 12


def test_charts_keep_to_the_content_security_policy(world, report_data, console_as):
    """No inline style or script in a chart (the console's CSP allows neither), and labels are escaped."""
    response = console_as(world.grace).get(reverse("benefits:report-dashboard") + "?" + period_query())
    charts = [table.svg for report in response.context["reports"] for table in report.tables if table.svg]
    assert len(charts) >= 10
    for svg in charts:
        assert svg.startswith("<svg ") and 'role="img"' in svg
        assert "<style" not in svg and " style=" not in svg and "<script" not in svg


def test_applicants_get_no_reports(world, console_as):
    response = console_as(world.dan).get(reverse("benefits:report-dashboard"))
    assert response.status_code == 403


def test_the_nav_shows_reports_to_staff(world, console_as):
    response = console_as(world.alice).get(reverse("accounts:home"))
    assert reverse("benefits:report-dashboard") in [item["url"] for item in response.context["nav_items"]]


# --- 3. The workbook: the page's numbers, no full ID number without the permission --------------------------------


def _sheet_rows(workbook):
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def _cells(response) -> set[str]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {str(value) for rows in _sheet_rows(workbook).values() for row in rows for value in row}


def test_the_report_workbook_has_the_numbers_of_the_page(world, report_data, console_as):
    client = console_as(world.bob)
    reports = dashboard(client)
    response = client.get(reverse("benefits:report-dashboard") + "?" + period_query(format="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheets = _sheet_rows(workbook)
    assert len(sheets) == len(REPORTS)
    for report, (_title, rows) in zip(reports, sheets.items(), strict=True):
        assert rows[0][0] == report.title
        for table in report.tables:
            start = next(i for i, row in enumerate(rows) if row[0] == table.title)
            heading = rows[start + 1][: len(table.columns)]
            assert [cell or "" for cell in heading] == [str(column) for column in table.columns]
            for offset, row in enumerate(table.rows, start=2):
                written = rows[start + offset][: len(row)]
                assert written == [cell.value for cell in row], (report.name, table.key)


def test_no_full_id_number_in_any_file_for_a_user_without_the_permission(world, report_data, console_as):
    client = console_as(world.bob)
    entries = RegistryEntry.objects.filter(unit__path__startswith=world.zhongshan.path)
    ids = set(entries.values_list("person__id_number", flat=True))
    assert ids
    urls = [reverse("benefits:report-dashboard") + "?" + period_query(format="xlsx")]
    urls.append(reverse("benefits:report-monthly") + f"?month={TODAY:%Y-%m}")
    for figure in ("registers.active", "contacts.total", "applications.received", "lines.paid", "grants.active"):
        urls.append(reverse("benefits:report-list", args=[figure]) + "?" + period_query(format="xlsx"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        cells = _cells(response)
        assert not ids & cells, url
        if "list" in url:
            assert any(value.endswith(tuple(number[-4:] for number in ids)) for value in cells), url


def test_full_numbers_need_the_permission_and_a_reason_and_are_logged(world, report_data, console_as):
    client = console_as(world.bob)
    url = reverse("benefits:report-list", args=["registers.active"]) + "?" + period_query()
    assert client.post(url, {"reason": "核对名单"}).status_code == 403
    world.bob.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    client = console_as(type(world.bob).objects.get(pk=world.bob.pk))
    session = client.session
    session.pop(SESSION_REAUTH, None)
    session.save()
    response = client.post(url, {"reason": "核对名单"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauth"))
    session[SESSION_REAUTH] = int(time.time())
    session.save()
    assert client.post(url, {"reason": ""}).status_code == 403
    assert not PersonalDataAccess.objects.exists()
    response = client.post(url, {"reason": "核对名单"})
    assert response.status_code == 200
    cells = _cells(response)
    zhang = RegistryEntry.objects.filter(unit=world.youhao).first().person
    assert zhang.id_number in cells
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.reason) == (world.bob, "核对名单")


def test_the_monthly_workbook_has_a_sheet_per_report_with_the_month_s_numbers(world, report_data, console_as):
    client = console_as(world.grace)
    month = f"{LAST_MONTH:%Y-%m}"
    page = client.get(reverse("benefits:report-detail", args=["payments"]) + f"?from={month}&to={month}")
    paid = next(t for t in page.context["reports"][0].tables if t.key == "by_month").rows
    response = client.get(reverse("benefits:report-monthly") + f"?month={month}")
    sheets = _sheet_rows(load_workbook(io.BytesIO(b"".join(response.streaming_content))))
    assert len(sheets) == len(REPORTS)
    name = f"全辖区-就业服务统计月报-{LAST_MONTH.year}年{LAST_MONTH.month}月.xlsx"
    assert quote(name) in response["Content-Disposition"]  # a name a person reads, in Chinese
    money = list(sheets.values())[list(REPORTS).index("payments")]
    written = next(row for row in money if row[0] == month)
    assert written[: len(paid[0])] == [month, *[cell.value for cell in paid[0][1:]]]
    assert any(cell.value for cell in paid[0][1:])


# --- Queries do not grow with the data --------------------------------------------------------------------------


def test_the_dashboard_runs_the_same_number_of_queries_for_more_data(
    world, xigang_world, console_as, django_assert_num_queries
):
    client = console_as(world.grace)
    populate(world, world.youhao)
    report_summaries_refresh()
    url = reverse("benefits:report-dashboard") + "?" + period_query()
    client.get(url)  # sessions, caches
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    populate(world, world.tianjinjie, scale=3)
    populate(world, xigang_world[0], scale=2)
    report_summaries_refresh()
    with django_assert_num_queries(len(small.captured_queries)):
        reports = client.get(url).context["reports"]
    on_register = ("registers", "by_register", "离校未就业高校毕业生", "期末在册")
    assert numbers(reports)[on_register] == 36


def test_a_drill_down_list_runs_the_same_number_of_queries_for_more_rows(
    world, xigang_world, console_as, django_assert_num_queries
):
    client = console_as(world.grace)
    populate(world, world.youhao)
    for figure in ("registers.active", "households.zero", "lines.paid", "followups.open", "applications.received"):
        url = reverse("benefits:report-list", args=[figure]) + "?" + period_query()
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        populate(world, world.tianjinjie, scale=2)
        with django_assert_num_queries(len(few.captured_queries)):
            assert client.get(url).context["page"].paginator.count > 0


def test_a_contact_logged_shows_in_the_counts_once_the_queued_catch_up_runs(world, report_data, console_as):
    """The count a user clicks equals the list it opens after a write, once the beat's catch-up (every 30 s) ran;
    with nothing changed, the catch-up recomputes nothing."""
    from benefits.tasks import report_summaries_catch_up_task
    from casework import services

    client = console_as(world.bob)

    def never_contacted():
        contacts = next(r for r in dashboard(client) if r.name == "contacts")
        cell = next(
            c for t in contacts.tables for row in t.rows for c in row[1:] if c.link and "contacts.never" in c.link
        )
        return cell.value, client.get(cell.link).context["page"].paginator.count

    count, listed = never_contacted()
    assert count == listed > 0
    assert report_summaries_catch_up_task() == {"figures": None}  # nothing changed since the refresh
    entry = RegistryEntry.objects.filter(unit=world.youhao, register__needs_contact=True, person__contacts=None).first()
    services.contact_log(actor=world.alice, person=entry.person, contacted_on=TODAY, channel="phone", outcome="seeking")
    assert Contact.objects.filter(person=entry.person).exists()
    assert never_contacted() == (count, listed - 1)  # the list is live, the count waits for the catch-up
    assert report_summaries_catch_up_task()["figures"]  # the queued work
    assert never_contacted() == (count - 1, listed - 1)
