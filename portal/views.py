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
from casework.models import Education, HukouType, Register, Sex


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
    """The anonymous screener: the choices of its fields are reference data (cities, registers), not anyone's."""

    template_name = "portal/screen.html"
    module = "screen"

    def get_context_data(self, **kwargs):
        registers = Register.objects.order_by("code")
        return super().get_context_data(
            cities=CITIES,
            sexes=Sex.choices,
            hukou_types=HukouType.choices,
            educations=Education.choices,
            person_registers=[r for r in registers if r.subject == Register.Subject.PERSON],
            **kwargs,
        )


class ApplicationPage(ApplicantPage):
    template_name = "portal/application_detail.html"
    module = "application"

    def get_context_data(self, **kwargs):
        # Only the id from the address: the API answers 404 for an application that is not the caller's.
        return super().get_context_data(application_id=self.kwargs["pk"], **kwargs)
