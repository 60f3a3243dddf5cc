"""Demo people for the five cities: a few hundred synthetic residents per city with valid ID numbers of the city's
districts, households (some zero-employment, some that fell back, some dibao), employment records, register
entries and contacts, all written through the services so they carry history; then the jobs run once so the
worklists have follow-ups.

Called by ``manage.py bootstrap_demo`` after the accounts' demo (the command finds ``bootstrap`` here).
Deterministic and idempotent: each city's people come from ``random.Random`` seeded with the city code and
nothing else, so a re-run draws the same ID numbers and skips every household whose head is already on file.
Dates are set relative to the day it runs.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from accounts.demo import UNITS_FILE
from accounts.models import ServiceUnit, User
from core.errors import Conflict
from core.yamlfile import read_yaml

from . import follow_ups, jobs, services
from .models import (
    ContactChannel,
    ContactOutcome,
    Education,
    EmploymentStatus,
    HukouType,
    Person,
    Register,
    Relation,
    Source,
)
from .registers import window_end

D = datetime.timedelta

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)


def _words(text: str) -> list[str]:
    return text.split()


GIVEN = {
    "M": _words(
        "伟 强 磊 军 洋 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 鑫 波 斌 宇 浩 凯 健 俊 "
        "帆 旭 宁 龙 林 阳 建华 建国 志强 海涛 晓东 文博 子豪 宇航 浩然 俊杰 明轩 志明 "
        "天宇 嘉豪 立新 国庆 振华 永刚 德明"
    ),
    "F": _words(
        "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 慧 莹 倩 琳 颖 洁 丹 萍 秀英 桂英 "
        "秀兰 玉兰 桂兰 晓燕 丽娟 雨涵 欣怡 梓涵 诗涵 思雨 佳怡 子涵 雅琪 梦瑶 婉婷 春梅 "
        "海燕 红霞"
    ),
}
EMPLOYER_PREFIX = _words("华信 永泰 鑫达 恒通 金桥 宏远 东方 新世纪 万家 同兴 富民 安顺")
EMPLOYER_TRADE = _words("商贸 物流 机械 食品 建筑 电子 餐饮 物业 家政 汽车服务 服装 医药")
MAJORS = _words(
    "计算机科学与技术 会计学 市场营销 机械设计制造及其自动化 汉语言文学 英语 护理学 "
    "土木工程 电子商务 物流管理 学前教育 软件技术 财务管理 法学"
)
CITIES = {
    "daqing": {
        "province": "黑龙江省",
        "schools": ["东北石油大学", "黑龙江八一农垦大学", "大庆师范学院", "大庆职业学院"],
        "elsewhere": ["黑龙江省绥化市北林区", "黑龙江省齐齐哈尔市龙沙区", "吉林省松原市宁江区"],
    },
    "dalian": {
        "province": "辽宁省",
        "schools": ["大连理工大学", "东北财经大学", "大连海事大学", "辽宁师范大学", "大连职业技术学院"],
        "elsewhere": ["辽宁省丹东市振兴区", "辽宁省营口市站前区", "黑龙江省哈尔滨市道里区"],
    },
    "jinan": {
        "province": "山东省",
        "schools": ["山东大学", "济南大学", "山东师范大学", "山东财经大学", "山东劳动职业技术学院"],
        "elsewhere": ["山东省德州市德城区", "山东省聊城市东昌府区", "河北省衡水市桃城区", "山东省泰安市岱岳区"],
    },
    "chaoyang": {
        "province": "辽宁省",
        "schools": ["辽宁工程技术大学", "朝阳师范高等专科学校", "沈阳工业大学"],
        "elsewhere": ["辽宁省阜新市海州区", "内蒙古自治区赤峰市红山区", "河北省承德市双桥区"],
    },
    "yiyang": {
        "province": "湖南省",
        "schools": ["湖南城市学院", "益阳医学高等专科学校", "湖南大学", "益阳职业技术学院"],
        "elsewhere": ["湖南省常德市武陵区", "湖南省岳阳市岳阳楼区", "湖南省娄底市娄星区"],
    },
}
WORKING = [
    EmploymentStatus.EMPLOYED,
    EmploymentStatus.EMPLOYED,
    EmploymentStatus.FLEXIBLE,
    EmploymentStatus.SELF_EMPLOYED,
]


@dataclass
class Spell:
    status: str
    started_ago: int  # days before the demo day
    ended_ago: int | None = None
    employer: str = ""


@dataclass
class PersonPlan:
    name: str
    sex: str
    id_number: str
    relation: str
    phone: str
    able_to_work: bool = True
    hukou_local: bool = True
    hukou_place: str = ""
    resident_ago: int | None = None
    graduate: bool = False
    graduated_years_ago: int = 0  # graduated on 30 June that many years before the last 30 June passed
    graduated_ago: int | None = None  # or this many days before the demo day (off-season graduates)
    education: str = ""
    school: str = ""
    major: str = ""
    is_disabled: bool = False
    has_student_loan: bool = False
    spells: list[Spell] = field(default_factory=list)
    contact: tuple | None = None  # (days ago, outcome, next follow-up days after the contact or None)
    hard_to_employ: bool = False


@dataclass
class HouseholdPlan:
    community: int
    kind: str
    address: str
    is_dibao: bool
    members: list[PersonPlan]


# --- The plan: drawn from the city's seed only ------------------------------------------------------------


class _Drawer:
    def __init__(self, city_code: str, districts: list[str], city_name: str, district_names: dict[str, str]):
        self.rng = random.Random(f"casework-demo-{city_code}")  # noqa: S311 (reproducible demo data, not secrets)
        self.city_code, self.districts, self.city_name = city_code, districts, city_name
        self.district_names = district_names
        self.spec = CITIES.get(city_code, {"province": "", "schools": ["本市职业技术学院"], "elsewhere": ["外省"]})
        self.ids: set[str] = set()

    def id_number(self, birth: datetime.date, sex: str) -> str:
        rng = self.rng
        while True:
            region = rng.choice(self.districts)
            sequence = rng.randrange(500) * 2 + (1 if sex == "M" else 0)
            body = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.ids:
                self.ids.add(number)
                return number

    def birth(self, age_from: int, age_to: int) -> datetime.date:
        # Ages are counted from a fixed year, not the run date, so re-runs draw the same ID numbers.
        return datetime.date(2026 - self.rng.randint(age_from, age_to), 1, 1) + D(days=self.rng.randrange(365))

    def name(self, sex: str, surname: str | None = None) -> str:
        given = self.rng.choice(GIVEN[sex])
        if len(given) == 1 and self.rng.random() < 0.45:
            given += self.rng.choice([g for g in GIVEN[sex] if len(g) == 1])
        return (surname or self.rng.choice(SURNAMES)) + given

    def phone(self) -> str:
        return "1" + self.rng.choice("3456789") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def employer(self) -> str:
        short = self.city_name.removesuffix("市")
        return f"{short}{self.rng.choice(EMPLOYER_PREFIX)}{self.rng.choice(EMPLOYER_TRADE)}有限公司"

    def person(self, *, relation: str, sex: str, age: tuple[int, int], surname=None, region_text="") -> PersonPlan:
        birth = self.birth(*age)
        return PersonPlan(
            name=self.name(sex, surname),
            sex=sex,
            id_number=self.id_number(birth, sex),
            relation=relation,
            phone=self.phone(),
            hukou_place=region_text,
        )

    def working_spell(self) -> Spell:
        return Spell(self.rng.choice(WORKING), self.rng.randint(200, 3000), None, self.employer())

    def graduate(self, plan: PersonPlan):
        rng = self.rng
        plan.graduate = True
        plan.education = rng.choice(
            [Education.BACHELOR, Education.BACHELOR, Education.JUNIOR_COLLEGE, Education.MASTER, Education.TECHNICIAN]
        )
        plan.school, plan.major = rng.choice(self.spec["schools"]), rng.choice(MAJORS)
        # a national student loan for about a third (its own draw: the city's sequence, and so every other demo
        # figure, stays as it was)
        plan.has_student_loan = random.Random(plan.id_number).random() < 0.35  # noqa: S311 (demo data)
        if rng.random() < 0.25:  # off-season graduates, some near the end of a 2- or 5-year window
            plan.graduated_ago = rng.choice([rng.randint(690, 760), rng.randint(1790, 1850), rng.randint(30, 500)])
        else:
            plan.graduated_years_ago = rng.choice([0, 0, 1, 1, 2, 3])
        roll = rng.random()
        if roll < 0.4:
            plan.contact = (rng.randint(1, 28), rng.choice(list(ContactOutcome.values)), rng.choice([None, 14, 30]))
        elif roll < 0.7:
            plan.contact = (rng.randint(35, 150), rng.choice(list(ContactOutcome.values)), rng.choice([None, 20]))

    def household(self, communities: int) -> HouseholdPlan:
        rng = self.rng
        kind = rng.choices(
            ["working", "graduate", "zero", "fell_back", "dibao", "single", "migrant"],
            weights=[30, 18, 8, 8, 8, 14, 14],
        )[0]
        district = rng.choice(self.districts)
        local = f"{self.spec['province']}{self.city_name}{self.district_names.get(district, '')}"
        surname = rng.choice(SURNAMES)
        members = []
        if kind in {"single", "migrant"}:
            sex = rng.choice("MF")
            head = self.person(relation=Relation.HEAD, sex=sex, age=(22, 58), region_text=local)
            members.append(head)
            if kind == "migrant":
                head.hukou_local = False
                head.hukou_place = rng.choice(self.spec["elsewhere"])
                head.resident_ago = rng.randint(60, 1100)
            roll = rng.random()
            if roll < 0.55:
                head.spells.append(self.working_spell())
            elif roll < 0.8:
                head.spells.append(Spell(EmploymentStatus.UNEMPLOYED, rng.randint(20, 400)))
                head.hard_to_employ = rng.random() < 0.3
            if rng.random() < 0.2:
                self.graduate(head)
                head.spells = [] if rng.random() < 0.6 else head.spells
        else:
            size = rng.choice([2, 3, 3, 4]) if kind != "graduate" else rng.choice([3, 3, 4])
            head_sex = rng.choice("MF")
            head = self.person(relation=Relation.HEAD, sex=head_sex, age=(42, 60), surname=surname, region_text=local)
            spouse = self.person(
                relation=Relation.SPOUSE, sex="F" if head_sex == "M" else "M", age=(40, 58), region_text=local
            )
            members += [head, spouse]
            for _ in range(size - 2):
                sex = rng.choice("MF")
                child = self.person(relation=Relation.CHILD, sex=sex, age=(18, 27), surname=surname, region_text=local)
                members.append(child)
            if kind == "graduate":
                self.graduate(members[2])
            if kind in {"working", "graduate"}:
                head.spells.append(self.working_spell())
                if rng.random() < 0.5:
                    spouse.spells.append(self.working_spell())
            elif kind == "fell_back":
                for member in (head, spouse):
                    if rng.random() < 0.7 or member is head:
                        start = rng.randint(400, 3000)
                        member.spells.append(Spell(rng.choice(WORKING), start, rng.randint(20, 300), self.employer()))
                head.spells.append(Spell(EmploymentStatus.UNEMPLOYED, rng.randint(5, 19)))
            elif kind == "zero":
                head.spells.append(Spell(EmploymentStatus.UNEMPLOYED, rng.randint(60, 900)))
                head.hard_to_employ = True
            elif kind == "dibao":
                head.is_disabled = rng.random() < 0.4
                spouse.able_to_work = rng.random() < 0.5
                if rng.random() < 0.3:
                    spouse.spells.append(Spell(EmploymentStatus.FLEXIBLE, rng.randint(100, 900), None, ""))
            for child in members[2:]:
                if kind in {"working", "graduate"} and not child.graduate and rng.random() < 0.5:
                    child.spells.append(self.working_spell())
        street_no = rng.randint(1, 300)
        return HouseholdPlan(
            community=rng.randrange(communities),
            kind=kind,
            address=f"{rng.choice(['建设', '人民', '解放', '和平', '中山', '胜利'])}路{street_no}号",
            is_dibao=kind == "dibao",
            members=members,
        )


def city_plan(*, city_code: str, city_name: str, districts: dict[str, str], communities: int) -> list[HouseholdPlan]:
    """The city's demo households, from the city's seed only (``districts``: region code → name)."""
    drawer = _Drawer(city_code, sorted(districts), city_name, districts)
    plans, people = [], 0
    while people < settings.CASEWORK_DEMO_PEOPLE_PER_CITY:
        plan = drawer.household(communities)
        plans.append(plan)
        people += len(plan.members)
    return plans


# --- Writing it through the services ----------------------------------------------------------------------


def _graduation_date(plan: PersonPlan, today: datetime.date) -> datetime.date:
    if plan.graduated_ago is not None:
        return today - D(days=plan.graduated_ago)
    last_june = datetime.date(today.year if today >= datetime.date(today.year, 6, 30) else today.year - 1, 6, 30)
    return last_june.replace(year=last_june.year - plan.graduated_years_ago)


def _create_person(plan: PersonPlan, unit: ServiceUnit, today: datetime.date) -> Person:
    fields = {
        "phone": plan.phone,
        "hukou_type": HukouType.URBAN if plan.hukou_local else HukouType.RURAL,
        "hukou_place": plan.hukou_place,
        "is_disabled": plan.is_disabled,
        "disability_grade": 3 if plan.is_disabled else None,
    }
    if plan.resident_ago is not None:
        fields["resident_since"] = today - D(days=plan.resident_ago)
    if plan.graduate:
        fields.update(
            education=plan.education,
            school=plan.school,
            major=plan.major,
            graduation_date=_graduation_date(plan, today),
            has_student_loan=plan.has_student_loan,
        )
    return services.person_create(
        actor=None, name=plan.name, id_number=plan.id_number, residence_unit=unit, source=Source.IMPORT, **fields
    )


def _add_entry(register: Register | None, *, entered_on: datetime.date, person=None, household=None):
    """Put the subject on the register if the city has it and its window was still open on ``entered_on``."""
    if register is None:
        return None
    if person is not None:
        ends = window_end(register, city_code=person.residence_unit.city_code, graduation_date=person.graduation_date)
        if ends is not None and ends < entered_on:
            return None
    return services.registry_entry_add(
        actor=None, register=register, person=person, household=household, entered_on=entered_on, source=Source.IMPORT
    )


def _write_household(plan: HouseholdPlan, unit, registers: dict, contact_user, today: datetime.date) -> int:
    people = []
    for member in plan.members:
        person = _create_person(member, unit, today)
        people.append(person)
        for spell in member.spells:
            record = services.employment_record_add(
                actor=None,
                person=person,
                status=spell.status,
                started_on=today - D(days=spell.started_ago),
                employer_name=spell.employer,
            )
            if spell.ended_ago is not None:
                services.employment_record_end(actor=None, record=record, ended_on=today - D(days=spell.ended_ago))
        if member.contact:
            days_ago, outcome, next_after = member.contact
            contacted_on = today - D(days=days_ago)
            services.contact_log(
                actor=contact_user,
                person=person,
                contacted_on=contacted_on,
                channel=ContactChannel.PHONE if days_ago % 3 else ContactChannel.VISIT,
                outcome=outcome,
                next_follow_up_on=contacted_on + D(days=next_after) if next_after else None,
            )
    household = services.household_create(
        actor=None,
        unit=unit,
        address=plan.address,
        is_dibao=plan.is_dibao,
        dibao_since=today - D(days=400) if plan.is_dibao else None,
        members=[(p, m.relation, m.able_to_work) for p, m in zip(people, plan.members, strict=True)],
    )
    for person, member in zip(people, plan.members, strict=True):
        unemployed = [s for s in member.spells if s.status == EmploymentStatus.UNEMPLOYED and s.ended_ago is None]
        working = any(s.ended_ago is None and s.status != EmploymentStatus.UNEMPLOYED for s in member.spells)
        if member.graduate:
            graduated = person.graduation_date
            entered = min(graduated + D(days=20), today)
            if not working:
                _add_entry(registers.get("unemployed_graduates_after_leaving"), person=person, entered_on=entered)
            _add_entry(registers.get("graduates_within_5_years"), person=person, entered_on=entered)
        if unemployed:
            started = today - D(days=unemployed[0].started_ago)
            _add_entry(registers.get("registered_urban_unemployed"), person=person, entered_on=started)
            if member.hard_to_employ or member.is_disabled:
                hard_since = min(started + D(days=10), today)
                _add_entry(registers.get("hard_to_employ"), person=person, entered_on=hard_since)
        if plan.is_dibao and member.able_to_work and not working:
            _add_entry(registers.get("poverty_registered_labor"), person=person, entered_on=today - D(days=380))
    if household.is_zero_employment:
        _add_entry(
            registers.get("zero_employment_households"),
            household=household,
            entered_on=household.zero_employment_since or today,
        )
    if plan.is_dibao:
        _add_entry(registers.get("dibao_households"), household=household, entered_on=household.dibao_since)
    return len(people)


def _grant_unmask(city_code: str) -> None:
    permission = Permission.objects.get(content_type__app_label="casework", codename="unmask_personal_data")
    for user in User.objects.filter(username__in=[f"{city_code}.supervisor", f"{city_code}.auditor"]):
        user.user_permissions.add(permission)


def _contact_user(city_code: str):
    """Contacts are logged by the city's demo administrator: a role that may write in every community."""
    return User.objects.filter(username=f"{city_code}.admin").first()


def bootstrap_city(*, city: ServiceUnit, today: datetime.date) -> int:
    """Create the city's demo households that are missing; return how many people were created."""
    districts = dict(
        ServiceUnit.objects.filter(city_code=city.city_code, level=ServiceUnit.Level.DISTRICT)
        .exclude(region_code="")
        .values_list("region_code", "name")
    )
    communities = list(
        ServiceUnit.objects.filter(city_code=city.city_code, level=ServiceUnit.Level.COMMUNITY).order_by("name")
    )
    if not districts or not communities:
        return 0
    plans = city_plan(city_code=city.city_code, city_name=city.name, districts=districts, communities=len(communities))
    heads = [plan.members[0].id_number for plan in plans]
    on_file = set(Person.objects.filter(id_number__in=heads).values_list("id_number", flat=True))
    registers = {r.code: r for r in Register.objects.all() if city.city_code in r.cities}
    contact_user = _contact_user(city.city_code)
    created = 0
    for plan in plans:
        if plan.members[0].id_number in on_file:
            continue
        if contact_user is None:
            for member in plan.members:
                member.contact = None
        try:
            with transaction.atomic():
                created += _write_household(plan, communities[plan.community], registers, contact_user, today)
        except (Conflict, ValidationError):  # a member's ID number is on file in another household: skip it
            continue
    _grant_unmask(city.city_code)
    return created


def bootstrap(*, logins=(), today: datetime.date | None = None) -> dict:
    """Add the demo people of every demo city, then run the daily jobs once (idempotent)."""
    today = today or timezone.localdate()
    codes = [spec["city_code"] for spec in read_yaml(UNITS_FILE)]
    created = {}
    with transaction.atomic():
        with follow_ups.deferred():  # the worklists once at the end, not after each household's every write
            for city in ServiceUnit.objects.cities().filter(city_code__in=codes).order_by("city_code"):
                created[city.city_code] = bootstrap_city(city=city, today=today)
        jobs.daily_jobs_run(today=today)
    return {"people_created": created, "people": Person.objects.count()}
