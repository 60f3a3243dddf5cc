"""Console pages of the application workflow: the queue, a new application from a person, the application page
(rules, evidence, timeline) with one form per transition. Each POST calls the transition's service."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import has_role
from accounts.views import ConsoleView
from casework.permissions import can_edit_in_unit
from casework.selectors import person_get_for_user
from core.forms import run_service
from core.uploads import document_download

from ..appeals.selectors import appeal_deadline
from ..models import Application, Period, Program
from . import selectors
from . import services as workflow
from .evidence import checklist
from .forms import ApplicationForm, DecisionForm, EvidenceForm, NoteForm


class ApplicationListView(ConsoleView):
    """The queue: supervisors see what waits for a decision first, caseworkers what is open in their area."""

    template_name = "benefits/application_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        default = Application.State.RECOMMENDED if has_role(user, Role.SUPERVISOR) else ""
        state = self.request.GET.get("state", default)
        applications = selectors.application_list(user=user, state=state)
        page = Paginator(applications, 50).get_page(self.request.GET.get("page"))
        limits = selectors.processing_limits(on=timezone.localdate())
        return super().get_context_data(
            page=page,
            rows=[(application, selectors.application_deadline(application, limits)) for application in page],
            state=state,
            states=Application.State.choices,
            can_bulk_approve=state == Application.State.RECOMMENDED and has_role(user, Role.SUPERVISOR),
            today=timezone.localdate(),
            **kwargs,
        )


def _person_programs(person):
    return Program.objects.filter(city=person.residence_unit.city_code, beneficiary="individual").order_by(
        "family", "code"
    )


class ApplicationCreateView(ConsoleView):
    template_name = "benefits/application_form.html"

    def person(self):
        return person_get_for_user(user=self.request.user, person_id=self.kwargs["person_id"])

    def get(self, request, person_id):
        person = self.person()
        form = ApplicationForm(programs=_person_programs(person), initial={"program": request.GET.get("program")})
        return self.render_to_response(self.get_context_data(person=person, form=form))

    def post(self, request, person_id):
        person = self.person()
        form = ApplicationForm(request.POST, programs=_person_programs(person))
        if form.is_valid():
            data = dict(form.cleaned_data)
            program = get_object_or_404(Program, code=data.pop("program"))
            application = run_service(
                form, workflow.application_create, actor=request.user, program=program, person=person, **data
            )
            if application:
                messages.success(request, _("Application created as a draft."))
                return HttpResponseRedirect(reverse("benefits:application-detail", args=[application.pk]))
        return self.render_to_response(self.get_context_data(person=person, form=form))


def _first_terms(application: Application) -> dict | None:
    """The terms of a first approval waiting for the second, with the period in words."""
    terms = application.first_approval
    if not terms or application.state != Application.State.RECOMMENDED:
        return None
    label = Period(terms["period"]).label if terms["period"] in Period.values else ""
    return {**terms, "period_label": label}


class ApplicationDetailView(ConsoleView):
    template_name = "benefits/application_detail.html"

    def application(self):
        return selectors.application_get_for_user(user=self.request.user, application_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        application = kwargs.pop("application", None) or self.application()
        today = timezone.localdate()
        preview = None
        can_decide, why_not = workflow.can_decide(self.request.user, application)
        items = checklist(application)
        if application.state in (Application.State.SUBMITTED, Application.State.RECOMMENDED):
            preview = workflow.decision_for(application, today).as_dict()
        return super().get_context_data(
            application=application,
            preview=preview,
            evidence=application.evidence.select_related("uploaded_by"),
            timeline=selectors.application_timeline(application),
            note_form=kwargs.pop("note_form", None) or NoteForm(),
            checklist=items,
            evidence_form=kwargs.pop("evidence_form", None) or EvidenceForm(checklist=items),
            decision_form=kwargs.pop("decision_form", None) or DecisionForm(),
            can_decide=can_decide,
            cannot_decide_because=why_not,
            can_write=can_edit_in_unit(self.request.user, application.unit)[0],
            first_terms=_first_terms(application),
            today=today,
            **kwargs,
        )

    def post(self, request, pk):
        application = self.application()
        action = request.POST.get("action", "")
        if action == "evidence":
            form = EvidenceForm(request.POST, request.FILES, checklist=checklist(application))
            if form.is_valid() and run_service(
                form,
                workflow.evidence_add,
                actor=request.user,
                application=application,
                upload=form.cleaned_data["file"],
                label=form.cleaned_data["label"],
                checklist_item=form.cleaned_data["checklist_item"],
            ):
                messages.success(request, _("Document attached."))
                return HttpResponseRedirect(request.path)
            return self.render_to_response(self.get_context_data(application=application, evidence_form=form))
        if action == "note":
            form = NoteForm(request.POST)
            if form.is_valid() and run_service(
                form, workflow.application_note_add, actor=request.user, application=application, **form.cleaned_data
            ):
                messages.success(request, _("Note added."))
                return HttpResponseRedirect(request.path)
            return self.render_to_response(self.get_context_data(application=application, note_form=form))
        if action not in workflow.TRANSITIONS:
            raise Http404
        service, fields = workflow.TRANSITIONS[action]
        form = DecisionForm(request.POST)
        form.is_valid()
        if run_service(
            form, service, actor=request.user, application=application, **{f: form.cleaned_data[f] for f in fields}
        ):
            messages.success(request, _("Done."))
            return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(application=application, decision_form=form))


class EvidenceFileView(ConsoleView):
    """A document, to whoever may see its application (404 for anyone else)."""

    def get(self, request, pk, evidence_id):
        return document_download(
            selectors.evidence_get_for_user(user=request.user, application_id=pk, evidence_id=evidence_id)
        )


class ApplicationNoticeView(ConsoleView):
    """The printable decision notice (审批表 / 告知书) of a decided application, in Chinese whatever the console's
    language: it is handed to the applicant."""

    template_name = "benefits/application_notice.html"

    def get_context_data(self, **kwargs):
        application = selectors.application_get_for_user(user=self.request.user, application_id=self.kwargs["pk"])
        if application.state not in (Application.State.APPROVED, Application.State.REJECTED):
            raise Http404
        deadline = appeal_deadline(application)  # the review right the notice names (a rejection)
        return super().get_context_data(application=application, review_deadline=deadline, **kwargs)

    def render_to_response(self, context, **kwargs):
        with translation.override("zh-hans"):
            return super().render_to_response(context, **kwargs).render()


class ApplicationBulkApproveView(ConsoleView):
    """Approve the ticked applications of the queue, each through ``application_approve`` (four eyes, the rules,
    the caps): the ones refused stay in the queue with the reason shown."""

    http_method_names = ["post"]

    def post(self, request):
        ids = [int(value) for value in request.POST.getlist("application") if value.isdecimal()]  # not "²"
        chosen = selectors.application_list(user=request.user).filter(pk__in=ids)
        approved = 0
        for application in chosen:
            form = DecisionForm({})
            form.is_valid()
            if run_service(form, workflow.application_approve, actor=request.user, application=application):
                approved += 1
            else:
                reasons = "; ".join(str(error) for errors in form.errors.values() for error in errors)
                messages.error(request, f"#{application.pk} {application.party}: {reasons}")
        if approved:
            messages.success(request, _("%(count)s approved.") % {"count": approved})
        return HttpResponseRedirect(reverse("benefits:application-list") + "?state=recommended")
