"""Every operation of the OpenAPI schema, fuzzed in-process with schemathesis (RELIABILITY 21): no server error, and
the status code, content type and body of every answer are the ones the schema documents. Three passes over the
same records (tests/api_data.py): as a superuser (every staff branch is open to them), as an applicant who has
claimed their record (an application, a grant, payments), and without credentials, where every operation that is
not listed in PUBLIC must answer 401 or 403.

Generation is derandomized and bounded (EXAMPLES per operation and mode), so a run is repeatable; a path parameter
is either generated or one of the stored records, so the fuzzer reaches real objects and not only 404s. Each call
runs in a savepoint: a request that breaks the database transaction is reported as its own failure instead of
failing every call after it."""

import json

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

from config.wsgi import application as wsgi_application

from .api_data import ApiData, build_api_data, real_path_parameters, stored_values

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation and generation mode (positive, negative): the file takes about 2 minutes
ANONYMOUS_EXAMPLES = 3
CSRF = "k" * 32  # a CSRF secret; Django accepts the same value in the cookie and the header

# Operations anyone may call without signing in. A new public endpoint must be added here on purpose.
PUBLIC = {
    ("POST", "/api/v1/auth/token/"),
    ("POST", "/api/v1/auth/login/"),
    ("POST", "/api/v1/auth/logout/"),
    ("POST", "/api/v1/auth/register/"),
    ("POST", "/api/v1/auth/sms-code/"),
    ("POST", "/api/v1/screen/"),
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


def strategy(operation, mode: GenerationMode, values: dict[str, list], *, generated_paths: bool):
    """Cases for the operation; in positive mode, some of them name stored records in the path."""
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
    schema, operations, *, headers, modes, examples, values, also=None, generated_paths=True, csrf=True
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
                response = call(case, headers(), csrf)
                case.validate_response(response, checks=CHECKS, headers=headers())
                if also is not None:
                    also(case, response)

            try:
                given = hypothesis.given(case=strategy(operation, mode, values, generated_paths=generated_paths))
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
        own = case.path.startswith(("/api/v1/me/", "/api/v1/auth/")) or case.path == "/api/v1/screen/"
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
