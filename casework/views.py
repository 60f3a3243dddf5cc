"""Staff console pages of the registers. Thin: load through a selector (404 outside the area), validate a
form, call a service, render. Personal numbers are masked in every template; ``PersonUnmaskView`` is the one
place that shows them, for a user with the permission and a reason, and logs it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import user_city_codes, users_with_role_over
from accounts.views import ConsolePage, ConsoleView
from core.errors import DomainError, require
from core.forms import ActionForm, run_service
from core.pagination import CappedPaginator
from core.views import redirect_to, report_form_errors

from . import forms, selectors, selectors_changes, services, worklist
from .identity import mask_id_number, mask_phone
from .models import FollowUp, Person, RegistryEntry
from .permissions import can_edit_in_unit, can_read_access_log, can_unmask
from .registers import register_clauses

PAGE_SIZE = 50


# --- Persons -----------------------------------------------------------------------------------------------


def _search_echo(query: str) -> str:
    """What to show back in the search box: a full ID number typed by the user comes back masked."""
    return mask_id_number(query.upper()) if selectors.ID_RE.match(query) else query


class PersonListView(ConsolePage):
    template_name = "casework/person_list.html"

    def get(self, request, *args, **kwargs):
        query = request.GET.get("q", "").strip()
        if selectors.ID_RE.match(query):  # a full ID number names one person: go there, don't echo it
            found = list(selectors.person_list(user=request.user, search=query)[:2])
            if len(found) == 1:
                return redirect_to("casework:person-detail", found[0].pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:32]
        code = self.request.GET.get("register", "")
        registers = selectors.registers_for_user(user=self.request.user)
        register = next((r for r in registers if r.code == code), None)
        people = selectors.person_list(user=self.request.user, search=query, register=register)
        return super().get_context_data(
            page=CappedPaginator(people, PAGE_SIZE).get_page(self.request.GET.get("page")),
            q=_search_echo(query),
            registers=registers,
            register=register,
            **kwargs,
        )


class PersonCreateView(ConsolePage):
    template_name = "casework/person_form.html"

    def get(self, request):
        return self.render_page(form=forms.PersonCreateForm(user=request.user), creating=True)

    def post(self, request):
        form = forms.PersonCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            person = run_service(form, services.person_create, actor=request.user, **data)
            if person:
                messages.success(request, _("%(name)s is registered.") % {"name": person.name})
                return redirect_to("casework:person-detail", person.pk)
            existing = selectors.person_by_id_number(user=request.user, id_number=data["id_number"])
            if existing:
                messages.info(request, _("This ID number is already registered: here is the record."))
                return redirect_to("casework:person-detail", existing.pk)
        return self.render_page(form=form, creating=True)


class PersonEditView(ConsolePage):
    template_name = "casework/person_form.html"

    def person(self):
        return selectors.person_get_for_user(user=self.request.user, person_id=self.kwargs["pk"])

    def get(self, request, pk):
        person = self.person()
        # The phone and bank account are never sent to the browser: the field starts empty, and empty keeps it.
        secret = forms.SECRET_FIELDS
        initial = {name: getattr(person, name) for name in ["name", *forms.PERSON_FIELDS] if name not in secret}
        form = forms.PersonEditForm(initial=initial, masked=self.masked(person))
        return self.render_page(form=form, person=person)

    @staticmethod
    def masked(person) -> dict[str, str]:
        return {"phone": person.masked_phone, "bank_account": person.masked_bank_account}

    def post(self, request, pk):
        person = self.person()
        form = forms.PersonEditForm(request.POST, masked=self.masked(person))
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k not in forms.SECRET_FIELDS or v}
            if run_service(form, services.person_update, actor=request.user, person=person, **changes):
                messages.success(request, _("Saved."))
                return redirect_to("casework:person-detail", person.pk)
        return self.render_page(form=form, person=person)


PERSON_TABS = [
    ("profile", _("Profile")),
    ("household", _("Household")),
    ("registers", _("Registers")),
    ("employment", _("Employment")),
    ("contacts", _("Contacts and notes")),
    ("history", _("History")),
]


# The records each tab of the person page shows (casework.selectors.person_profile): the other tabs' are not read.
PERSON_TAB_SECTIONS = {
    "household": ("household",),
    "registers": ("entries",),
    "employment": ("employment",),
    "contacts": ("contacts", "notes", "referrals", "assistance"),
}


class PersonDetailView(ConsolePage):
    template_name = "casework/person_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        person = selectors.person_get_for_user(user=user, person_id=self.kwargs["pk"])
        panels = {key: import_string(path) for key, path in settings.CASEWORK_PERSON_PANELS.items()}
        tabs = [(key, str(label)) for key, label in PERSON_TABS] + [(k, str(f.label)) for k, f in panels.items()]
        tab = self.request.GET.get("tab", "profile")
        if tab not in dict(tabs):
            tab = "profile"
        context = {
            "person": person,
            "tab": tab,
            "tabs": tabs,
            "panel": panels[tab](self.request, person) if tab in panels else None,
            "can_edit": can_edit_in_unit(user, person.residence_unit)[0],
            "can_unmask": can_unmask(user)[0],
            # only the shown tab's records and forms (the name conflicts and a waiting account change show on all)
            **selectors.person_profile(person=person, sections=PERSON_TAB_SECTIONS.get(tab, ())),
            "pending_account_change": selectors_changes.pending_account_change(person=person),
        }
        if tab == "profile":
            context.update(
                portal_account=mask_phone(person.account.username) if person.account_id else "",
                change_requests=selectors_changes.change_requests_of_person(person=person),
                move_form=forms.MoveForm(user=user, person=person),
                unmask_form=forms.UnmaskForm(),
            )
        elif tab == "registers":
            registers = [
                r
                for r in selectors.registers_for_user(user=user)
                if r.subject == "person" and person.residence_unit.city_code in r.cities
            ]
            context.update(entry_form=forms.EntryForm(registers=registers), exit_form=forms.ExitForm())
        elif tab == "employment":
            context.update(employment_form=forms.EmploymentForm())
        elif tab == "contacts":
            context.update(
                contact_form=forms.ContactForm(),
                note_form=forms.NoteForm(),
                referral_form=forms.ReferralForm(),
                referral_outcome_form=forms.ReferralOutcomeForm(),
                assistance_form=forms.AssistanceForm(caseworkers=_caseworkers_for(person)),
            )
        if tab == "history":
            context["history"] = selectors.history_changes(
                person.history.select_related("history_user").order_by("-history_date", "-history_id"), model=Person
            )
        return super().get_context_data(**context, **kwargs)


def _caseworkers_for(person):
    """Staff who may keep this person's records: caseworkers and supervisors of the community or above it."""
    return users_with_role_over(unit=person.residence_unit, role=(Role.CASEWORKER, Role.SUPERVISOR)).order_by(
        "username"
    )


class PersonActionView(ConsoleView):
    """POST-only actions on a person's page: each validates its form, calls one service and goes back to the tab
    (or, for HTMX, returns the refreshed fragment)."""

    http_method_names = ["post"]
    actions = {
        "contact": (forms.ContactForm, services.contact_log, "contacts"),
        "note": (forms.NoteForm, services.case_note_add, "contacts"),
        "employment": (forms.EmploymentForm, services.employment_record_add, "employment"),
        "referral": (forms.ReferralForm, services.referral_create, "contacts"),
    }

    def post(self, request, pk, action):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        if action == "entry":
            registers = selectors.registers_for_user(user=request.user)
            form, tab = forms.EntryForm(request.POST, registers=registers), "registers"
            if form.is_valid():
                data = dict(form.cleaned_data)
                register = selectors.register_get(code=data.pop("register"))
                run_service(
                    form, services.registry_entry_add, actor=request.user, register=register, person=person, **data
                )
        elif action == "name-conflict":
            form, tab = forms.NameConflictForm(request.POST), "profile"
            if form.is_valid():  # "abc" is the form's error, not a failed lookup
                conflict = get_object_or_404(
                    person.name_conflicts.filter(resolved_at__isnull=True), pk=form.cleaned_data["conflict"]
                )
                run_service(
                    form,
                    services.name_conflict_resolve,
                    actor=request.user,
                    conflict=conflict,
                    keep_received=request.POST.get("keep") == "received",
                )
        elif action == "move":
            form, tab = forms.MoveForm(request.POST, user=request.user, person=person), "profile"
            if form.is_valid():
                run_service(form, services.person_move, actor=request.user, person=person, **form.cleaned_data)
        elif action == "referral-outcome":
            form, tab = forms.ReferralOutcomeForm(request.POST), "contacts"
            if form.is_valid():
                referral = get_object_or_404(person.referrals, pk=form.cleaned_data.pop("referral"))
                run_service(form, services.referral_outcome, actor=request.user, referral=referral, **form.cleaned_data)
        elif action == "assistance":
            form, tab = forms.AssistanceForm(request.POST, caseworkers=_caseworkers_for(person)), "contacts"
            if form.is_valid():
                run_service(form, services.assistance_assign, actor=request.user, person=person, **form.cleaned_data)
        else:
            if action not in self.actions:
                return redirect_to("casework:person-detail", person.pk)
            form_class, service, tab = self.actions[action]
            form = form_class(request.POST)
            if form.is_valid():
                run_service(form, service, actor=request.user, person=person, **form.cleaned_data)
        report_form_errors(request, form)
        return redirect_to("casework:person-detail", person.pk, query=f"tab={tab}")


class EntryExitView(ConsoleView):
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = get_object_or_404(RegistryEntry.objects.visible_to(request.user).select_related("person"), pk=pk)
        form = forms.ExitForm(request.POST)
        if form.is_valid() and run_service(
            form,
            services.registry_entry_exit,
            actor=request.user,
            entry=entry,
            exited_on=form.cleaned_data["exited_on"],
            reason=form.cleaned_data["reason"],
        ):
            messages.success(request, _("Taken off the register."))
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        if entry.person_id:
            return redirect_to("casework:person-detail", entry.person_id, query="tab=registers")
        return redirect_to("casework:household-detail", entry.household_id)


class PersonUnmaskView(ConsoleView):
    """HTMX: the full numbers in place of the masked ones, for a user with the permission and a reason."""

    http_method_names = ["post"]

    def post(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        form = forms.UnmaskForm(request.POST)
        numbers = None
        if form.is_valid():
            numbers = run_service(
                form,
                services.personal_data_unmask,
                user=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
            )
        return render(request, "casework/_unmask.html", {"person": person, "form": form, "numbers": numbers})


# --- Registers ---------------------------------------------------------------------------------------------


class RegisterListView(ConsolePage):
    template_name = "casework/register_list.html"

    def get_context_data(self, **kwargs):
        registers = selectors.registers_for_user(user=self.request.user)
        return super().get_context_data(registers=sorted(registers, key=lambda r: (-r.open_count, r.code)), **kwargs)


class RegisterDetailView(ConsolePage):
    """One register in the user's area: who is on it and, where contact is a duty, when each was last reached."""

    template_name = "casework/register_detail.html"

    def get_context_data(self, **kwargs):
        register = selectors.register_get(code=self.kwargs["code"])
        status = self.request.GET.get("status", "")
        if status not in ("never", "recent", "overdue"):
            status = ""
        query = self.request.GET.get("q", "").strip()[:32]
        entries = selectors.register_entries(user=self.request.user, register=register, status=status, search=query)
        today = timezone.localdate()
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        for entry in page:
            entry.contact_status = selectors.contact_status(getattr(entry, "last_contacted_on", None), today=today)
        coverage = (
            selectors.register_contact_coverage(user=self.request.user, register=register, today=today)
            if register.needs_contact
            else None
        )
        return super().get_context_data(
            register=register,
            clauses=register_clauses(register, cities=user_city_codes(user=self.request.user) or None),
            page=page,
            status=status,
            q=query,
            coverage=coverage,
            contact_form=forms.ContactForm(),
            **kwargs,
        )


class RegisterContactView(ConsoleView):
    """HTMX: log a contact from a register row in two clicks (open the row's form, pick the outcome)."""

    def get(self, request, code, pk):
        entry = self._entry(request, code, pk)
        return render(request, "casework/_contact_row_form.html", {"entry": entry, "form": forms.ContactForm()})

    def post(self, request, code, pk):
        entry = self._entry(request, code, pk)
        form = forms.ContactForm(request.POST)
        if form.is_valid() and run_service(
            form, services.contact_log, actor=request.user, person=entry.person, **form.cleaned_data
        ):
            entry.last_contacted_on = form.cleaned_data["contacted_on"]
            entry.contact_status = selectors.contact_status(entry.last_contacted_on, today=timezone.localdate())
            return render(
                request,
                "casework/_register_row.html",
                {"entry": entry, "register": entry.register, "just_logged": True},
            )
        return render(request, "casework/_contact_row_form.html", {"entry": entry, "form": form})

    def _entry(self, request, code, pk):
        return get_object_or_404(
            RegistryEntry.objects.visible_to(request.user).select_related("person", "register", "unit"),
            register__code=code,
            pk=pk,
            person__isnull=False,
            exited_on__isnull=True,
        )


# --- Households --------------------------------------------------------------------------------------------


class HouseholdListView(ConsolePage):
    template_name = "casework/household_list.html"

    def get_context_data(self, **kwargs):
        show = self.request.GET.get("show", "")
        households = selectors.household_list(
            user=self.request.user, zero_only=show == "zero", fell_back_only=show == "fell_back"
        )
        return super().get_context_data(
            page=Paginator(households, PAGE_SIZE).get_page(self.request.GET.get("page")), show=show, **kwargs
        )


class HouseholdCreateView(ConsolePage):
    template_name = "casework/household_form.html"

    def get(self, request):
        return self.render_page(form=forms.HouseholdForm(user=request.user))

    def post(self, request):
        form = forms.HouseholdForm(request.POST, user=request.user)
        if form.is_valid():
            household = run_service(form, services.household_create, actor=request.user, **form.cleaned_data)
            if household:
                messages.success(request, _("The household is registered."))
                return redirect_to("casework:household-detail", household.pk)
        return self.render_page(form=form)


class HouseholdDetailView(ConsolePage):
    """A household, its members and registers; the keeper of the area edits it here (POST ``action``)."""

    template_name = "casework/household_detail.html"

    def household(self):
        return selectors.household_get_for_user(user=self.request.user, household_id=self.kwargs["pk"])

    def post(self, request, pk):
        household, action = self.household(), request.POST.get("action")
        if action == "edit":
            form = forms.HouseholdEditForm(request.POST)
            if form.is_valid():
                run_service(
                    form, services.household_update, actor=request.user, household=household, **form.cleaned_data
                )
        elif action == "add-member":
            form = forms.HouseholdMemberForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                person = Person.objects.visible_to(request.user).filter(id_number=data["id_number"].upper()).first()
                if person is None:
                    form.add_error("id_number", _("No person with this ID number in your area."))
                else:
                    run_service(
                        form,
                        services.household_member_add,
                        actor=request.user,
                        household=household,
                        person=person,
                        relation=data["relation"],
                        able_to_work=data["able_to_work"],
                    )
        elif action == "remove-member":
            form = ActionForm({})
            member = get_object_or_404(household.members.all(), pk=request.POST.get("member"))
            run_service(form, services.household_member_remove, actor=request.user, member=member)
        else:
            return redirect_to("casework:household-detail", household.pk)
        report_form_errors(request, form)
        return redirect_to("casework:household-detail", household.pk)

    def get_context_data(self, **kwargs):
        household = self.household()
        return super().get_context_data(
            household=household,
            can_edit=can_edit_in_unit(self.request.user, household.unit)[0],
            edit_form=forms.HouseholdEditForm(
                initial={
                    "address": household.address,
                    "is_dibao": household.is_dibao,
                    "dibao_since": household.dibao_since,
                }
            ),
            member_form=forms.HouseholdMemberForm(),
            entries=household.registry_entries.select_related("register").order_by("-entered_on"),
            history=selectors.history_changes(
                household.history.select_related("history_user").order_by("-history_date", "-history_id"),
                model=type(household),
                limit=50,
            ),
            **kwargs,
        )


# --- Organizations -----------------------------------------------------------------------------------------


class OrganizationListView(ConsolePage):
    template_name = "casework/organization_list.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:64]
        organizations = selectors.organization_list(user=self.request.user, search=query)
        return super().get_context_data(
            page=Paginator(organizations, PAGE_SIZE).get_page(self.request.GET.get("page")), q=query, **kwargs
        )


class OrganizationCreateView(ConsolePage):
    template_name = "casework/organization_form.html"

    def get(self, request):
        return self.render_page(form=forms.OrganizationForm(user=request.user))

    def post(self, request):
        form = forms.OrganizationForm(request.POST, user=request.user)
        if form.is_valid():
            organization = run_service(form, services.organization_create, actor=request.user, **form.cleaned_data)
            if organization:
                messages.success(request, _("The organization is registered."))
                return redirect_to("casework:organization-detail", organization.pk)
        return self.render_page(form=form)


class OrganizationDetailView(ConsolePage):
    template_name = "casework/organization_detail.html"

    def get_context_data(self, **kwargs):
        organization = selectors.organization_get_for_user(user=self.request.user, organization_id=self.kwargs["pk"])
        employees = selectors.organization_employees(user=self.request.user, organization=organization)[:200]
        panels = [
            panel
            for path in settings.CASEWORK_ORGANIZATION_PANELS.values()
            if (panel := import_string(path)(self.request, organization))
        ]
        can_edit, _reason = can_edit_in_unit(self.request.user, organization.unit)
        return super().get_context_data(
            organization=organization, employees=employees, panels=panels, can_edit=can_edit, **kwargs
        )


class OrganizationEditView(ConsolePage):
    """Correct an organization's name, kind, representative, phone, address or registration date."""

    template_name = "casework/organization_form.html"

    def organization(self):
        organization = selectors.organization_get_for_user(user=self.request.user, organization_id=self.kwargs["pk"])
        require(can_edit_in_unit(self.request.user, organization.unit), error=PermissionDenied)
        return organization

    def get(self, request, pk):
        organization = self.organization()
        fields = [name for name in forms.OrganizationEditForm.base_fields if name != "contact_phone"]
        form = forms.OrganizationEditForm(
            initial={name: getattr(organization, name) for name in fields},
            masked_phone=organization.masked_contact_phone,
        )
        return self.render_page(form=form, organization=organization)

    def post(self, request, pk):
        organization = self.organization()
        form = forms.OrganizationEditForm(request.POST, masked_phone=organization.masked_contact_phone)
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "contact_phone" or v}
            changes = {k: v for k, v in changes.items() if v != getattr(organization, k)}
            if not changes or run_service(
                form, services.organization_update, actor=request.user, organization=organization, **changes
            ):
                messages.success(request, _("Saved."))
                return redirect_to("casework:organization-detail", organization.pk)
        return self.render_page(form=form, organization=organization)


# --- Worklist ---------------------------------------------------------------------------------------------


class WorklistView(ConsolePage):
    """The open follow-ups the nightly jobs raised for the user's area, earliest due first."""

    template_name = "casework/worklist.html"

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind", "")
        if kind not in FollowUp.Kind.values:
            kind = ""
        items = worklist.followups_for_user(user=self.request.user, kind=kind)
        page = Paginator(items, PAGE_SIZE).get_page(self.request.GET.get("page"))
        _decision_links(page.object_list)
        return super().get_context_data(
            page=page,
            kind=kind,
            kinds=FollowUp.Kind.choices,
            today=timezone.localdate(),
            **kwargs,
        )


def _decision_links(items) -> None:
    """An item that stands for a decision someone waits for links to where it is decided (``decide_url``): the
    person's waiting change request, the account changes to confirm, or the page a higher app names for its kind
    (``CASEWORK_FOLLOW_UP_LINKS``). Marking it done would not help: it is raised again while the decision waits."""
    items = list(items)
    waiting = selectors_changes.waiting_requests_by_person(
        person_ids={i.person_id for i in items if i.kind == FollowUp.Kind.CHANGE_REQUEST}
    )
    for item in items:
        item.decide_url = ""
        if item.kind == FollowUp.Kind.CHANGE_REQUEST and item.person_id in waiting:
            item.decide_url = reverse("casework:change-request-detail", args=[waiting[item.person_id]])
        elif item.kind == FollowUp.Kind.ACCOUNT_CONFIRM:
            item.decide_url = reverse("casework:account-change-list")
        elif item.kind in settings.CASEWORK_FOLLOW_UP_LINKS and item.person_id:
            item.decide_url = f"{reverse(settings.CASEWORK_FOLLOW_UP_LINKS[item.kind])}?person={item.person_id}"


class FollowUpDoneView(ConsoleView):
    http_method_names = ["post"]

    def post(self, request, pk):
        item = get_object_or_404(FollowUp.objects.visible_to(request.user), pk=pk, done_at__isnull=True)
        try:
            services.follow_up_done(actor=request.user, follow_up=item)
            messages.success(request, _("Marked as done."))
        except DomainError as error:
            messages.error(request, str(error.message))
        return redirect_to("casework:worklist")


# --- Access log --------------------------------------------------------------------------------------------


class AccessLogView(ConsolePage):
    template_name = "casework/access_log.html"

    def get_context_data(self, **kwargs):
        require(can_read_access_log(self.request.user), error=PermissionDenied)
        rows = selectors.access_log(user=self.request.user)
        return super().get_context_data(
            page=Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page")), **kwargs
        )
