"""The applicant portal's pages (``/portal/``): page shells only. A page is a template with its labelled fields and
its translated strings; its JavaScript module (``static/portal/``) gets every piece of data through ``/api/v1/``,
so nothing about the applicant is rendered here and the portal uses the same API as any other client."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView

from benefits.catalogue.forms import CITIES
from benefits.models import Complaint


@method_decorator(ensure_csrf_cookie, name="dispatch")
class PortalPage(TemplateView):
    """A page anyone may open. The CSRF cookie is set so the page's script can call the API with it."""

    module = ""  # the page's script in static/portal/, if any

    def get_context_data(self, **kwargs):
        return super().get_context_data(module=self.module, city_names=dict(CITIES), **kwargs)


class ApplicantPage(LoginRequiredMixin, PortalPage):
    """A page of a signed-in applicant; anyone else is sent to the portal's sign-in page (staff get a 403: their
    accounts have no records of their own to show)."""

    login_url = reverse_lazy("portal:login")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_applicant:
            raise PermissionDenied(_("The portal is for applicants. Staff work in the console."))
        return super().dispatch(request, *args, **kwargs)


class ScreenPage(PortalPage):
    """The anonymous adaptive screener: city, birth date and what one does now, then the open questions one at a
    time (screen.js, POST /api/v1/screen/answers/). The choices here are reference data, not anyone's."""

    template_name = "portal/screen.html"
    module = "screen"
    # what one does now → the employment spell of the facts (docs/facts.md): a public-welfare post is a job
    SITUATIONS = [
        ("unemployed", _("Not working (registered unemployed or looking for work)")),
        ("employed", _("Employed by a unit")),
        ("public_welfare_post", _("In a public-welfare post")),
        ("flexible", _("Flexible employment (odd jobs, platforms, freelance)")),
        ("self_employed", _("Running my own business")),
    ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(cities=CITIES, situations=self.SITUATIONS, **kwargs)


class ApplicationPage(ApplicantPage):
    template_name = "portal/application_detail.html"
    module = "application"

    def get_context_data(self, **kwargs):
        # Only the id from the address: the API answers 404 for an application that is not the caller's.
        return super().get_context_data(application_id=self.kwargs["pk"], **kwargs)


class ComplaintsPage(ApplicantPage):
    """My complaints and suggestions (投诉与意见): the form's choices are the model's, the rest comes from the API."""

    template_name = "portal/complaints.html"
    module = "complaints"

    def get_context_data(self, **kwargs):
        return super().get_context_data(kinds=Complaint.Kind.choices, categories=Complaint.Category.choices, **kwargs)
