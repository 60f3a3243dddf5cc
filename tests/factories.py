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
