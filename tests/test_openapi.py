"""/api/schema/ is a valid OpenAPI 3 document; /api/docs/ loads its assets from this server only."""

import re

import pytest
import yaml
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/v1/me/" in schema["paths"]
    assert "/api/v1/units/{id}/" in schema["paths"]


def test_docs_page_names_no_external_asset(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', body) + re.findall(r"""(?:url|import)\(['"]?([^'")]+)""", body)
    assert assets, "the docs page should reference its script and style"
    assert all(not re.match(r"^(https?:)?//", asset) for asset in assets), assets
    assert "drf_spectacular_sidecar/swagger-ui-dist" in body


def test_schema_generation_has_no_warnings(tmp_path):
    """drf-spectacular warns when it has to guess a type; a guess is a wrong contract for API clients."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    parameters = {p["name"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert {"parent", "level", "search", "page"} <= parameters
