"""Console pages of screening: the what-if screener and the proactive-service (主动服务) list of people likely
eligible who have not applied."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.views import ConsoleView
from casework.selectors import registers_for_user
from core.errors import DomainError

from ..models import Lead
from ..panels import grouped
from .forms import WhatIfForm
from .proactive import lead_dismiss
from .screen import screen_document


class WhatIfView(ConsoleView):
    """Screen facts typed in for someone not on file (or a change being considered); nothing is stored."""

    template_name = "benefits/what_if.html"

    def get_context_data(self, **kwargs):
        registers = registers_for_user(user=self.request.user)
        form = WhatIfForm(self.request.GET or None, registers=registers)
        result = None
        if form.is_bound and form.is_valid():
            result = grouped(screen_document(form.facts())["results"])
        return super().get_context_data(form=form, panel=result, **kwargs)


class LeadListView(ConsoleView):
    """主动服务: people in the user's area the nightly screening finds likely eligible, who have not applied."""

    template_name = "benefits/lead_list.html"

    def get_context_data(self, **kwargs):
        leads = (
            Lead.objects.visible_to(self.request.user)
            .open()
            .select_related("person", "program", "unit")
            .order_by("unit__path", "person__name", "program__code")
        )
        return super().get_context_data(page=Paginator(leads, 50).get_page(self.request.GET.get("page")), **kwargs)


class LeadDismissView(ConsoleView):
    http_method_names = ["post"]

    def post(self, request, pk):
        lead = get_object_or_404(Lead.objects.visible_to(request.user).open(), pk=pk)
        try:
            lead_dismiss(actor=request.user, lead=lead)
            messages.success(request, _("Dismissed."))
        except DomainError as error:
            messages.error(request, str(error.message))
        return HttpResponseRedirect(reverse("benefits:lead-list"))
