"""The named people every test file shares (STYLE.md habit 9).

- alice: caseworker of 友好社区 (大连市 / 中山区 / 青泥洼桥街道)
- bob:   supervisor of 中山区 (大连), so alice's community is below him
- carol: caseworker of 芙蓉社区 in 济南 (another city: she must see nothing of 大连)
- dan, erin: applicants
- grace: administrator of 大连市
- sam: system administrator (superuser)
"""

from dataclasses import dataclass

from accounts.models import Role, ServiceUnit, User
from accounts.services import membership_grant

from .factories import ApplicantFactory, UserFactory, make_unit

PASSWORD = "Correct-Horse-42"


@dataclass
class World:
    dalian: ServiceUnit
    zhongshan: ServiceUnit
    qingniwa: ServiceUnit
    youhao: ServiceUnit
    tianjinjie: ServiceUnit
    xigang: ServiceUnit
    jinan: ServiceUnit
    lixia: ServiceUnit
    furong: ServiceUnit
    alice: User
    bob: User
    carol: User
    dan: User
    erin: User
    grace: User
    sam: User


def build_world() -> World:
    L = ServiceUnit.Level
    dalian = make_unit("大连市", L.CITY, region_code="210200", city_code="dalian")
    zhongshan = make_unit("中山区", L.DISTRICT, dalian, region_code="210202")
    qingniwa = make_unit("青泥洼桥街道", L.STREET, zhongshan)
    youhao = make_unit("友好社区", L.COMMUNITY, qingniwa)
    tianjinjie = make_unit("天津街社区", L.COMMUNITY, qingniwa)
    xigang = make_unit("西岗区", L.DISTRICT, dalian, region_code="210203")
    jinan = make_unit("济南市", L.CITY, region_code="370100", city_code="jinan")
    lixia = make_unit("历下区", L.DISTRICT, jinan, region_code="370102")
    quancheng = make_unit("泉城路街道", L.STREET, lixia)
    furong = make_unit("芙蓉社区", L.COMMUNITY, quancheng)

    def staff(username, full_name, role, unit):
        user = UserFactory(username=username, full_name=full_name)
        membership_grant(user=user, unit=unit, role=role)
        return user

    return World(
        dalian=dalian,
        zhongshan=zhongshan,
        qingniwa=qingniwa,
        youhao=youhao,
        tianjinjie=tianjinjie,
        xigang=xigang,
        jinan=jinan,
        lixia=lixia,
        furong=furong,
        alice=staff("alice", "王爱丽", Role.CASEWORKER, youhao),
        bob=staff("bob", "李博", Role.SUPERVISOR, zhongshan),
        carol=staff("carol", "赵卡罗", Role.CASEWORKER, furong),
        dan=ApplicantFactory(username="dan", full_name="丹"),
        erin=ApplicantFactory(username="erin", full_name="艾琳"),
        grace=staff("grace", "郭格蕾", Role.ADMIN, dalian),
        sam=UserFactory(username="sam", full_name="系统管理员", is_superuser=True, is_staff=True),
    )
