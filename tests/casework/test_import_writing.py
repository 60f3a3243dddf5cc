"""How an import commits: the rows the preview checked are what the commit writes (the file is not read again),
and on PostgreSQL the set-based writer (COPY, INSERT … RETURNING, history rows written in SQL) stores exactly the
persons, entries, worklist items and history rows the ORM's ``bulk_create_with_history`` stores."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import ServiceUnit
from casework import follow_ups, imports
from casework.imports import services as import_services
from casework.models import FollowUp, ImportRun, Person, RegistryEntry
from casework.pinyin import pinyin_of

from ..factories import make_person
from .test_imports import csv_file, errors_by_row, person_row, preview, xlsx

pytestmark = pytest.mark.django_db


def _rows_today():
    """Five rows due for a contact now (entered 60 days ago): new people, one with every column, and a row for a
    person already on file (a new entry for them)."""
    entered = timezone.localdate() - datetime.timedelta(days=60)
    rows = [person_row(i, entered_on=entered) for i in range(4)]
    rows[0].update(note="第一行\n备注", education="硕士")
    rows[1].update(graduation_date="", phone="")
    rows[2].update(name="曾单解")  # surnames with a reading of their own: the pinyin as a normal save computes it
    return rows


def _snapshot(run_pk: int) -> dict:
    """What the commit wrote, with the database's ids replaced by the ID numbers they stand for."""
    number = dict(Person.objects.values_list("pk", "id_number"))
    entry_number = {pk: number[person] for pk, person in RegistryEntry.objects.values_list("pk", "person_id")}
    stamps = ("created_at", "updated_at", "history_date")

    def rows(queryset, drop=(), **ids):
        result = []
        for row in queryset.values():
            for key in ("id", "history_id", *stamps, *drop):
                row.pop(key, None)
            for key, mapping in ids.items():
                row[key] = mapping.get(row[key], row[key])
            result.append(row)
        return sorted(result, key=repr)

    return {
        "persons": rows(Person.objects.all()),
        "person history": rows(Person.history.filter(history_change_reason=f"import #{run_pk}")),
        "entries": rows(RegistryEntry.objects.all(), person_id=number),
        "entry history": rows(
            RegistryEntry.history.filter(history_change_reason=f"import #{run_pk}"), person_id=number
        ),
        "follow-ups": rows(FollowUp.objects.all(), person_id=number),
        "follow-up history": rows(FollowUp.history.filter(history_change_reason=follow_ups.RAISED), person_id=number),
        "history ids": sorted(  # each history row names the record it is the history of
            [number[pk] for pk in Person.history.values_list("id", flat=True)]
            + [entry_number[pk] for pk in RegistryEntry.history.values_list("id", flat=True)]
        ),
    }


def test_the_set_based_writer_stores_what_the_orm_stores(world, people, db_vendor, monkeypatch):
    if db_vendor != "postgresql":
        pytest.skip("the set-based writer is PostgreSQL's; elsewhere the ORM writes")
    make_person(world.youhao, "老住户", id_number=person_row(3)["id_number"], graduation_date=datetime.date(2025, 7, 1))
    rows = _rows_today()
    rows[3]["name"] = "老住户"
    run = preview(world, xlsx(rows))
    assert (run.error_rows, run.created_count) == (0, 4), run.report
    monkeypatch.setattr(follow_ups, "SET_BASED_FROM", 1)  # the worklist items set-based too, however few

    snapshots, windows = {}, {}
    for writer in ("orm", "sql"):
        monkeypatch.setattr(import_services, "set_based", lambda writer=writer: writer == "sql")
        monkeypatch.setattr(follow_ups, "set_based", lambda writer=writer: writer == "sql")
        with transaction.atomic():
            started = timezone.now()
            committed = imports.import_commit(actor=world.alice, run=run, mode="valid")
            windows[writer] = (started, timezone.now())
            assert (committed.status, committed.created_count) == ("committed", 4)
            snapshots[writer] = _snapshot(run.pk)
            when = [h.history_date for h in Person.history.filter(history_change_reason=f"import #{run.pk}")]
            assert all(windows[writer][0] <= moment <= windows[writer][1] for moment in when)
            transaction.set_rollback(True)  # the other writer starts from the same state

    orm, sql = snapshots["orm"], snapshots["sql"]
    assert len(orm["person history"]) == 3 and len(orm["entry history"]) == 4
    assert len(orm["follow-ups"]) == 4 == len(orm["follow-up history"])
    for what in orm:
        assert sql[what] == orm[what], what
    history = orm["person history"][0]
    assert (history["history_type"], history["history_user_id"]) == ("+", world.alice.pk)
    names = {row["name"]: (row["name_pinyin"], row["name_initials"]) for row in sql["persons"]}
    assert names["曾单解"] == pinyin_of("曾单解") == ("zengdanjie", "zdj")  # what a normal save computes
    assert names["学生00"] == ("xuesheng", "xs")


def test_the_commit_writes_the_checked_rows_without_reading_the_file_again(world, django_capture_on_commit_callbacks):
    run = preview(world, xlsx(_rows_today()))
    assert run.rows_file
    run.file.open("wb").write(b"not a workbook any more")  # the upload is not read again
    run.file.close()
    checked = run.rows_file.name
    with django_capture_on_commit_callbacks(execute=True):
        run = imports.import_commit(actor=world.alice, run=run, mode="all-or-nothing")
    assert (run.status, run.created_count) == ("committed", 4)
    assert Person.objects.filter(name__startswith="学生").count() == 3 and RegistryEntry.objects.count() == 4
    run.refresh_from_db()
    assert not run.rows_file and not ImportRun.rows_file.field.storage.exists(checked)  # written, then removed
    assert [row["status"] for row in run.report] == ["new"] * 4


def test_a_run_previewed_before_the_checked_rows_were_kept_reads_its_file(world):
    run = preview(world, csv_file(_rows_today()))
    run.rows_file.delete(save=False)
    ImportRun.objects.filter(pk=run.pk).update(rows_file="")
    run.refresh_from_db()
    run = imports.import_commit(actor=world.alice, run=run, mode="valid")
    assert (run.status, run.created_count, run.error_rows) == ("committed", 4, 0)


def test_a_community_closed_after_the_preview_is_an_error_of_its_rows(world):
    run = preview(world, xlsx(_rows_today()), actor=world.bob, unit=world.qingniwa)  # the street's 友好社区
    assert (run.created_count, run.error_rows) == (4, 0)
    ServiceUnit.objects.filter(pk=world.youhao.pk).update(is_active=False)
    run = imports.import_commit(actor=world.bob, run=run, mode="valid")
    assert (run.status, run.created_count, run.error_rows) == ("committed", 0, 4)
    assert all(errors[-1]["column"] == "所在社区" and "友好社区" in errors[-1]["message"] for errors in
               errors_by_row(run).values())  # fmt: skip
    assert not Person.objects.filter(name__startswith="学生").exists()
