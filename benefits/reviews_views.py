"""Console pages of grant reviews: the open reviews of the user's area, and one review with the grant, the change
request that raised it and the rules' reasons, where a caseworker keeps the grant (with a reason) or a supervisor
ends it. Each POST calls the service in ``benefits.changes``; where a user may not, the page says why."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.views import ConsolePage
from casework.permissions import can_edit_in_unit
from core.forms import run_service

from . import reviews_selectors as selectors
from .applications.entitlements import can_change_entitlement
from .changes import GRANT_REVIEW_ACTIONS
from .models import GrantReview
from .reviews_forms import EndForm, KeepForm

PAGE_SIZE = 50


class GrantReviewListView(ConsolePage):
    """Open reviews of the area (``?status=`` for the others). From the worklist (``?person=``): the person's one
    open review itself."""

    template_name = "benefits/grant_review_list.html"

    def get(self, request, *args, **kwargs):
        person = request.GET.get("person", "")
        if person.isdecimal():
            found = list(selectors.grant_review_list(user=request.user, person_id=int(person))[:2])
            if len(found) == 1:
                return HttpResponseRedirect(reverse("benefits:grant-review-detail", args=[found[0].pk]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", GrantReview.Status.OPEN)
        if status not in ("", *GrantReview.Status.values):
            status = GrantReview.Status.OPEN
        person = self.request.GET.get("person", "")
        reviews = selectors.grant_review_list(
            user=self.request.user, status=status, person_id=int(person) if person.isdecimal() else None
        )
        return super().get_context_data(
            page=Paginator(reviews, PAGE_SIZE).get_page(self.request.GET.get("page")),
            status=status,
            statuses=GrantReview.Status.choices,
            **kwargs,
        )


class GrantReviewDetailView(ConsolePage):
    template_name = "benefits/grant_review_detail.html"
    forms = {"keep": KeepForm, "end": EndForm}

    def review(self):
        return selectors.grant_review_get_for_user(user=self.request.user, review_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        review = kwargs.pop("review", None) or self.review()
        user = self.request.user
        is_open = review.status == GrantReview.Status.OPEN
        can_keep, cannot_keep_because = can_edit_in_unit(user, review.unit)
        can_end, cannot_end_because = can_change_entitlement(user, review.entitlement)
        return super().get_context_data(
            review=review,
            entitlement=review.entitlement,
            is_open=is_open,
            can_keep=is_open and can_keep,
            cannot_keep_because=cannot_keep_because if is_open and not can_keep else "",
            can_end=is_open and can_end,
            cannot_end_because=cannot_end_because if is_open and not can_end else "",
            failed_reasons=[reason for reason in review.reasons if reason.get("met") is False] or review.reasons,
            keep_form=kwargs.pop("keep_form", None) or KeepForm(prefix="keep"),
            end_form=kwargs.pop("end_form", None) or EndForm(prefix="end"),
            **kwargs,
        )

    def post(self, request, pk):
        review = self.review()
        action = request.POST.get("action", "")
        if action not in GRANT_REVIEW_ACTIONS:
            raise Http404
        service, _fields = GRANT_REVIEW_ACTIONS[action]
        form = self.forms[action](request.POST, prefix=action)
        if form.is_valid() and run_service(
            form, service, actor=request.user, review=review, note=form.cleaned_data["note"]
        ):
            messages.success(request, _("The grant goes on.") if action == "keep" else _("The grant is ended."))
            return HttpResponseRedirect(request.path)
        return self.render_page(review=self.review(), **{f"{action}_form": form})
