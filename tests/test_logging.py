"""Application logs: JSON lines (production) or plain text, ID numbers and mobile numbers masked wherever they
appear in a record, and the request id on every line of a request and in the response header."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from config import logs

ID_NUMBER = "11010519491231002X"
PHONE = "13812341234"


@pytest.fixture
def captured():
    """The site's handler set-up (filters, then the JSON formatter) on the root logger, writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.addFilter(logs.PersonalDataFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_record_with_an_id_number_and_a_phone_is_written_masked_everywhere(captured):
    try:
        raise ValueError(f"no person with ID number {ID_NUMBER}")
    except ValueError:
        logging.getLogger("casework.test").error(
            "lookup of %s (phone %s) failed", ID_NUMBER, f"+86 {PHONE}", exc_info=True, extra={"searched": PHONE}
        )
    (line,) = captured()
    text = json.dumps(line, ensure_ascii=False)
    assert ID_NUMBER not in text and PHONE not in text
    assert line["message"] == "lookup of 110105********002X (phone +86 138****1234) failed"
    assert "ValueError: no person with ID number 110105********002X" in line["exc_info"]
    assert line["searched"] == "138****1234"
    assert (line["level"], line["logger"], line["request_id"]) == ("ERROR", "casework.test", "-")
    assert line["time"].endswith("+08:00")  # Asia/Shanghai, ISO 8601


def test_numbers_that_are_not_id_or_mobile_numbers_are_left_alone(captured):
    logging.getLogger("casework.test").info("batch %s account %s amount %s", 20270101, "6222021234567890123", "1500.00")
    (line,) = captured()
    assert line["message"] == "batch 20270101 account 6222021234567890123 amount 1500.00"


def test_the_plain_format_masks_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.PlainFormatter("%(levelname)s [%(request_id)s] %(message)s"))
    logger = logging.getLogger("casework.test.plain")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("person %s", ID_NUMBER)  # no filter on this handler: the formatter alone masks
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert stream.getvalue() == "WARNING [-] person 110105********002X\n"


@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_id_and_the_response_returns_it(client, captured):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c01-aa")
    assert response["X-Request-ID"] == "lb-7f3a9c01-aa"
    access = [line for line in captured() if line["logger"] == "casework.access"]
    assert [(line["request_id"], line["path"], line["status"]) for line in access] == [
        ("lb-7f3a9c01-aa", "/healthz", 200)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("offered", ["", "short", "x" * 129, "evil\nINFO forged line", "a b c d e f g h"])
def test_an_unusable_request_id_is_replaced_by_a_new_one(client, offered):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered)
    made = response["X-Request-ID"]
    assert made != offered and len(made) == 32 and int(made, 16) >= 0
    assert client.get("/healthz")["X-Request-ID"] != made  # one per request


@pytest.mark.django_db
def test_the_access_line_leaves_out_the_query_string(client, captured):
    client.get("/healthz", {"q": ID_NUMBER, "name": "张三"})
    (access,) = [line for line in captured() if line["logger"] == "casework.access"]
    assert access["path"] == "/healthz" and "张三" not in json.dumps(access, ensure_ascii=False)


def _log_from_a_process(settings_module: str, **env) -> str:
    """What ``manage.py shell`` writes to standard error when it logs an ID number, under ``settings_module``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CASEWORK_LOG"))}
    environment.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DJANGO_SECRET_KEY="x8#Lq2!vN0z$Wc7@pR4^tY6&uI9*oP1(aS3)dF5-gH8_jK2+lZ4=xC6]vB0[nM7",
        DJANGO_ALLOWED_HOSTS="casework.example.org",
        CASEWORK_LEDGER_KEY="q7Vt2mXw9Lr4Kp8Zs3Nd6Hf1Jc5Bg0Ye",
        **env,
    )
    code = f"import logging; logging.getLogger('casework.check').warning('person %s', '{ID_NUMBER}')"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_production_writes_json_lines_by_default():
    (line,) = [json.loads(line) for line in _log_from_a_process("config.settings.production").splitlines()]
    assert (line["logger"], line["message"]) == ("casework.check", "person 110105********002X")


def test_the_format_is_chosen_with_an_environment_variable():
    plain = _log_from_a_process("config.settings.production", CASEWORK_LOG_FORMAT="plain")
    assert plain.rstrip().endswith("WARNING casework.check [-] person 110105********002X")
    assert ID_NUMBER not in plain


def test_an_unknown_format_is_refused_at_start():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x8#Lq2!vN0z$Wc7@pR4^tY6&uI9*oP1(aS3)dF5-gH8_jK2+lZ4=xC6]vB0[nM7",
        DJANGO_ALLOWED_HOSTS="casework.example.org",
        CASEWORK_LOG_FORMAT="xml",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "CASEWORK_LOG_FORMAT must be one of plain, json, not 'xml'" in result.stderr
