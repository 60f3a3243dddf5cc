"""Demo data for the five cities: service-unit trees (from fixtures/demo/) and a user for every role.

Idempotent: running it again finds what exists and creates only what is missing. Used by
``manage.py bootstrap_demo`` (the README's run command) and by tests that want the demo world.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from .models import Role, ServiceUnit, User
from .services import membership_grant, staff_user_create, unit_create

UNITS_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "service_units.yaml"

# role → (where the demo user sits, Chinese title used in the demo user's name)
DEMO_ROLES = {
    Role.CASEWORKER: ("community", "社区就业专干"),
    Role.SUPERVISOR: ("district", "区人社审核员"),
    Role.FINANCE: ("district", "区财务"),
    Role.ADMIN: ("city", "市管理员"),
    Role.AUDITOR: ("city", "市审计员"),
}


@dataclass
class DemoLogin:
    username: str
    role: str
    unit: str


def _unit(*, name, level, parent=None, region_code="", city_code=""):
    existing = ServiceUnit.objects.filter(parent=parent, name=name).first()
    if existing:
        return existing
    return unit_create(name=name, level=level, parent=parent, region_code=region_code, city_code=city_code)


def _user(username: str, full_name: str, password: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(username=username).first() or staff_user_create(username=username, full_name=full_name)
    user.set_password(password)
    user.is_superuser = user.is_staff = superuser
    user.save(update_fields=["password", "is_superuser", "is_staff"])
    return user


# Roles whose demo users sign in with a second factor (and sysadmin): each gets an authenticator "device" named
# DEMO_DEVICE, whose current code the code page shows while the demo is allowed.
DEMO_SECOND_FACTOR_ROLES = {Role.SUPERVISOR, Role.FINANCE, Role.ADMIN, Role.AUDITOR}


def _demo_device(user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .views_security import DEMO_DEVICE

    TOTPDevice.objects.get_or_create(user=user, name=DEMO_DEVICE, defaults={"confirmed": True})


@transaction.atomic
def bootstrap_demo(*, password: str | None = None) -> list[DemoLogin]:
    """Create the demo world; return the logins it made, in a stable order."""
    password = password or settings.CASEWORK_DEMO_PASSWORD
    tree = yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))
    logins = []
    for city_spec in tree:
        city = _unit(
            name=city_spec["name"],
            level=ServiceUnit.Level.CITY,
            region_code=city_spec["region_code"],
            city_code=city_spec["city_code"],
        )
        first = {"city": city}
        for district_spec in city_spec["districts"]:
            district = _unit(
                name=district_spec["name"],
                level=ServiceUnit.Level.DISTRICT,
                parent=city,
                region_code=district_spec["region_code"],
            )
            first.setdefault("district", district)
            for street_spec in district_spec.get("streets", []):
                street = _unit(name=street_spec["name"], level=ServiceUnit.Level.STREET, parent=district)
                for community_name in street_spec["communities"]:
                    community = _unit(name=community_name, level=ServiceUnit.Level.COMMUNITY, parent=street)
                    first.setdefault("community", community)
        for role, (where, title) in DEMO_ROLES.items():
            username = f"{city.city_code}.{role}"
            user = _user(username, f"{city.name[:-1]}{title}", password)
            membership_grant(user=user, unit=first[where], role=role)
            if role in DEMO_SECOND_FACTOR_ROLES:
                _demo_device(user)
            logins.append(DemoLogin(username=username, role=str(Role(role).label), unit=first[where].full_name()))
    _demo_device(_user("sysadmin", "系统管理员", password, superuser=True))
    logins.append(DemoLogin(username="sysadmin", role="superuser", unit="*"))
    return logins
