"""Register import and export: preview names every bad row, "valid" stores the rest, "all or nothing" stores
nothing, a re-import adds nobody, a known ID number is never renamed, no full number leaves the server
unasked, and everything is 404 outside the area."""

import csv
import datetime
import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from accounts.audit import SYSTEM_USERNAME
from casework import imports
from casework.identity import check_id_number
from casework.models import ImportRun, NameConflict, Person, PersonalDataAccess, Register, RegistryEntry
from core.errors import PermissionDenied

from ..factories import make_id_number

pytestmark = pytest.mark.django_db
D = datetime.date
HEADERS = [column.header for column in imports.COLUMNS]
ENTERED = D(2026, 1, 5)
GRADUATES = "unemployed_graduates_after_leaving"  # 大连 and 济南: two years from the graduation date


def url(name, *args):
    """The import routes, wherever the project includes them."""
    for namespace in ("casework:imports", "imports"):
        try:
            return reverse(f"{namespace}:{name}", args=args)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)


def person_row(i, *, name=None, id_number=None, community="友好社区", entered_on=ENTERED, **overrides):
    row = {
        "name": f"学生{i:02d}" if name is None else name,
        "id_number": id_number or make_id_number(birth="19990101", sequence=i),
        "phone": f"1381234{i:04d}",
        "community": community,
        "entered_on": entered_on,
        "graduation_date": D(2025, 7, 1),
        "education": "本科",
        "note": "",
    }
    row.update(overrides)
    return row


def xlsx(rows, name="名单.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(column.key) for column in imports.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows, *, encoding="utf-8-sig", name="名单.csv") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else str(row.get(c.key)) for c in imports.COLUMNS])
    return SimpleUploadedFile(name, text.getvalue().encode(encoding))


def twenty_with_three_bad():
    rows = [person_row(i) for i in range(20)]
    rows[3]["id_number"] = rows[3]["id_number"][:-1] + ("0" if rows[3]["id_number"][-1] != "0" else "1")
    rows[8]["entered_on"] = "2026-13-01"
    rows[15]["community"] = "天津街社区"  # a community of 大连, but not in alice's
    return rows


def preview(world, upload, *, actor=None, unit=None, register=GRADUATES):
    return imports.import_preview(
        actor=actor or world.alice,
        register=Register.objects.get(code=register),
        unit=unit or world.youhao,
        uploaded_file=upload,
        file_name=upload.name,
    )


def errors_by_row(run):
    return {row["row"]: row["errors"] for row in run.report if row["status"] == "error"}


def cells(response) -> str:
    """Every cell of every sheet of an .xlsx response, as one string."""
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    text = " ".join(str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    workbook.close()
    return text


def upload_as(client, world, upload, *, unit=None, register=GRADUATES):
    return client.post(url("upload"), {"register": register, "unit": (unit or world.youhao).pk, "file": upload})


def test_three_bad_rows_of_twenty_valid_stores_17_all_or_nothing_none_and_a_reimport_nothing(world, console_as):
    """The acceptance test of the issue, through the console."""
    client = console_as(world.alice)
    rows = twenty_with_three_bad()
    response = upload_as(client, world, xlsx(rows))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == url("preview", run.pk)
    assert (run.status, run.total_rows, run.error_rows, run.created_count) == ("previewed", 20, 3, 17)
    assert not Person.objects.exists() and not RegistryEntry.objects.exists()  # a preview stores nothing

    errors = errors_by_row(run)
    assert sorted(errors) == [5, 10, 17]  # spreadsheet rows: the headings are row 1
    with pytest.raises(ValidationError) as checksum:
        check_id_number(rows[3]["id_number"])
    assert errors[5] == [{"column": "身份证号码", "message": checksum.value.messages[0]}]
    assert [e["column"] for e in errors[10]] == ["登记日期"] and "2026-13-01" in errors[10][0]["message"]
    assert [e["column"] for e in errors[17]] == ["所在社区"] and "天津街社区" in errors[17][0]["message"]
    page = client.get(url("preview", run.pk)).content.decode()
    for number, row_errors in errors.items():
        assert f'<td class="num">{number}</td>' in page
        assert escape(row_errors[0]["message"]) in page

    response = client.post(url("commit", run.pk), {"mode": "all-or-nothing"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.created_count) == ("rejected", 0)
    assert not Person.objects.exists() and not RegistryEntry.objects.exists()

    client.post(url("commit", run.pk), {"mode": "valid"})
    run.refresh_from_db()
    assert (run.status, run.created_count, run.existing_count, run.error_rows) == ("committed", 17, 0, 3)
    assert Person.objects.count() == 17 and RegistryEntry.objects.count() == 17
    entry = RegistryEntry.objects.select_related("person").get(person__name="学生00")
    assert (entry.unit, entry.entered_on, entry.window_ends_on, entry.source) == (
        world.youhao,
        D(2026, 1, 5),
        D(2027, 7, 1),
        "import",
    )
    person = entry.person
    facts = check_id_number(person.id_number)
    assert (person.birth_date, person.sex, person.id_number_reversed, person.id_region_known) == (
        facts.birth_date,
        facts.sex,
        person.id_number[::-1],
        facts.region_known,
    )
    assert (person.phone, person.education, person.graduation_date) == ("13812340000", "bachelor", D(2025, 7, 1))
    assert Person.history.count() == 17 and RegistryEntry.history.count() == 17
    assert {h.history_user for h in Person.history.all()} == {world.alice}
    assert client.post(url("commit", run.pk), {"mode": "valid"}).status_code == 302  # already committed
    assert Person.objects.count() == 17

    upload_as(client, world, xlsx(rows))
    again = ImportRun.objects.exclude(pk=run.pk).get()
    assert (again.created_count, again.existing_count) == (0, 17)
    client.post(url("commit", again.pk), {"mode": "valid"})
    again.refresh_from_db()
    assert (again.status, again.created_count, again.existing_count) == ("committed", 0, 17)
    assert Person.objects.count() == 17 and RegistryEntry.objects.count() == 17
    assert {row["status"] for row in again.report} == {"existing", "error"}


@pytest.mark.parametrize(
    "make_upload",
    [xlsx, csv_file, lambda rows: csv_file(rows, encoding="utf-8"), lambda rows: csv_file(rows, encoding="gb18030")],
    ids=["xlsx", "csv-utf8-bom", "csv-utf8", "csv-gb18030"],
)
def test_xlsx_and_csv_in_utf8_or_gb18030_read_the_same(world, make_upload):
    rows = [person_row(i) for i in range(3)]
    rows[1].update(community="", education="硕士", entered_on="2026/2/1", graduation_date="")
    run = preview(world, make_upload(rows))
    assert (run.total_rows, run.error_rows) == (3, 0), run.report
    run = imports.import_commit(actor=world.alice, run=run, mode="all-or-nothing")
    assert (run.status, run.created_count) == ("committed", 3)
    second = Person.objects.get(name="学生01")
    assert (second.residence_unit, second.education, second.graduation_date) == (world.youhao, "master", None)
    assert second.registry_entries.get().entered_on == D(2026, 2, 1)


def test_an_id_number_typed_as_a_number_is_a_clear_error(world):
    row = person_row(1)
    row["id_number"] = int(row["id_number"])  # Excel keeps 15 significant digits
    run = preview(world, xlsx([row]))
    assert errors_by_row(run) == {
        2: [
            {
                "column": "身份证号码",
                "message": gettext(
                    "The ID number was stored as a number and lost its last digits: format the column as text "
                    "and type the number again."
                ),
            }
        ]
    }


def test_duplicate_rows_in_one_file_are_reported_and_stored_once(world):
    rows = [person_row(1), person_row(2), person_row(1, name="学生01")]
    run = preview(world, xlsx(rows))
    assert errors_by_row(run) == {
        4: [
            {
                "column": "身份证号码",
                "message": gettext("This ID number is already on row %(row)d of this file.") % {"row": 2},
            }
        ]
    }
    imports.import_commit(actor=world.alice, run=run, mode="valid")
    assert Person.objects.count() == 2


def test_a_known_id_with_another_name_is_reported_never_renamed_and_kept_for_review(world, people):
    zhang = people["zhang"]
    rows = [
        person_row(1, name="张叁", id_number=zhang.id_number),
        person_row(2, name="张三", id_number=zhang.id_number),
    ]
    run = preview(world, xlsx(rows[:1]))
    assert [e["column"] for e in errors_by_row(run)[2]] == ["姓名"]
    assert "张三" not in json.dumps(run.report, ensure_ascii=False)  # the name on file is not disclosed
    assert not NameConflict.objects.exists()  # a preview records nothing
    imports.import_commit(actor=world.alice, run=run, mode="valid")
    zhang.refresh_from_db()
    assert zhang.name == "张三"
    conflict = NameConflict.objects.get()
    assert (conflict.person, conflict.name_on_file, conflict.name_received, conflict.source) == (
        zhang,
        "张三",
        "张叁",
        "import",
    )
    # the same ID with the name on file reuses the person
    run = imports.import_commit(actor=world.alice, run=preview(world, xlsx(rows[1:])), mode="valid")
    assert run.created_count == 1 and Person.objects.filter(id_number=zhang.id_number).count() == 1
    assert zhang.registry_entries.get().source == "import"


def test_rules_of_the_services_are_checked_without_writing(world, people):
    rows = [
        person_row(1, name="王五", id_number=people["wang"].id_number),  # lives in 济南, outside alice's area
        person_row(2, graduation_date=D(2020, 7, 1)),  # the two-year window closed in 2022
        person_row(3, phone="12345"),
        person_row(4, education="博士后"),
        person_row(5, name=""),
    ]
    run = preview(world, xlsx(rows))
    assert {row: [e["column"] for e in errs] for row, errs in errors_by_row(run).items()} == {
        2: ["身份证号码"],
        3: ["登记日期"],
        4: ["手机号码"],
        5: ["学历"],
        6: ["姓名"],
    }
    assert "2022-07-01" in errors_by_row(run)[3][0]["message"]


def test_a_register_of_another_city_is_an_error_on_every_row(world):
    rows = [person_row(i, community="", id_number=make_id_number("370102", sequence=i)) for i in range(2)]
    run = preview(world, xlsx(rows), actor=world.carol, unit=world.furong, register="registered_unemployed_graduates")
    assert run.error_rows == 2
    assert all(errs[0]["column"] == "所在社区" for errs in errors_by_row(run).values())
    run = preview(world, xlsx(rows), actor=world.carol, unit=world.furong)  # 济南 keeps this one
    assert imports.import_commit(actor=world.carol, run=run, mode="valid").created_count == 2


def test_a_street_import_names_the_community_of_each_row(world):
    rows = [
        person_row(1, community="友好社区"),
        person_row(2, community="青泥洼桥街道/天津街社区"),
        person_row(3, community=""),
    ]
    run = imports.import_commit(
        actor=world.bob, run=preview(world, xlsx(rows), actor=world.bob, unit=world.qingniwa), mode="valid"
    )
    assert sorted(Person.objects.values_list("residence_unit__name", flat=True)) == ["友好社区", "天津街社区"]
    assert [e["column"] for e in errors_by_row(run)[4]] == ["所在社区"]


def test_no_full_id_or_phone_number_in_the_preview_the_report_or_the_export(world, console_as):
    client = console_as(world.alice)
    rows = twenty_with_three_bad()
    upload_as(client, world, xlsx(rows))
    run = ImportRun.objects.get()
    client.post(url("commit", run.pk), {"mode": "valid"})
    secrets = [row["id_number"] for row in rows] + [row["phone"] for row in rows]
    outputs = {
        "preview": client.get(url("preview", run.pk)).content.decode(),
        "result": client.get(url("result", run.pk)).content.decode(),
        "report": cells(client.get(url("report", run.pk))),
        "export": cells(client.get(url("export", GRADUATES))),
        "stored report": json.dumps(run.report),
    }
    assert client.post(url("export", GRADUATES), {"unmasked": "1", "reason": "核对"}).status_code == 403
    for where, text in outputs.items():
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, (where, leaked)
    assert "学生00" in outputs["export"] and "210202********" in outputs["export"]
    assert not PersonalDataAccess.objects.exists()


def test_a_full_export_needs_the_permission_and_a_reason_and_is_logged(world, console_as):
    imports.import_commit(actor=world.alice, run=preview(world, xlsx([person_row(1)])), mode="valid")
    world.alice.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    client = console_as(world.alice)
    response = client.post(url("export", GRADUATES), {"unmasked": "1", "reason": " "})
    assert response.status_code == 302 and not PersonalDataAccess.objects.exists()
    by_get = cells(client.get(url("export", GRADUATES), {"unmasked": "1", "reason": "核对"}))
    assert person_row(1)["id_number"] not in by_get and not PersonalDataAccess.objects.exists()  # GET stays masked
    response = client.post(url("export", GRADUATES), {"unmasked": "1", "reason": "核对身份证复印件"})
    assert response.status_code == 200
    text = cells(response)
    assert person_row(1)["id_number"] in text and "13812340001" in text
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.person, log.fields, log.reason) == (
        world.alice,
        None,
        "id_number,phone (export)",
        "核对身份证复印件",
    )
    # the city's auditor reads it in the access log; another city's auditor does not
    from casework.selectors import access_log

    world.grace.memberships.update(role="auditor")
    assert list(access_log(user=world.grace)) == [log]
    assert list(access_log(user=world.carol)) == []


def test_carol_gets_404_for_alices_runs_and_cannot_import_into_alices_unit(world, console_as):
    run = preview(world, xlsx([person_row(1)]))
    client = console_as(world.carol)
    for name in ("preview", "result", "report"):
        assert client.get(url(name, run.pk)).status_code == 404, name
    assert client.post(url("commit", run.pk), {"mode": "valid"}).status_code == 404
    assert client.get(url("export", "registered_unemployed_graduates")).status_code == 404  # 大连 only
    assert client.get(url("template", "registered_unemployed_graduates")).status_code == 404
    run.refresh_from_db()
    assert run.status == "previewed" and not Person.objects.exists()

    response = upload_as(client, world, xlsx([person_row(2)]))
    assert response.status_code == 200 and "file" not in response.context["form"].errors
    assert response.context["form"].errors["unit"]
    assert ImportRun.objects.count() == 1
    with pytest.raises(PermissionDenied):
        preview(world, xlsx([person_row(2)]), actor=world.carol)
    with pytest.raises(PermissionDenied):
        imports.import_commit(actor=world.carol, run=run, mode="valid")
    assert not Person.objects.exists() and ImportRun.objects.count() == 1

    imports.import_commit(actor=world.alice, run=run, mode="valid")
    text = cells(client.get(url("export", GRADUATES)))  # a register of both cities: only her own area
    assert "学生01" not in text
    assert console_as(world.erin).get(url("upload")).status_code == 403  # applicants have no console


def test_the_template_has_the_chinese_headings_and_can_be_filled_in_and_imported(world, console_as):
    client = console_as(world.alice)
    response = client.get(url("template", GRADUATES))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "姓名",
        "身份证号码",
        "手机号码",
        "所在社区",
        "登记日期",
        "毕业时间",
        "学历",
        "备注",
    ]
    assert "离校未就业高校毕业生" in " ".join(str(c.value) for row in workbook.worksheets[1].iter_rows() for c in row)
    row = person_row(1)
    for index, column in enumerate(imports.COLUMNS, start=1):
        sheet.cell(row=2, column=index, value=row[column.key])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload_as(client, world, SimpleUploadedFile("填好的.xlsx", buffer.getvalue()))
    run = ImportRun.objects.get()
    assert (run.total_rows, run.error_rows, run.created_count) == (1, 0, 1)


def test_a_file_that_is_not_a_register_list_is_refused_whole(world, console_as):
    client = console_as(world.alice)
    for upload in (
        SimpleUploadedFile("x.xlsx", b"not a zip"),
        SimpleUploadedFile("x.txt", b"a,b"),
        SimpleUploadedFile("x.csv", "姓名,手机号码\n张三,13812345678\n".encode()),
        SimpleUploadedFile("x.csv", b"\xff\xfe\x00\x00\x81"),
    ):
        response = upload_as(client, world, upload)
        assert response.status_code == 200 and response.context["form"].errors["file"], upload.name
    assert not ImportRun.objects.exists()


def test_the_command_previews_and_commits_and_prints_json(world, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_file(twenty_with_three_bad()).read())
    out = io.StringIO()
    call_command("import_register", str(path), "--register", GRADUATES, "--unit", "210202", stdout=out)
    summary = json.loads(out.getvalue())
    assert {k: summary[k] for k in ("status", "total_rows", "error_rows", "created_count", "existing_count")} == {
        "status": "previewed",
        "total_rows": 20,
        "error_rows": 2,
        "created_count": 18,
        "existing_count": 0,
    }
    assert not Person.objects.exists()
    assert [e["row"] for e in summary["errors"]] == [5, 10]  # 天津街社区 is in 中山区: only two errors here
    out = io.StringIO()
    call_command(
        "import_register",
        str(path),
        "--register",
        GRADUATES,
        "--unit",
        str(world.youhao.pk),
        "--commit",
        "valid",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert (summary["status"], summary["created_count"], summary["error_rows"]) == ("committed", 17, 3)
    assert [e["row"] for e in summary["errors"]] == [5, 10, 17]
    assert "210202********" in summary["errors"][0]["id_number_masked"]
    assert {h.history_user.username for h in Person.history.all()} == {SYSTEM_USERNAME}


@pytest.mark.parametrize("make_upload", [xlsx, csv_file], ids=["xlsx", "csv"])
def test_an_upload_spooled_to_a_temporary_file_is_read_too(world, console_as, settings, make_upload):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # every upload goes to a temporary file, as large ones do
    client = console_as(world.alice)
    assert client.get(url("upload")).status_code == 200
    response = upload_as(client, world, make_upload([person_row(i) for i in range(5)]))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert (run.total_rows, run.error_rows, run.created_count) == (5, 0, 5)
    client.post(url("commit", run.pk), {"mode": "valid"})
    assert Person.objects.count() == 5


def test_an_open_entry_is_reused_before_any_window_check_as_the_service_does(world):
    from casework import services

    register = Register.objects.get(code=GRADUATES)
    old = services.person_create(
        actor=world.alice,
        name="老毕业生",
        id_number=make_id_number(birth="19980101", sequence=7),
        residence_unit=world.youhao,
        graduation_date=D(2020, 7, 1),
    )
    entry = services.registry_entry_add(actor=world.alice, register=register, person=old, entered_on=D(2020, 8, 1))
    assert services.registry_entry_add(actor=world.alice, register=register, person=old, entered_on=ENTERED) == entry
    rows = [person_row(1, name="老毕业生", id_number=old.id_number), person_row(2)]
    rows[1].update(name="老毕业生", id_number=old.id_number, phone="123")
    run = preview(world, xlsx(rows[:1]))
    assert (run.error_rows, run.existing_count) == (0, 1)
    run = preview(world, xlsx(rows[1:]))
    assert [e["column"] for e in errors_by_row(run)[2]] == ["手机号码"]  # no window error


def test_the_templates_own_example_row_imports_without_an_error(world, console_as):
    """Every example the template gives is valid: copied onto the first sheet, the example row imports."""
    client = console_as(world.alice)
    workbook = load_workbook(io.BytesIO(b"".join(client.get(url("template", GRADUATES)).streaming_content)))
    sheet, notes = workbook.worksheets
    examples = {row[0].value: row[3].value for row in notes.iter_rows(min_row=5) if row[0].value and len(row) > 3}
    headers = [cell.value for cell in sheet[1]]
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=index, value=examples[header] or None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload_as(client, world, SimpleUploadedFile("示例.xlsx", buffer.getvalue()))
    run = ImportRun.objects.get()
    assert (run.total_rows, run.error_rows, run.created_count) == (1, 0, 1)
    imports.import_commit(actor=world.alice, run=run, mode="all-or-nothing")
    imported = Person.objects.get(name="张三")
    assert (imported.name_pinyin, imported.name_initials) == ("zhangsan", "zs")  # set by the bulk insert too


def test_an_import_puts_the_duties_it_creates_on_the_worklist_at_once(world):
    """Graduates imported onto the 逐一联系 register 60 days after they entered it are due for a contact now, not
    after the night."""
    from django.utils import timezone

    from casework.models import FollowUp

    entered = timezone.localdate() - datetime.timedelta(days=60)
    run = preview(world, csv_file([person_row(i, entered_on=entered) for i in range(3)]))
    imports.import_commit(actor=world.alice, run=run, mode="valid")
    due = FollowUp.objects.filter(kind=FollowUp.Kind.CONTACT_DUE, done_at__isnull=True)
    assert sorted(due.values_list("person__name", flat=True)) == ["学生00", "学生01", "学生02"]
