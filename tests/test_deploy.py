"""Production settings pass Django's deployment checks with the documented variables; docker-compose.yml
names only settings the code reads."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x8#Lq2!vN0z$Wc7@pR4^tY6&uI9*oP1(aS3)dF5-gH8_jK2+lZ4=xC6]vB0[nM7",
    "DJANGO_ALLOWED_HOSTS": "casework.example.org",
    "CASEWORK_LEDGER_KEY": "q7Vt2mXw9Lr4Kp8Zs3Nd6Hf1Jc5Bg0Ye",
}


def _manage(*args, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(PRODUCTION_ENV, **(extra_env or {}))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_answers_with_hsts_and_the_security_headers():
    """A request over HTTPS to the production settings (through Django's test client, in a process of its own; an
    API call without credentials, answered 401 without a database)."""
    code = (
        "import json; from django.test import Client; "
        "r = Client().get('/api/v1/persons/', secure=True, HTTP_HOST='casework.example.org'); "
        "print(json.dumps({k: v for k, v in r.headers.items()}))"
    )
    result = _manage("shell", "-c", code, extra_env={"CASEWORK_LOG_FORMAT": "json"})
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    plain = _manage("shell", "-c", code.replace("secure=True", "secure=False"))
    assert "Strict-Transport-Security" not in plain.stdout  # HSTS only over HTTPS; http is redirected


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", extra_env={"DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_its_own_ledger_key():
    for key in ("", "short", PRODUCTION_ENV["DJANGO_SECRET_KEY"]):
        result = _manage("check", extra_env={"CASEWORK_LEDGER_KEY": key})
        assert result.returncode != 0, key
        assert "CASEWORK_LEDGER_KEY must be set in production" in result.stderr, key


def _variables_read_by_settings() -> set[str]:
    names = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", path.read_text()))
    return names | {"DJANGO_SETTINGS_MODULE"}


def test_compose_names_only_variables_the_settings_read():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    read = _variables_read_by_settings()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"} <= read
    app_services = {"migrate", "web", "worker", "beat"}
    assert app_services <= set(compose["services"])
    for name in app_services:
        service = compose["services"][name]
        env = service.get("environment") or {}
        anchors = set(env) if isinstance(env, dict) else {item.split("=", 1)[0] for item in env}
        assert anchors, f"{name} sets no environment"
        assert anchors <= read, f"{name} sets variables the settings never read: {sorted(anchors - read)}"
        assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE"} <= anchors, name
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in compose["services"][name], f"{name} has no health check"


def test_every_variable_the_settings_read_is_documented():
    documented = (ROOT / "docs" / "operations.md").read_text()
    missing = sorted(name for name in _variables_read_by_settings() if f"`{name}`" not in documented)
    assert not missing, f"document these in docs/operations.md: {missing}"
