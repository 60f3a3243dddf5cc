"""Every operation of the OpenAPI schema, fuzzed in-process with schemathesis (RELIABILITY 21): no server error, and
the status code, content type and body of every answer are the ones the schema documents. Four passes over the
same records (tests/api_data.py): as a superuser (every staff branch is open to them), as an applicant who has
claimed their record (an application, a grant, payments), without credentials, where every operation that is
not listed in PUBLIC must answer 401 or 403, and as the superuser again with hostile values (calendar ends,
control characters, very long text) in place of generated ones, which must be refused (4xx).

Generation is derandomized and bounded (EXAMPLES per operation and mode), so a run is repeatable; a path parameter
is either generated or one of the stored records, so the fuzzer reaches real objects and not only 404s. Each call
runs in a savepoint: a request that breaks the database transaction is reported as its own failure instead of
failing every call after it."""

import datetime
import json
import re

import hypothesis
import pytest
import schemathesis
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.formats import unregister_string_format

from config.wsgi import application as wsgi_application

from .api_data import ApiData, build_api_data, real_path_parameters, stored_values

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation and generation mode (positive, negative): the file takes about 2 minutes
ANONYMOUS_EXAMPLES = 3
CSRF = "k" * 32  # a CSRF secret; Django accepts the same value in the cookie and the header
HOSTILE_EXAMPLES = 4  # per operation with inputs, positive mode, as the superuser: about 20 seconds

# Hostile values (tests/test_hostile_inputs.py has the hand-made table): dates at the ends of the calendar, and
# text holding NUL and other control characters, or very long. Dates are also drawn from CALENDAR_ENDS wherever
# the schema says "format: date" during the hostile pass.
CALENDAR_ENDS = ["0001-01-01", "9999-12-31", "1899-12-31", "9999-12-01"]
HOSTILE_TEXT = ["\x00", "a\x00b", "\x07", "名\x1b[31m字", "张\x85三", "\x7f", "长" * 5000]
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Operations anyone may call without signing in. A new public endpoint must be added here on purpose.
PUBLIC = {
    ("POST", "/api/v1/auth/token/"),
    ("POST", "/api/v1/auth/login/"),
    ("POST", "/api/v1/auth/logout/"),
    ("POST", "/api/v1/auth/register/"),
    ("POST", "/api/v1/auth/sms-code/"),
    ("POST", "/api/v1/screen/"),
    ("POST", "/api/v1/screen/answers/"),
    ("GET", "/api/v1/screen/schema/"),
    ("GET", "/api/v1/programs/"),
    ("GET", "/api/v1/programs/{code}/"),
}

SETTINGS = hypothesis.settings(
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found, with its curl line
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
    print_blob=False,
)


@pytest.fixture
def data(world, people, graduate) -> ApiData:
    return build_api_data(world, people, graduate)


@pytest.fixture
def api_schema(data, monkeypatch):
    # Throttling stays on, counted in a cache of this test's own, so the fuzzer's calls throttle no other test.
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("schemathesis-throttles", {}))
    # As Django's test client does: the end of a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_application, config=schemathesis.Config())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def strategy(operation, mode: GenerationMode, values: dict[str, list], *, generated_paths: bool, spoil=False):
    """Cases for the operation; in positive mode, some of them name stored records in the path (``spoil``: each
    with a hostile value in place of one of its strings)."""
    if spoil:
        return hostile(strategy(operation, mode, values, generated_paths=generated_paths))
    generated = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.NEGATIVE:
        return generated  # the negative cases may be the path parameters themselves
    records = [parameters for parameters in real_path_parameters(operation.path, values) if parameters]
    if not records:
        return generated
    stored = st.sampled_from(records).flatmap(
        lambda parameters: operation.as_strategy(generation_mode=mode, path_parameters=parameters)
    )
    return st.one_of(stored, generated) if generated_paths else stored


def _strings(node, holder=None, key=None):
    """(container, key, value) of every string in a query or a JSON (or form) body, at any depth."""
    if isinstance(node, str) and holder is not None:
        yield holder, key, node
    elif isinstance(node, dict):
        for name, value in node.items():
            yield from _strings(value, node, name)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, node, index)


@st.composite
def hostile(draw, cases):
    """A generated case with one of its strings replaced: a date by a calendar end, other text by hostile text."""
    case = draw(cases)
    places = [*_strings(case.query), *_strings(case.body)]
    if places:
        holder, key, value = draw(st.sampled_from(places))
        holder[key] = draw(st.sampled_from(CALENDAR_ENDS if DATE.fullmatch(value) else HOSTILE_TEXT))
    return case


def holds_hostile_value(case) -> bool:
    """Whether the request carries a control character or a date outside 1900 … today + 10 years anywhere in its
    query or body (generated by chance, or put there by ``hostile``)."""
    latest = f"{datetime.date.today().year + 10}-12-31"
    for _holder, _key, value in [*_strings(case.query), *_strings(case.body)]:
        if CONTROL.search(value) or (DATE.fullmatch(value) and not "1900-01-01" <= value <= latest):
            return True
    return False


def has_inputs(operation) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody"))


def call(case, headers: dict, csrf: bool):
    """The call in a savepoint (a request that breaks the transaction must not break the next one), with a CSRF
    cookie and header as the portal's pages send them (the browser sign-in endpoints refuse calls without)."""
    response = None
    if csrf:
        headers, cookies = {**headers, "X-CSRFToken": CSRF}, {"csrftoken": CSRF}
    try:
        with transaction.atomic():
            response = case.call(headers=headers, cookies=cookies if csrf else None)
    except DatabaseError:
        pass  # the savepoint was rolled back; the request's own 500 is in ``response``
    return response


def fuzz(
    schema, operations, *, headers, modes, examples, values, also=None, generated_paths=True, csrf=True, spoil=False
) -> dict[str, str]:
    """Run each operation in each mode; the failures by operation and mode (empty when everything held)."""
    failures = {}
    for operation in operations:
        for mode in modes:
            if mode is GenerationMode.NEGATIVE and not has_inputs(operation):
                continue  # nothing to make invalid
            # Each operation starts with its throttles' budget (as if called an hour apart), so the sign-in
            # endpoints, which share one, are each exercised rather than answering 429 after the first.
            SimpleRateThrottle.cache.clear()

            def check(case):
                # Each case sees the records as stored, whatever the cases before it changed: a case that hypothesis
                # runs again (to confirm a failure) meets the same state and answers the same way.
                with transaction.atomic():
                    try:
                        response = call(case, headers(), csrf)
                        case.validate_response(response, checks=CHECKS, headers=headers())
                        if also is not None:
                            also(case, response)
                    finally:
                        transaction.set_rollback(True)

            try:
                cases = strategy(operation, mode, values, generated_paths=generated_paths, spoil=spoil)
                given = hypothesis.given(case=cases)
                hypothesis.settings(SETTINGS, max_examples=examples)(given(check))()
            except hypothesis.errors.Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.label
                continue  # no value of its inputs is invalid (a free string in the path, say): nothing to send
            except (Exception, BaseExceptionGroup) as error:  # every failure is collected and reported together
                failures[f"{operation.label} ({mode.value})"] = str(error)[:3000]
    return failures


def operations_of(schema) -> list:
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), [result.err() for result in results]
    return [result.ok() for result in results]


def token_headers(user, key):
    def headers():
        # again before every call: the schema's token-revoke operation deletes it
        token, _created = Token.objects.get_or_create(user=user, defaults={"key": key})
        return {"Authorization": f"Token {token.key}"}

    return headers


def report(failures: dict[str, str]) -> str:
    return f"{len(failures)} failing:\n\n" + "\n\n".join(f"== {label}\n{text}" for label, text in failures.items())


BOTH = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.mark.parametrize(
    "who",
    [
        "sam",  # a superuser: every staff branch (finance, supervisor, administrator) is open to him
        "dan",  # an applicant who has claimed 张三: his application, grant and payments
    ],
)
def test_every_operation_answers_as_documented(api_schema, data, world, who):
    user = getattr(world, who)

    def applicant_writes_stay_under_me(case, response):
        # outside /api/v1/me/ an applicant only signs in or out and screens: every staff write refuses them
        own = case.path.startswith(("/api/v1/me/", "/api/v1/auth/")) or case.path.startswith("/api/v1/screen/")
        if user.is_applicant and case.method.upper() != "GET" and not own:
            assert not 200 <= response.status_code < 300, f"an applicant got {response.status_code}"

    failures = fuzz(
        api_schema,
        operations_of(api_schema),
        headers=token_headers(user, who[0] * 40),
        modes=BOTH,
        examples=EXAMPLES,
        values=stored_values(data),
        also=applicant_writes_stay_under_me,
    )
    assert not failures, report(failures)


def test_without_credentials_only_the_public_operations_answer(api_schema, data):
    operations = operations_of(api_schema)
    open_to_anyone = {
        (operation.method.upper(), operation.path)
        for operation in operations
        if {} in operation.definition.raw.get("security", [{}])
    }
    assert open_to_anyone == PUBLIC, "the schema's public operations differ from PUBLIC: add or remove on purpose"

    def refused(case, response):
        code = json.loads(response.content).get("code") if response.status_code >= 400 else None
        if (case.method.upper(), case.path) in PUBLIC:
            assert code != "not_authenticated", case.operation.label  # public: no sign-in asked for
        else:
            assert response.status_code in (401, 403), (case.operation.label, response.status_code)
            assert code in ("not_authenticated", "permission_denied"), (case.operation.label, code)

    failures = fuzz(
        api_schema,
        operations,
        headers=dict,
        modes=[GenerationMode.POSITIVE],
        examples=ANONYMOUS_EXAMPLES,
        values=stored_values(data),
        also=refused,
        generated_paths=False,  # stored records only: a generated path may match no route at all (404)
        csrf=False,  # a client with nothing at all
    )
    assert not failures, report(failures)


@pytest.fixture
def calendar_end_dates():
    """While the hostile pass runs, a "format: date" value is as often a calendar end as an ordinary date."""
    ordinary = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))
    schemathesis.openapi.format("date", st.one_of(st.sampled_from(CALENDAR_ENDS), ordinary.map(str)))
    yield
    unregister_string_format("date")


def test_hostile_values_are_refused_as_documented(api_schema, data, world, calendar_end_dates):
    """Every operation with inputs, each case with a hostile value (a calendar end, NUL and other control
    characters, very long text) in place of one of its strings: no server error, the answer as documented, and a
    4xx whenever the request carries a control character or an implausible date."""

    def refused(case, response):
        if holds_hostile_value(case):
            assert 400 <= response.status_code < 500, (case.operation.label, response.status_code)

    failures = fuzz(
        api_schema,
        [operation for operation in operations_of(api_schema) if has_inputs(operation)],
        headers=token_headers(world.sam, "s" * 40),
        modes=[GenerationMode.POSITIVE],
        examples=HOSTILE_EXAMPLES,
        values=stored_values(data),
        also=refused,
        generated_paths=False,  # stored records only: the hostile value must reach the validation, not a 404
        spoil=True,
    )
    assert not failures, report(failures)
