"""Nothing the application writes is kept by a browser or a proxy: console pages, portal pages and API answers say
``Cache-Control: no-store`` (they show personal data, and a shared office computer's back button must not show the
last person's); static files keep their own cache, and a view that chose its own Cache-Control keeps it."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.cache import patch_cache_control

from config.middleware import NoStoreMiddleware

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_pages_and_api_answers_with_personal_data_are_not_stored(world, people, console_as, api_as):
    zhang = people["zhang"]
    console = console_as(world.alice)
    portal = sign_in(Client(), world.dan)
    answers = {
        "person page": console.get(reverse("casework:person-detail", args=[zhang.pk])),
        "register list": console.get(reverse("casework:register-list")),
        "API person detail": api_as(world.alice).get(f"/api/v1/persons/{zhang.pk}/"),
        "portal page": portal.get("/portal/profile/"),
        "portal API": portal.get("/api/v1/me/"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert "no-store" in directives(response), (name, response.get("Cache-Control"))
    assert "张三" in answers["person page"].content.decode()  # the page holds personal data
    assert "张三" in answers["API person detail"].content.decode()


@pytest.mark.parametrize("path", ["/login/", "/portal/", "/api/v1/persons/", "/no-such-page/", "/healthz"])
def test_every_other_answer_is_not_stored_either(client, path):
    assert "no-store" in directives(client.get(path))


def test_static_files_keep_their_cache(client):
    response = client.get("/static/console/console.css")
    assert response.status_code == 200
    assert "no-store" not in directives(response)


def test_a_view_that_set_its_own_cache_control_keeps_it():
    def view(request):
        response = HttpResponse("published figures")
        patch_cache_control(response, public=True, max_age=300)
        return response

    response = NoStoreMiddleware(view)(RequestFactory().get("/"))
    assert directives(response) == {"public", "max-age"}
    plain = NoStoreMiddleware(lambda request: HttpResponse("x"))(RequestFactory().get("/"))
    assert {"no-store", "no-cache", "private"} <= directives(plain)
