"""Every word on a Chinese page is Chinese: signed in as each role of the demo, every console page (and, as the
demo applicant, every portal page, and the API's error answers) is read in zh-hans, and any English word or raw
code outside a short allow-list fails the test, naming the page and the words.

What counts is what a person reads: the text of the page, and the titles, placeholders, labels and button values
(not the markup, the URLs or the scripts). The allow-list holds what is English in Chinese offices too: file
formats, "API", and the values a user typed (usernames, file names)."""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=False)

# File formats and "API"; English, the language switcher's name for English; PAY, the prefix of a payment batch's
# reference (a document number, printed on the bank file).
# CPI, the abbreviation Chinese statistics use for the consumer price index; JavaScript, which the portal asks a
# browser to turn on; KB, the size of a file.
ALLOWED = {
    *("API", "PDF", "JPEG", "JPG", "PNG", "CSV", "csv", "Excel", "XLSX", "xlsx", "SMS", "English", "PAY", "CPI"),
    *("JavaScript", "KB"),
}
WORD = re.compile(r"[A-Za-z][A-Za-z’']+")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")  # {amount}: filled in by the script
CODE = re.compile(r"[a-z_-]+")  # zh-hans: a setting for the script, not a word
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _Text(HTMLParser):
    """The words a person reads on a page."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "code"):
            self._skip += 1
        attrs = dict(attrs)
        for name in VISIBLE_ATTRIBUTES & set(attrs):
            self.parts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")
        if attrs.get("id") == "strings":  # the portal's words for its scripts (not its addresses and codes)
            self.parts.extend(
                PLACEHOLDER.sub(" ", value)
                for key, value in attrs.items()
                if key.startswith("data-") and value and not value.startswith("/") and not CODE.fullmatch(value)
            )

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str, *, typed: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    for value in typed:  # what a user typed is shown as typed
        text = text.replace(value, " ")
    return {word for word in WORD.findall(text) if word not in ALLOWED}


def _pages(user):
    """The console pages ``user`` reaches, with the first record of each kind in their area."""
    from accounts.models import ServiceUnit, User
    from benefits.models import (
        Application,
        Disbursement,
        DisbursementBatch,
        Entitlement,
        Parameter,
        Program,
        Scenario,
    )
    from benefits.reports.context import REPORTS
    from casework.models import DuplicateCandidate, Household, Organization, Person, Register

    urls = [
        reverse(name)
        for name in (
            "accounts:home",
            "accounts:unit-list",
            "accounts:user-list",
            "accounts:notification-list",
            "casework:person-list",
            "casework:person-create",
            "casework:register-list",
            "casework:household-list",
            "casework:household-create",
            "casework:organization-list",
            "casework:organization-create",
            "casework:worklist",
            "casework:access-log",
            "casework:claim-list",
            "casework:duplicate-list",
            "casework:change-request-list",
            "casework:account-change-list",
            "casework:imports:upload",
            "benefits:program-list",
            "benefits:parameter-list",
            "benefits:what-if",
            "benefits:lead-list",
            "benefits:application-list",
            "benefits:entitlement-list",
            "benefits:appeal-list",
            "benefits:complaint-list",
            "benefits:complaint-report",
            "benefits:grant-review-list",
            "benefits:batch-list",
            "benefits:payment-exception-list",
            "benefits:report-dashboard",
            "benefits:scenario-list",
        )
    ]
    city = user.memberships.first().unit.city_code
    urls += [reverse("benefits:report-detail", args=[name]) for name in REPORTS]
    urls += [
        reverse("casework:register-detail", args=[r.code]) for r in Register.objects.filter(cities__contains=[city])
    ]
    for program in Program.objects.filter(city=city)[:12]:
        urls.append(reverse("benefits:program-detail", args=[program.code]))
    for parameter in Parameter.objects.filter(city=city)[:6]:
        urls.append(reverse("benefits:parameter-detail", args=[parameter.code]))
    firsts = [
        ("casework:person-detail", Person.objects.visible_to(user)),
        ("casework:person-edit", Person.objects.visible_to(user)),
        ("casework:household-detail", Household.objects.visible_to(user)),
        ("casework:duplicate-detail", DuplicateCandidate.objects.visible_to(user)),
        ("casework:organization-detail", Organization.objects.visible_to(user)),
        ("benefits:application-detail", Application.objects.visible_to(user)),
        ("benefits:entitlement-detail", Entitlement.objects.visible_to(user)),
        ("benefits:batch-detail", DisbursementBatch.objects.visible_to(user)),
        ("benefits:disbursement-detail", Disbursement.objects.visible_to(user)),
        ("accounts:unit-detail", ServiceUnit.objects.visible_to(user)),
        ("accounts:user-detail", User.objects.visible_to(user)),
    ]
    for name, records in firsts:
        record = records.order_by("pk").first()
        if record is not None:
            urls.append(reverse(name, args=[record.pk]))
            if name == "casework:person-detail":
                urls += [f"{urls[-1]}?tab={tab}" for tab in ("profile", "eligibility", "payments", "history")]
    for scenario in Scenario.objects.filter(city=city):  # the demo's, run: its result and a list behind a number
        urls.append(reverse("benefits:scenario-detail", args=[scenario.pk]))
        for run in scenario.runs.filter(finished_at__isnull=False):
            people = reverse("benefits:scenario-people", args=[run.pk])
            urls += [people, f"{people}?change=amount", f"{people}?change=gained"]
    decided = Application.objects.visible_to(user).filter(state__in=["approved", "rejected"]).first()
    if decided:
        urls.append(reverse("benefits:application-notice", args=[decided.pk]))
    return urls


# The keys of the API's answers whose values a person reads (the rest are codes for programs, as documented).
DISPLAY_KEYS = {"label", "status_label", "state_label", "document", "message", "program_name", "detail", "note", "name"}


def display_strings(value, key: str = ""):
    """The strings of an API answer a page shows: the values of ``DISPLAY_KEYS`` and of an error's fields."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from display_strings(item, name if name in DISPLAY_KEYS or key == "fields" else key)
    elif isinstance(value, list):
        for item in value:
            yield from display_strings(item, key)
    elif isinstance(value, str) and key in DISPLAY_KEYS | {"fields"}:
        yield value


def english_in_answer(body, *, typed: set[str]) -> set[str]:
    text = " ".join(display_strings(body))
    for value in typed:
        text = text.replace(value, " ")
    return {word for word in WORD.findall(text) if word not in ALLOWED}


def _portal(client, found, typed):
    """The demo applicant's portal pages and the API answers they are built from."""
    from benefits.models import Application, Entitlement
    from casework.models import Person

    person = Person.objects.get(account__username="dalian.applicant")
    application = Application.objects.filter(person=person).first()
    pages = [
        "portal:home",
        "portal:screen",
        "portal:profile",
        "portal:apply",
        "portal:application-list",
        "portal:payments",
        "portal:complaints",
        "portal:changes",
        "portal:change-new",
    ]
    urls = [reverse(name) for name in pages] + [reverse("portal:change-detail", args=[1])]  # a shell: any id
    if application:
        urls.append(reverse("portal:application-detail", args=[application.pk]))
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        if words := english_words(response.content.decode(), typed=typed):
            found[f"applicant {url}"] = sorted(words)
    answers = [
        reverse("api:benefits:my-application-list"),
        reverse("api:benefits:my-entitlement-list"),
        reverse("api:benefits:my-appeal-list"),
        reverse("api:benefits:my-complaint-list"),
        reverse("api:casework:my-change-request-list"),
        reverse("api:casework:my-change-options"),
        reverse("api:casework:my-account-change-list"),
    ]
    if application:
        answers.append(reverse("api:benefits:my-application-detail", args=[application.pk]))
    for url in answers:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if words := english_in_answer(response.json(), typed=typed):
            found[f"applicant {url}"] = sorted(words)
    assert Entitlement.objects.filter(person=person).exists()


def _api_errors(client, found, typed):
    """The API's error answers a client shows: not found, a bad field, not signed in."""
    answers = {
        "404": client.get(reverse("api:casework:person-detail", args=[999999999]), HTTP_ACCEPT_LANGUAGE="zh-hans"),
        "400": client.post(
            reverse("api:casework:person-list"), {"name": "", "id_number": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        ),
    }
    client.logout()
    answers["401"] = client.get(reverse("api:casework:person-list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    for status, response in answers.items():
        assert str(response.status_code)[0] == "4", (status, response.status_code)
        body = response.json()
        assert body.get("message"), (status, body)
        if words := english_in_answer(body, typed=typed):
            found[f"API {status}"] = sorted(words)


def test_every_console_and_portal_page_is_chinese_for_every_role(client, settings):
    from accounts.models import User
    from tests.conftest import sign_in

    call_command("bootstrap_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from benefits.models import ScenarioOutcome

    assert ScenarioOutcome.objects.filter(run__scenario__city="dalian", change="amount").exists()  # a result to read
    usernames = set(User.objects.values_list("username", flat=True))
    typed = usernames | {f"{name[:3]}****{name[-4:]}" for name in usernames}  # as typed, and masked like a phone
    found = {}
    for role in ("caseworker", "supervisor", "finance", "admin", "auditor"):
        user = User.objects.get(username=f"dalian.{role}")
        sign_in(client, user)
        for url in _pages(user):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            words = english_words(response.content.decode(), typed=typed)
            if words:
                found[f"{role} {url}"] = sorted(words)
        if role == "caseworker":
            _api_errors(client, found, typed)
        client.logout()
    sign_in(client, User.objects.get(username="dalian.applicant"))
    _portal(client, found, typed)
    assert not found, "\n".join(f"{page}: {' '.join(words)}" for page, words in sorted(found.items()))
