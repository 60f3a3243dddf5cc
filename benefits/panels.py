"""Panels that benefits adds to pages of lower apps (listed in settings, resolved by dotted path)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.validators import check_date
from casework.permissions import can_edit_in_unit

from .payments.selectors import can_read_batches, exception_list, ledger_net, payment_history
from .rules.facts import FactsError
from .rules.questions import question_for
from .screening.answers import answered_here
from .screening.screen import screen_person
from .screening.selectors import recorded_answers, stated_answers


def person_eligibility(request, person) -> dict:
    """可能符合的政策: every program of the person's city decided on the person's records as of a day, with the
    questions that would settle more (answered in place by whoever may edit the person)."""
    try:
        as_of = datetime.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        as_of = datetime.date.today()
    return eligibility_panel(user=request.user, person=person, as_of=as_of)


def eligibility_panel(*, user, person, as_of: datetime.date, errors: dict | None = None) -> dict:
    """The 可能符合的政策 panel's context; ``errors`` (fact path → messages) from an answer just refused."""
    template = "benefits/_eligibility_panel.html"
    try:
        check_date(as_of)
    except ValidationError as error:  # 9999-12-31 would overflow the rules' date arithmetic: say so instead
        return {"template": template, "error": " ".join(error.messages), "as_of": as_of}
    try:
        result = screen_person(person=person, as_of=as_of)
    except FactsError as error:  # a stored record the facts format cannot express: say so, don't fail the page
        return {"template": template, "error": "; ".join(error.errors), "as_of": as_of}
    can_answer = can_edit_in_unit(user, person.residence_unit)[0]
    questions = result["open_questions"]
    for question in questions:
        entry = question_for(question["fact"])
        question["answer_here"] = can_answer and answered_here(entry)
        question["tab"] = RECORDED_ON_TAB.get(entry.recorded, "")
        question["errors"] = (errors or {}).get(question["fact"], [])
    answers = recorded_answers(person=person)
    for answer in answers:
        answer.errors = (errors or {}).get(answer.path, [])
    shown = {q["fact"] for q in questions} | {a.path for a in answers}
    elsewhere = [m for path, messages in (errors or {}).items() if path not in shown for m in messages]
    return {
        "template": template,
        "as_of": as_of,
        "person_id": person.pk,
        "can_answer": can_answer,
        "employer_programs": result.get("employer_programs", []),
        "open_questions": questions,
        "waiting_on": result["waiting_on"],
        "answers": answers,
        "errors": elsewhere,  # about a question no longer listed (answered meanwhile, or never asked here)
        **grouped(result["results"]),
    }


# Where a question that is not answered in place is recorded: the tab of the person's page.
RECORDED_ON_TAB = {
    "register": "registers",
    "employment": "employment",
    "household_register": "household",
    "person": "profile",
    "id_number": "profile",
}


person_eligibility.label = _("Likely programs")


def _payments(request, **party) -> dict:
    """发放记录: the party's payment lines in the user's area, each with what its ledger entries net to."""
    lines = list(payment_history(user=request.user, **party))
    for line in lines:
        line.net_cny = ledger_net(line.ledger.all())
    return {
        "template": "benefits/_payments_panel.html",
        "lines": lines,
        "net_total": sum((line.net_cny for line in lines if line.net_cny is not None), Decimal("0.00")),
        "can_read_batches": can_read_batches(request.user)[0],
    }


def person_payments(request, person) -> dict:
    return _payments(request, person=person)


person_payments.label = _("Payments")


def organization_payments(request, organization) -> dict:
    return _payments(request, organization=organization)


organization_payments.label = _("Payments")


def grouped(results: list[dict]) -> dict:
    """Results in the order a caseworker reads them: likely, then to check (facts missing), then not eligible;
    programs the documents leave unquantified last."""
    unquantified = [r for r in results if [x["condition"] for x in r["reasons"]] == ["not_quantified"]]
    decided = [r for r in results if r not in unquantified]
    return {
        "likely": [r for r in decided if r["eligible"] is True],
        "unknown": [r for r in decided if r["eligible"] is None],
        "not_eligible": [r for r in decided if r["eligible"] is False],
        "unquantified": unquantified,
    }


def leads_summary(request) -> dict | None:
    """Home page: how many people in the area are likely eligible and have not applied (主动服务), and how many
    answers applicants stated that wait for a caseworker's confirmation."""
    from accounts.models import Role

    from .models import Lead

    user = request.user
    if not (user.is_superuser or {Role.CASEWORKER, Role.SUPERVISOR} & user.roles()):
        return None
    leads = Lead.objects.visible_to(user).open()
    return {
        "template": "benefits/_leads_panel.html",
        "count": leads.count(),
        "people": leads.values("person").distinct().count(),
        "stated": stated_answers(user=user).count(),  # the list it links to counts the same rows
    }


def payments_to_do(request) -> dict | None:
    """Home page of a finance officer: the batches waiting for each finance step and the open payment exceptions,
    each count a link to the list it counts (one batch: the batch itself)."""
    from accounts.models import Role

    from .models import DisbursementBatch

    user = request.user
    if not (user.is_superuser or Role.FINANCE in user.roles()):
        return None
    counts = dict(DisbursementBatch.objects.visible_to(user).values_list("status").annotate(n=Count("id")).order_by())
    steps = [
        (DisbursementBatch.Status.DRAFT, _("waiting for approval")),
        (DisbursementBatch.Status.APPROVED, _("approved, to send to the bank")),
        (DisbursementBatch.Status.EXPORTED, _("sent, waiting for the bank's result")),
    ]
    rows = []
    for status, label in steps:
        count = counts.get(status, 0)
        link = reverse("benefits:batch-list") + f"?status={status}"
        if count == 1:
            only = DisbursementBatch.objects.visible_to(user).filter(status=status).values_list("pk", flat=True)
            link = reverse("benefits:batch-detail", args=[only.get()])
        rows.append({"label": label, "count": count, "link": link})
    return {
        "template": "benefits/_finance_panel.html",
        "rows": rows,
        "exceptions": exception_list(user=user).count(),
    }
