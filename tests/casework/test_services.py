"""Register services: one person per ID number, name conflicts kept for review, windows, zero employment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casework import services
from casework.models import ExitReason, Household, NameConflict, Person, PersonalDataAccess, Register, RegistryEntry
from core.errors import Conflict, PermissionDenied

from ..factories import make_id_number, make_person, on_day

pytestmark = pytest.mark.django_db
D = datetime.date


def test_person_gets_birth_date_and_sex_from_the_id(world):
    person = make_person(world.youhao, "赵六", actor=world.alice, id_number="11010519491231002X")
    assert (person.birth_date, person.sex, person.id_number_reversed) == (D(1949, 12, 31), "F", "X20013219491501011")
    assert person.history.first().history_user is None  # no acting_as: no request, no task


def test_same_id_is_a_conflict_and_a_different_name_is_kept_for_review(world, people):
    zhang = people["zhang"]
    with pytest.raises(Conflict):
        services.person_create(actor=world.alice, name="张叁", id_number=zhang.id_number, residence_unit=world.youhao)
    zhang.refresh_from_db()
    assert zhang.name == "张三"
    conflict = NameConflict.objects.get(person=zhang)
    assert (conflict.name_on_file, conflict.name_received) == ("张三", "张叁")
    assert Person.objects.filter(id_number=zhang.id_number).count() == 1


def test_the_database_holds_one_person_per_id(world, people):
    zhang = people["zhang"]
    with transaction.atomic(), pytest.raises(IntegrityError):
        Person.objects.create(
            name="x",
            id_number=zhang.id_number,
            id_number_reversed="",
            birth_date=D(1990, 1, 1),
            sex="M",
            residence_unit=world.youhao,
        )


def test_bad_input_names_the_field_and_stores_nothing(world):
    with pytest.raises(ValidationError) as error:
        services.person_create(
            actor=world.alice, name="孙七", id_number="110105194912310021", residence_unit=world.youhao
        )
    assert "id_number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.person_create(
            actor=world.alice,
            name="孙七",
            id_number=make_id_number(sequence=77),
            residence_unit=world.youhao,
            phone="123",
        )
    assert "phone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.person_create(
            actor=world.bob, name="孙七", id_number=make_id_number(sequence=78), residence_unit=world.qingniwa
        )
    assert "residence_unit" in error.value.message_dict
    assert not Person.objects.exists()


def test_a_caseworker_cannot_register_people_outside_her_area(world):
    with pytest.raises(PermissionDenied):
        make_person(world.furong, "外区人", actor=world.alice)
    assert not Person.objects.exists()


def test_unmask_needs_the_permission_and_a_reason_and_is_logged(world, people):
    zhang = people["zhang"]
    with pytest.raises(PermissionDenied):
        services.personal_data_unmask(user=world.alice, person=zhang, reason="办理补贴")
    from django.contrib.auth.models import Permission

    world.alice.user_permissions.add(Permission.objects.get(codename="unmask_personal_data"))
    world.alice = type(world.alice).objects.get(pk=world.alice.pk)  # drop the permission cache
    with pytest.raises(ValidationError):
        services.personal_data_unmask(user=world.alice, person=zhang, reason=" ")
    full = services.personal_data_unmask(user=world.alice, person=zhang, reason="核对身份证复印件")
    assert full == {"id_number": zhang.id_number, "phone": "13812341234"}
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.person, log.reason) == (world.alice, zhang, "核对身份证复印件")


def _graduate(world, graduated: D):
    return make_person(world.youhao, "毕业生", graduation_date=graduated)


def test_graduate_window_in_dalian_is_two_years_and_closes_the_day_after(world):
    register = Register.objects.get(code="unemployed_graduates_after_leaving")
    person = _graduate(world, D(2024, 7, 1))
    entry = services.registry_entry_add(actor=world.alice, register=register, person=person, entered_on=D(2024, 7, 10))
    assert entry.window_ends_on == D(2026, 7, 1)  # 离校2年内: the second anniversary is within
    assert services.registry_windows_close(today=D(2026, 7, 1)) == 0
    assert RegistryEntry.objects.active(D(2026, 7, 1)).filter(pk=entry.pk).exists()
    # the job did not run for a week: it catches up with the same dates
    assert services.registry_windows_close(today=D(2026, 7, 8)) == 1
    entry.refresh_from_db()
    assert (entry.exited_on, entry.exit_reason) == (D(2026, 7, 2), ExitReason.WINDOW_CLOSED)
    assert not RegistryEntry.objects.active(D(2026, 7, 2)).filter(pk=entry.pk).exists()
    assert services.registry_windows_close(today=D(2026, 7, 9)) == 0  # idempotent
    assert entry.history.first().exit_reason == ExitReason.WINDOW_CLOSED


def test_a_register_entry_is_once_per_person_and_city_and_subject_checked(world, people):
    graduates = Register.objects.get(code="unemployed_graduates_after_leaving")
    first = services.registry_entry_add(
        actor=world.alice, register=graduates, person=people["zhang"], entered_on=D(2026, 1, 5)
    )
    again = services.registry_entry_add(
        actor=world.alice, register=graduates, person=people["zhang"], entered_on=D(2026, 2, 5)
    )
    assert first.pk == again.pk
    with pytest.raises(ValidationError):
        services.registry_entry_add(
            actor=world.alice,
            register=Register.objects.get(code="zero_employment_households"),
            person=people["zhang"],
            entered_on=D(2026, 1, 5),
        )
    with pytest.raises(ValidationError):  # 济南 has no 登记失业的高校毕业生 register (大连 only)
        services.registry_entry_add(
            actor=world.carol,
            register=Register.objects.get(code="registered_unemployed_graduates"),
            person=people["wang"],
            entered_on=D(2026, 1, 5),
        )


def test_zero_employment_household_is_flagged_when_the_only_worker_loses_the_job_and_cleared_again(world):
    """Acceptance 5."""
    father = make_person(world.youhao, "父亲")
    son = make_person(world.youhao, "儿子")
    job = services.employment_record_add(actor=world.alice, person=father, status="employed", started_on=D(2025, 3, 1))
    household = services.household_create(
        actor=world.alice, unit=world.youhao, members=[(father, "head", True), (son, "child", True)]
    )
    assert household.is_zero_employment is False

    with on_day(D(2026, 10, 31)):  # recorded on his last day at work
        services.employment_record_end(actor=world.alice, record=job, ended_on=D(2026, 10, 31))
    assert services.households_recompute(on=D(2026, 11, 2)) == {"flagged": 1, "cleared": 0}
    household.refresh_from_db()
    assert household.is_zero_employment and household.fell_back_on == D(2026, 11, 1)
    assert services.households_recompute(on=D(2026, 11, 3)) == {"flagged": 0, "cleared": 0}  # idempotent

    services.employment_record_add(actor=world.alice, person=son, status="flexible", started_on=D(2026, 11, 10))
    services.households_recompute(on=D(2026, 11, 10))
    household.refresh_from_db()
    assert not household.is_zero_employment and household.fell_back_on is None
    assert household.cleared_on == D(2026, 11, 10)


def test_a_household_that_never_worked_is_zero_employment_without_a_fall_back_flag(world):
    person = make_person(world.youhao, "无业")
    household = services.household_create(actor=world.alice, unit=world.youhao, members=[(person, "head", True)])
    assert household.is_zero_employment is True
    assert household.fell_back_on is None
    assert Household.objects.filter(is_zero_employment=True).count() == 1


def test_a_new_employment_spell_ends_the_open_one(world, people):
    zhang = people["zhang"]
    first = services.employment_record_add(
        actor=world.alice, person=zhang, status="unemployed", started_on=D(2026, 1, 1)
    )
    services.employment_record_add(actor=world.alice, person=zhang, status="employed", started_on=D(2026, 5, 1))
    first.refresh_from_db()
    assert first.ended_on == D(2026, 4, 30)
