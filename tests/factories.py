"""factory_boy factories. Units are made through the service so their tree paths are right."""

import factory

from accounts.models import Membership, ServiceUnit, User
from accounts.services import unit_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    kind = User.Kind.STAFF
    password = factory.PostGenerationMethodCall("set_password", "Correct-Horse-42")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ApplicantFactory(UserFactory):
    kind = User.Kind.APPLICANT


def make_unit(name: str, level: str, parent: ServiceUnit | None = None, **kwargs) -> ServiceUnit:
    if parent is None:
        kwargs.setdefault("city_code", "testcity")
    return unit_create(name=name, level=level, parent=parent, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "caseworker"


def make_id_number(region: str = "210202", birth: str = "19900101", sequence: int = 1, sex: str = "M") -> str:
    """A valid resident ID number (GB 11643) for tests and demo data: odd sequence digit for men."""
    from stdnum.cn import ric

    body = f"{region}{birth}{(sequence % 500) * 2 + (1 if sex == 'M' else 0):03d}"
    return body + ric.calc_check_digit(body + "0")


def make_person(unit, name="张三", *, actor=None, id_number=None, **fields):
    from casework.services import person_create

    global _person_seq
    _person_seq += 1
    return person_create(
        actor=actor,
        name=name,
        id_number=id_number or make_id_number(sequence=_person_seq),
        residence_unit=unit,
        **fields,
    )


_person_seq = 0


def make_employer(unit, *, actor=None, **fields):
    """友好物流有限公司, an employer of ``unit`` with a valid credit code and a contact phone."""
    from casework.services import organization_create

    defaults = {"name": "友好物流有限公司", "kind": "employer", "uscc": "91110000600037341L"}
    return organization_create(actor=actor, unit=unit, **{**defaults, "contact_phone": "13612345678", **fields})


def code_of(device) -> str:
    """An authenticator device's current code, usable now: a code is used once and a wrong one slows the next try
    (django-otp's throttling), so the device may check this time step again."""
    from accounts.security import current_code

    device.refresh_from_db()
    device.last_t, device.throttling_failure_count = -1, 0
    device.save(update_fields=["last_t", "throttling_failure_count"])
    return current_code(device)


def on_day(day):
    """Run the block as if it were noon of ``day`` in the job centre's time zone: a write made on its own day (a
    contact logged, a job ended) updates the worklist as of that day, as it does in real use."""
    import datetime
    from zoneinfo import ZoneInfo

    import time_machine
    from django.conf import settings

    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return time_machine.travel(noon, tick=False)
