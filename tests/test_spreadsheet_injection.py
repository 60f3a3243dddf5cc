"""Spreadsheets never run what a user typed: names a spreadsheet would read as a formula (OWASP "CSV injection")
and control characters the xlsx format cannot hold go out through every export (register export, import report,
report list, report workbooks, bank file in CSV and XLSX) and come back as plain, readable text; no export fails
on them."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Membership, Role, ServiceUnit
from benefits.models import DisbursementBatch, Entitlement
from benefits.payments.services.batches import batch_approve, batch_export
from benefits.payments.services.generation import disbursements_generate
from casework import imports, services
from casework.models import ImportRun, Organization, Person, Register
from core.spreadsheets import safe_cell

from .benefits.workflow import monthly_grant
from .factories import UserFactory, make_employer, make_id_number, make_person, make_unit

pytestmark = pytest.mark.django_db
D = datetime.date
GRADUATES = "unemployed_graduates_after_leaving"
FORMULAS = ['=HYPERLINK("http://evil.example/","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
CONTROL = "张\x01三\x1b"
HOSTILE = [*FORMULAS, CONTROL]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def readable(name: str, *, xlsx: bool = True) -> str:
    """What a hostile name reads as in a file: a formula behind a leading ``'``, control characters gone. An xlsx
    file is XML, which reads a carriage return as a line feed."""
    text = "张三" if name == CONTROL else "'" + name
    return text.replace("\r", "\n") if xlsx else text


def workbook_strings(content: bytes) -> set[str]:
    """Every string cell of every sheet, after checking that no cell is a formula or starts like one."""
    workbook = load_workbook(io.BytesIO(content))
    found = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(TRIGGERS), (sheet.title, cell.coordinate, cell.value)
                    found.add(cell.value)
    return found


def csv_strings(content: bytes) -> set[str]:
    found = set()
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")):
        for value in row:
            assert not value.startswith(TRIGGERS), value
            found.add(value)
    return found


def downloaded(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def hostile_people(world):
    """One person of alice's community per hostile name, on the graduates register. The names are written
    straight to the table: the exports must cope with whatever is already stored, whatever input now refuses."""
    register = Register.objects.get(code=GRADUATES)
    people = []
    for i, name in enumerate(HOSTILE, start=1):
        person = make_person(
            world.youhao,
            f"居民{i}",
            id_number=make_id_number(birth="19990101", sequence=100 + i),
            education="bachelor",
            graduation_date=D(2026, 7, 1),
        )
        services.registry_entry_add(actor=world.alice, register=register, person=person, entered_on=D(2026, 7, 10))
        Person.objects.filter(pk=person.pk).update(name=name)
        people.append(person)
    return people


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example/","click")', '\'=HYPERLINK("http://evil.example/","click")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        (CONTROL, "张三"),
        ("\x00=1+1", "'=1+1"),  # a control character does not hide a formula behind it
        ("张三", "张三"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (-12, -12),
        (D(2026, 1, 5), D(2026, 1, 5)),
    ],
)
def test_safe_cell_neutralises_strings_only(value, written):
    assert safe_cell(value) == written


def test_the_register_export_writes_hostile_names_as_text(world, hostile_people, console_as):
    client = console_as(world.alice)
    strings = workbook_strings(downloaded(client.get(reverse("casework:imports:export", args=[GRADUATES]))))
    assert {readable(name) for name in HOSTILE} <= strings


def test_the_import_report_writes_hostile_names_as_text(world, console_as):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([column.header for column in imports.COLUMNS])
    for i, name in enumerate(HOSTILE, start=1):
        row = {"name": name, "id_number": make_id_number(birth="19990101", sequence=i), "community": "友好社区"}
        row |= {"entered_on": "2026-07-10", "graduation_date": "2026-07-01", "education": "本科"}
        writer.writerow([row.get(column.key, "") for column in imports.COLUMNS])
    upload = SimpleUploadedFile("名单.csv", text.getvalue().encode("utf-8-sig"))
    client = console_as(world.alice)
    client.post(reverse("casework:imports:upload"), {"register": GRADUATES, "unit": world.youhao.pk, "file": upload})
    run = ImportRun.objects.get()
    assert len(run.report) == len(HOSTILE)
    strings = workbook_strings(downloaded(client.get(reverse("casework:imports:report", args=[run.pk]))))
    # the import trims each value, so the tab and the carriage return do not reach the report
    assert {readable(name) for name in FORMULAS[:4]} <= strings


def test_the_report_list_export_writes_hostile_names_as_text(world, hostile_people, console_as):
    client = console_as(world.bob)
    response = client.get(reverse("benefits:report-list", args=["registers.active"]) + "?format=xlsx")
    assert {readable(name) for name in HOSTILE} <= workbook_strings(downloaded(response))


@pytest.mark.parametrize("url", ["benefits:report-monthly", "benefits:report-dashboard"])
def test_the_report_workbooks_write_hostile_unit_names_as_text(url, world, console_as):
    """Unit names (typed by an administrator) are the free text of these workbooks: the by-unit tables list
    the district's streets, and a chosen unit is named on top of every sheet."""
    streets = []
    for i, name in enumerate(HOSTILE, start=1):
        street = make_unit(f"街道{i}", ServiceUnit.Level.STREET, world.zhongshan)
        ServiceUnit.objects.filter(pk=street.pk).update(name=name)
        streets.append(street)
    client = console_as(world.bob)
    strings = workbook_strings(downloaded(client.get(reverse(url) + "?format=xlsx")))
    assert {readable(name) for name in HOSTILE} <= strings
    chosen = workbook_strings(downloaded(client.get(reverse(url) + f"?format=xlsx&unit={streets[0].pk}")))
    assert readable(HOSTILE[0]) in chosen


@pytest.fixture
def finance(world):
    user = UserFactory(username="fang", full_name="方芳")
    Membership.objects.create(user=user, unit=world.dalian, role=Role.FINANCE)
    user.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    return user


@pytest.mark.parametrize("name", HOSTILE)
def test_the_bank_file_writes_hostile_payee_names_as_text_and_amounts_as_they_are(name, world, graduate, finance):
    """张三's three monthly lines of 1,000 CNY, one of them moved to an employer; both payees carry the name."""
    Person.objects.filter(pk=graduate.pk).update(bank_account="6222021234567890123", name=name)
    grant = monthly_grant(world, graduate, end=D(2027, 2, 20))
    Entitlement.objects.filter(pk=grant.pk).update(max_periods=3)
    disbursements_generate(month=D(2027, 1, 1), actor=world.bob)
    batch = DisbursementBatch.objects.get()
    employer = make_employer(world.youhao, bank_account="6222029876543210987")
    Organization.objects.filter(pk=employer.pk).update(name=name)
    batch.lines.filter(pk=batch.lines.order_by("pk").first().pk).update(person=None, organization=employer)
    batch_approve(actor=finance, batch=batch)
    batch_export(actor=finance, batch=batch)
    batch.refresh_from_db()

    in_csv, in_xlsx = csv_strings(bytes(batch.export_csv)), workbook_strings(bytes(batch.export_xlsx))
    assert readable(name, xlsx=False) in in_csv and readable(name) in in_xlsx
    assert {"1000.00", "3000.00"} <= in_csv & in_xlsx  # the system's amounts stay the bank's plain numbers
    rows = list(csv.reader(io.StringIO(bytes(batch.export_csv).decode("utf-8-sig"), newline="")))
    assert [row[2] for row in rows[1:-1]] == [readable(name, xlsx=False)] * 3
