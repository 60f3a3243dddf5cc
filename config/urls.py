"""URL map: the staff console, the portal, the REST API (/api/v1/), its schema and docs, /healthz and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from . import health
from .swagger import ApiDocsView

api_v1 = [
    path("", include(("accounts.api_urls", "accounts"), namespace="accounts")),
    path("", include(("casework.api_urls", "casework"), namespace="casework")),
    path("", include(("benefits.api_urls", "benefits"), namespace="benefits")),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:home", permanent=False)),
    path("", include("accounts.urls")),
    path("console/", include("casework.urls")),
    path("console/", include("benefits.urls")),
    path("portal/", include("portal.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"  # JSON under /api/, a translated page elsewhere
handler404 = "config.api.not_found"

handler500 = "config.errors.server_error"  # a database that stopped answering is a 503
