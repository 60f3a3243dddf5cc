"""Person search on a large register: generate N synthetic persons with set-based SQL, time the real selector.

Generation (PostgreSQL only): one ``INSERT … SELECT … FROM generate_series`` per 100,000 rows into a dedicated
benchmark city (``benchmark``: 10 districts × 10 streets × 10 communities, created through ``unit_create``) so
the rows never mix with demo data. Each row gets a valid GB 11643 ID number (real county codes, a birth date and
sequence number that are a bijection of the row number, so numbers are unique; the check digit computed in SQL),
its reverse, a name drawn from weighted surname and given-name tables, a mobile number and a community. No ORM
and no history rows. Rows already there are kept: a re-run generates only what is missing.

Measurement: ``casework.selectors.person_list`` (what the API and console call) as a superuser and as the
caseworker of one community, searching by the last 4 and 6 characters of an ID number and by 1 and 2 characters
of a name; terms are taken from random persons (the caseworker's from her own community). Each query is timed
as the first page (``CappedPaginator.rows``: its keys, then its rows) and the count the pages show
(``core.pagination.CappedPaginator``: exact up to 1,000, "more than 1,000" above), after a warm-up, and reported
as median and p95 in milliseconds; the exact number of matches is counted apart, untimed, for the table.
"""

import random
import statistics
import time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import Role, ServiceUnit, User
from accounts.services import membership_grant, staff_user_create, unit_create
from casework.identity import check_id_number
from casework.models import Person
from casework.pinyin import pinyin_of, readings
from casework.selectors import person_list
from core.pagination import CappedPaginator

NAME = "search"
CITY_CODE = "benchmark"
CHUNK = 100_000
PAGE = 50
# County-level GB/T 2260 codes outside the five demo cities (so synthetic numbers never meet demo ones).
REGIONS = [
    *("110101", "110102", "110105", "110106", "110108", "310101", "310104", "310105", "310106", "310107"),
    *("310110", "310112", "310115", "440103", "440104", "440105", "440106", "440303", "440304", "440305"),
    *("320102", "320104", "330102", "330106", "420102", "420106", "510104", "510107", "610103", "610113"),
]
# Surnames with their approximate share in percent (the top of the national distribution), then a long tail.
SURNAMES = {
    "王": 7.1, "李": 7.0, "张": 6.4, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.2, "赵": 2.0, "吴": 1.9, "周": 1.8,
    "徐": 1.6, "孙": 1.5, "马": 1.5, "朱": 1.3, "胡": 1.3, "郭": 1.2, "何": 1.2, "高": 1.1, "林": 1.1, "罗": 1.0,
    "郑": 1.0, "梁": 0.9, "谢": 0.8, "宋": 0.8, "唐": 0.8, "许": 0.7, "韩": 0.7, "冯": 0.7, "邓": 0.7, "曹": 0.6,
}  # fmt: skip
SURNAME_TAIL = (
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_COMMON = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂文辉玲华红鹏"
GIVEN_TAIL = (
    "飞建国志海晓东玉梅林波斌宇浩凯健俊帆帅旭宁龙欢阳春雪慧莹倩琳颖洁丹萍燕婷梓涵欣怡子轩嘉豪思雨佳琪梦瑶婉成新立永德"
    "光荣福金宏振庆民云峰亮毅昊然博泽瑞天一诗雅若可心语晨安家雯璐蕾月美小冬秋凤淑珍翠兵岩鑫森乐航睿铭熙"
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# (birth day, sequence) = divmod(n * ID_STEP mod ID_SPACE, 1000): a bijection of the row number onto 16,000 birth
# days from 1960-01-01 × 1,000 sequence numbers (ID_STEP is prime and does not divide ID_SPACE = 2^10·5^6).
ID_SPACE, ID_STEP = 16_000_000, 7_919


def add_arguments(parser):
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons in the benchmark city")
    parser.add_argument("--queries", type=int, default=50, help="queries per query type and user")
    parser.add_argument("--seed", type=int, default=2026, help="seed for the search terms")
    parser.add_argument("--explain", action="store_true", help="add EXPLAIN ANALYZE of one query per type")


def _weighted(table: dict[str, float], tail: str, tail_weight: float) -> list[str]:
    """A list in which each entry appears in proportion to its weight (drawn from by index in SQL)."""
    entries = [*table.items(), *((name, tail_weight) for name in tail)]
    return [name for name, weight in entries for _ in range(max(1, round(weight * 10)))]


def unit_tree(*, city_name: str, prefix: str, city_code: str):
    """A benchmark city of 10 districts × 10 streets × 10 communities named after ``prefix`` (created through
    ``unit_create`` once, found afterwards): (city, districts, streets, communities)."""
    city = ServiceUnit.objects.filter(name=city_name, level=ServiceUnit.Level.CITY).first()
    existing = (
        {(u.parent_id, u.name): u for u in ServiceUnit.objects.filter(path__startswith=city.path)} if city else {}
    )

    def unit(name, level, parent=None):
        return existing.get((parent.pk if parent else None, name)) or unit_create(
            name=name, level=level, parent=parent, city_code=city_code
        )

    L = ServiceUnit.Level
    with transaction.atomic():
        city = unit(city_name, L.CITY)
        districts, streets, communities = [], [], []
        for d in range(1, 11):
            districts.append(district := unit(f"{prefix}{d:02d}区", L.DISTRICT, city))
            for s in range(1, 11):
                streets.append(street := unit(f"{prefix}{d:02d}-{s:02d}街道", L.STREET, district))
                communities += [unit(f"{prefix}{d:02d}-{s:02d}-{c:02d}社区", L.COMMUNITY, street) for c in range(1, 11)]
    return city, districts, streets, communities


def _units():
    """The benchmark city: 10 districts × 10 streets × 10 communities."""
    city, _districts, _streets, communities = unit_tree(city_name="基准测试市", prefix="基准", city_code=CITY_CODE)
    return city, communities


def _users(community):
    superuser = User.objects.filter(username="bench.superuser").first() or staff_user_create(
        username="bench.superuser", full_name="基准测试管理员"
    )
    if not superuser.is_superuser:
        superuser.is_superuser = True
        superuser.save(update_fields=["is_superuser"])
    caseworker = User.objects.filter(username="bench.caseworker").first() or staff_user_create(
        username="bench.caseworker", full_name="基准测试专干"
    )
    membership_grant(user=caseworker, unit=community, role=Role.CASEWORKER)
    return superuser, caseworker


def insert_params(units: list[int]) -> dict:
    """The query parameters of ``insert_sql`` for people spread over the communities ``units`` (add ``start`` and
    ``stop``)."""
    surnames = _weighted(SURNAMES, SURNAME_TAIL, 0.25)
    given = _weighted(dict.fromkeys(GIVEN_COMMON, 0.3), GIVEN_TAIL, 0.1)
    return {
        "now": timezone.now(),
        "regions": REGIONS,
        "n_regions": len(REGIONS),
        "surnames": surnames,
        "surnames_py": [pinyin_of(name + "某")[0][: -len("mou")] for name in surnames],  # read as a surname
        "n_surnames": len(surnames),
        "given": given,
        "given_py": [pinyin_of(char)[0] for char in given],
        "n_given": len(given),
        "units": units,
        "n_units": len(units),
    }


def insert_sql() -> str:
    """The INSERT … SELECT for rows ``start`` … ``stop``−1. Only this module's constants are formatted in; every
    value comes as a query parameter."""
    check = " + ".join(f"substr(body, {i + 1}, 1)::int * {w}" for i, w in enumerate(ID_WEIGHTS))
    hashes = ", ".join(f"(hashint8extended(n, {k}) & 4611686018427387903) AS h{k}" for k in range(1, 5))
    return f"""
        INSERT INTO casework_person (
            name, name_pinyin, name_initials, id_number, id_number_reversed, id_region_known, birth_date, sex,
            hukou_type, hukou_place, address, phone, education, school, major, is_disabled, veteran_status,
            is_military_spouse, is_orphan, has_student_loan, is_single_parent, is_labor_model, bank_account,
            created_at, updated_at, residence_unit_id)
        SELECT name, s_py || g1_py || coalesce(g2_py, ''),
               left(s_py, 1) || left(g1_py, 1) || coalesce(left(g2_py, 1), ''),
               number, reverse(number), true, birth_date, sex, '', '', '', phone, '', '', '', false, '',
               false, false, false, false, false, '', %(now)s, %(now)s, unit_id
        FROM (
            SELECT *, body || substr('10X98765432', (({check}) %% 11) + 1, 1) AS number
            FROM (
                SELECT n,
                       DATE '1960-01-01' + (m / 1000)::int AS birth_date,
                       CASE WHEN m %% 2 = 1 THEN 'M' ELSE 'F' END AS sex,
                       (%(regions)s::text[])[1 + (h1 %% %(n_regions)s)]
                       || to_char(DATE '1960-01-01' + (m / 1000)::int, 'YYYYMMDD')
                       || lpad((m %% 1000)::text, 3, '0') AS body,
                       (%(surnames)s::text[])[1 + (h1 / 7 %% %(n_surnames)s)]
                       || (%(given)s::text[])[1 + (h2 %% %(n_given)s)]
                       || CASE WHEN h2 / 7 %% 10 < 7 THEN (%(given)s::text[])[1 + (h3 %% %(n_given)s)] ELSE '' END
                           AS name,
                       (%(surnames_py)s::text[])[1 + (h1 / 7 %% %(n_surnames)s)] AS s_py,
                       (%(given_py)s::text[])[1 + (h2 %% %(n_given)s)] AS g1_py,
                       CASE WHEN h2 / 7 %% 10 < 7 THEN (%(given_py)s::text[])[1 + (h3 %% %(n_given)s)] END AS g2_py,
                       '1' || (3 + h3 / 11 %% 7)::text || lpad((h4 %% 1000000000)::text, 9, '0') AS phone,
                       (%(units)s::bigint[])[1 + (h4 / 7 %% %(n_units)s)] AS unit_id
                FROM (
                    SELECT n, (n * {ID_STEP}::bigint) %% {ID_SPACE} AS m, {hashes}
                    FROM generate_series(%(start)s::bigint, %(stop)s::bigint - 1) AS n
                ) AS numbers
            ) AS drawn
        ) AS rows
        ON CONFLICT (id_number) DO NOTHING
    """  # noqa: S608


def generate(*, persons: int, communities) -> dict:
    """Insert the missing benchmark persons (rows 0 … persons−1); return how many and how long it took."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The search benchmark generates its rows with PostgreSQL SQL; set DATABASE_URL.")
    have = Person.objects.filter(residence_unit__city_code=CITY_CODE).count()
    started = time.perf_counter()
    params = insert_params([unit.pk for unit in communities])
    sql = insert_sql()
    inserted = 0
    for start in range(have, persons, CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "start": start, "stop": min(start + CHUNK, persons)})
            inserted += cursor.rowcount
    generated_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE casework_person")
        cursor.execute("ANALYZE accounts_serviceunit")
    return {
        "persons_before": have,
        "inserted": inserted,
        "generate_seconds": round(generated_s, 1),
        "analyze_seconds": round(time.perf_counter() - started - generated_s, 1),
    }


def _sample_ids(queryset, k: int, rng: random.Random) -> list:
    """``k`` random rows of ``queryset`` (by random primary-key probes: no ORDER BY random() over a million rows)."""
    bounds = queryset.aggregate(low=Min("pk"), high=Max("pk"))
    rows = []
    while len(rows) < k and bounds["low"] is not None:
        probe = rng.randint(bounds["low"], bounds["high"])
        row = queryset.filter(pk__gte=probe).order_by("pk").values("pk", "name", "id_number").first()
        if row:
            rows.append(row)
    return rows


def _terms(rows, rng: random.Random) -> dict[str, list[str]]:
    def part(name, size):
        start = rng.randrange(len(name) - size + 1)
        return name[start : start + size]

    return {
        "id_suffix_4": [row["id_number"][-4:] for row in rows],
        "id_suffix_6": [row["id_number"][-6:] for row in rows],
        "name_1_char": [part(row["name"], 1) for row in rows],
        "name_2_chars": [part(row["name"], 2) for row in rows],
        # what a caseworker types in Latin letters: the surname's pinyin (liao), or the initials (lj)
        "pinyin_surname": [pinyin_of(row["name"])[0][: len(readings(row["name"])[0])] for row in rows],
        "pinyin_initials": [pinyin_of(row["name"])[1] for row in rows],
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(user, terms: list[str]) -> dict:
    page_ms, count_ms, total_ms, found = [], [], [], []
    for term in terms:
        queryset = person_list(user=user, search=term)
        paginator = CappedPaginator(queryset, PAGE)  # what the console and the API run (core.pagination)
        t0 = time.perf_counter()
        rows = paginator.rows(0, PAGE)  # the first page: its keys, then its rows
        t1 = time.perf_counter()
        count = paginator.count
        t2 = time.perf_counter()
        page_ms.append((t1 - t0) * 1000)
        count_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
        found.append(queryset.count())  # the exact number of matches, for the table only (not timed)
        assert len(rows) == min(count, PAGE)  # noqa: S101 (a benchmark that returns wrong rows measures nothing)

    def summary(values):
        return [round(statistics.median(values), 2), round(_percentile(values, 0.95), 2)]

    return {
        "page_ms": summary(page_ms),
        "count_ms": summary(count_ms),
        "total_ms": summary(total_ms),
        "rows_found": [statistics.median(found), max(found)],
    }


def _explain(user, term: str) -> str:
    queryset = person_list(user=user, search=term)
    page = queryset[:PAGE].explain(analyze=True, buffers=True)
    sql, params = queryset.order_by().select_related(None).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # the SQL is the selector's own, with its parameters passed separately
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql}) AS matches", params)  # noqa: S608
        count = "\n".join(row[0] for row in cursor.fetchall())
    return f"-- page\n{page}\n-- count\n{count}"


def run(*, persons=1_000_000, queries=50, seed=2026, explain=False, **options) -> dict:
    _city, communities = _units()
    superuser, caseworker = _users(communities[0])
    result = {
        "database": connection.vendor,
        "persons_target": persons,
        **generate(persons=persons, communities=communities),
    }
    bench = Person.objects.filter(residence_unit__city_code=CITY_CODE)
    result["persons_in_benchmark_city"] = bench.count()
    result["persons_in_database"] = Person.objects.count()

    rng = random.Random(seed)  # noqa: S311 (reproducible benchmark terms, not secrets)
    everyone = _sample_ids(bench, queries, rng)
    result["invalid_ids_in_sample"] = sum(1 for row in everyone if not _valid(row["id_number"]))
    own = _sample_ids(bench.filter(residence_unit=communities[0]), queries, rng)
    plans = {"superuser": (superuser, _terms(everyone, rng)), "caseworker": (caseworker, _terms(own, rng))}
    for user, terms in plans.values():  # warm the cache and the connection
        for values in terms.values():
            _time(user, values[:5])
    result["queries_per_type"] = queries
    result["legend"] = (
        "*_ms and rows_found: [median, p95 (rows: max)] per query; page = the first page (keys, then rows), "
        "count = the capped count"
    )
    for label, (user, terms) in plans.items():
        result[label] = {kind: _time(user, values) for kind, values in terms.items()}
    if explain:
        result["explain"] = {
            f"{label}/{kind}": _explain(user, values[0])
            for label, (user, terms) in plans.items()
            for kind, values in terms.items()
        }
    return result


def _valid(number: str) -> bool:
    try:
        check_id_number(number)
    except ValidationError:
        return False
    return True
