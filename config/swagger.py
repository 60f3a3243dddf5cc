"""The API documentation page (Swagger UI, served from drf-spectacular-sidecar's static files).

The split view loads its start-up script from a URL instead of writing it inline, so the page keeps the site's
``script-src 'self'``. Its template still carries a small inline ``<style>`` block and Swagger UI draws some
icons from ``data:`` images, so this page alone allows inline styles (no inline script)."""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView


@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    pass
