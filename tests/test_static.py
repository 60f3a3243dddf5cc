"""Static assets, HTMX included, are served by the application itself: no CDN."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_console_pages_load_htmx_and_styles_from_this_server(world, console_as):
    body = console_as(world.alice).get(reverse("accounts:home")).content.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', body)
    assert "/static/django_htmx/htmx-2.min.js" in assets
    assert "/static/console/console.css" in assets
    assert all(not re.match(r"^(https?:)?//", asset) for asset in assets), assets


@pytest.mark.parametrize("path", ["/static/django_htmx/htmx-2.min.js", "/static/console/console.css"])
def test_the_assets_are_served(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])
