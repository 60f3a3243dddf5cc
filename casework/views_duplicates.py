"""Console pages of the possible duplicates: the supervisor's list, two records side by side (masked; the full
numbers of a record in the user's area through the logged unmask service), "not a duplicate" and the merge."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.views import ConsolePage, ConsoleView
from core.forms import run_service
from core.views import redirect_to, report_form_errors

from . import selectors, selectors_duplicates, services, services_duplicates
from .forms import UnmaskForm
from .forms_duplicates import DismissForm, MergeForm
from .models import DuplicateCandidate
from .permissions import can_decide_duplicate, can_review_duplicates, can_unmask

PAGE_SIZE = 50


class DuplicateAccess:
    """Supervisors and administrators (the roles that decide) reach these pages."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_review_duplicates(request.user)[0]:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DuplicateListView(DuplicateAccess, ConsolePage):
    template_name = "casework/duplicate_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", DuplicateCandidate.Status.OPEN)
        if status not in DuplicateCandidate.Status.values:
            status = DuplicateCandidate.Status.OPEN
        pairs = selectors_duplicates.duplicate_list(user=self.request.user, status=status)
        return super().get_context_data(
            page=Paginator(pairs, PAGE_SIZE).get_page(self.request.GET.get("page")),
            status=status,
            statuses=DuplicateCandidate.Status.choices,
            **kwargs,
        )


class DuplicateDetailView(DuplicateAccess, ConsolePage):
    template_name = "casework/duplicate_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        candidate = selectors_duplicates.duplicate_get_for_user(user=user, candidate_id=self.kwargs["pk"])
        units = [candidate.person_a.residence_unit, candidate.person_b.residence_unit]
        can_merge = can_decide_duplicate(user, units, all_units=True)[0]
        is_open = candidate.status in (DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.STALE)
        # what each merge would move, counted now, for its confirmation (only to who may merge: both records)
        moves = selectors_duplicates.duplicate_merge_preview(candidate=candidate) if can_merge and is_open else {}
        return super().get_context_data(
            candidate=candidate,
            sides=[
                {**side, "unmask_form": UnmaskForm(prefix=side["key"]), "moves": moves.get(side["person"].pk, [])}
                for side in selectors_duplicates.duplicate_sides(user=user, candidate=candidate)
            ],
            can_decide=can_decide_duplicate(user, units)[0],
            can_merge=can_merge,
            can_unmask=can_unmask(user)[0],
            dismiss_form=kwargs.pop("dismiss_form", None) or DismissForm(),
            is_open=is_open,
            **kwargs,
        )


class DuplicateDismissView(DuplicateAccess, ConsoleView):
    http_method_names = ["post"]

    def post(self, request, pk):
        candidate = selectors_duplicates.duplicate_get_for_user(user=request.user, candidate_id=pk)
        form = DismissForm(request.POST)
        if form.is_valid():
            run_service(
                form,
                services_duplicates.duplicate_dismiss,
                actor=request.user,
                candidate=candidate,
                **form.cleaned_data,
            )
        report_form_errors(request, form)
        return redirect_to("casework:duplicate-detail", candidate.pk)


class DuplicateMergeView(DuplicateAccess, ConsoleView):
    """Merge the pair, keeping the side posted; then the kept record's page."""

    http_method_names = ["post"]

    def post(self, request, pk):
        candidate = selectors_duplicates.duplicate_get_for_user(user=request.user, candidate_id=pk)
        form = MergeForm(request.POST)
        merged = None
        if form.is_valid():
            keep = candidate.person_a if form.cleaned_data["keep"] == "a" else candidate.person_b
            merged = run_service(
                form, services_duplicates.duplicate_merge, actor=request.user, candidate=candidate, keep=keep
            )
        if merged is None:
            report_form_errors(request, form)
            return redirect_to("casework:duplicate-detail", candidate.pk)
        messages.success(request, _("The two records are merged: everything is on this record now."))
        return redirect_to("casework:person-detail", keep.pk)


class DuplicateUnmaskView(DuplicateAccess, ConsoleView):
    """HTMX: one side's full ID and mobile numbers, logged like every unmasking; only a record in the
    user's area."""

    http_method_names = ["post"]

    def post(self, request, pk, side):
        if side not in ("a", "b"):
            raise Http404
        candidate = selectors_duplicates.duplicate_get_for_user(user=request.user, candidate_id=pk)
        person_id = candidate.person_a_id if side == "a" else candidate.person_b_id
        person = selectors.person_get_for_user(user=request.user, person_id=person_id)
        form = UnmaskForm(request.POST, prefix=side)  # two on one page: each side its own field ids
        numbers = None
        if form.is_valid():
            numbers = run_service(
                form,
                services.personal_data_unmask,
                user=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
            )
        context = {"candidate": candidate, "side": side, "person": person, "form": form, "numbers": numbers}
        return render(request, "casework/_duplicate_unmask.html", context)
