"""The simulated users of ``manage.py bench load``: caseworkers and supervisors in the staff console, applicants on
the portal. Run by locust in its own process (never imported by Django: locust patches the standard library with
gevent); the accounts come from the JSON file named by ``LOAD_ACCOUNTS``, written by the benchmark.

Every request is checked: the status it must have (a page 200 without a redirect, a form's POST a 302 to the page
it must lead to, an API call its 2xx), and that the page is the one asked for (a marker of its template, never the
sign-in page), so a request that "worked" but showed an error, a form again or the sign-in page counts as failed.

Between two steps a user thinks for ``LOAD_THINK`` seconds (uniform between MIN,MAX); the requests of one step (a
form's POST and the page it leads to, a portal page and the API calls its script makes) follow each other at once,
as a browser sends them.
"""

import datetime
import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
from itertools import count
from urllib.parse import quote

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
THINK = [float(x) for x in os.environ.get("LOAD_THINK", "10,30").split(",")]
SEED = int(os.environ.get("LOAD_SEED", "2026"))
PASSWORD = ACCOUNTS["password"]
REPORTS = ["registers", "contacts", "households", "applications", "entitlements", "payments", "workload"]
OUTCOMES = ["seeking", "training", "no_need", "not_reached"]
CHANNELS = ["phone", "visit", "office", "wechat"]

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPTION = re.compile(r'<option value="([a-z0-9_]+)"')
APPLICATION_LINK = re.compile(r'href="/console/applications/(\d+)/"')


class CheckFailed(Exception):
    pass


def totp(key_hex: str, at: float | None = None) -> str:
    """The current 6-digit code of a TOTP authenticator (RFC 6238: SHA-1, 30-second steps), as django-otp checks it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Visitor(HttpUser):
    """What every simulated user shares: checked requests, think time, an address of its own."""

    abstract = True
    wait_time = between(*THINK)
    pool: list = []
    numbers = count()
    started: dict[str, int] = {}

    def on_start(self):
        n = next(Visitor.numbers)
        self.rng = random.Random(SEED * 1000 + n)  # noqa: S311 (reproducible choices, not secrets)
        self.account = type(self).pool.pop(0)
        # the user's place among its kind: the rounds take turns from it, so that a few users cover the whole day
        # between them in their first rounds (the test), and many users cover every step at any time
        self.index = Visitor.started.get(type(self).__name__, 0)
        Visitor.started[type(self).__name__] = self.index + 1
        # as if through the city's proxy: each user has an address of their own (198.18.0.0/15, the range kept for
        # benchmarks; only a header, nothing is sent there)
        self.client.headers.update(
            {"X-Forwarded-For": f"198.18.{n // 250}.{n % 250 + 1}", "Accept-Language": "zh-hans"}
        )
        self.loops = 0
        self.decisions = self.index
        self.signed_in = False

    def think(self):
        self.wait()

    @property
    def turn(self) -> int:
        return self.index + self.loops

    def fail(self, name: str, message: str):
        """Record a failed step that no single request shows (a page without what the next step needs)."""
        self.environment.events.request.fire(
            request_type="STEP",
            name=name,
            response_time=0,
            response_length=0,
            exception=CheckFailed(message),
            context={},
        )
        raise CheckFailed(message)

    def round(self, steps):
        """One round of the user's day; a failed check (already recorded) ends the round, the next one starts after
        the think time. Not signed in (the sign-in failed): sign in again first."""
        self.loops += 1
        try:
            if not self.signed_in:
                self.sign_in()
                self.signed_in = True
                self.think()
            steps()
        except CheckFailed:
            pass

    # --- checked requests -------------------------------------------------------------------------------------

    def page(self, path: str, name: str, marker: str = "") -> str:
        """GET a page that must answer 200 itself (no redirect: that would be the sign-in page or another one),
        with ``marker`` in it."""
        with self.client.get(
            path, name=name, headers={"X-Load-Name": name}, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path} ({response.headers.get('Location', '')})")
                raise CheckFailed(path)
            if 'name="password"' in response.text and "/login/" not in path:
                response.failure(f"the sign-in page instead of {path}")
                raise CheckFailed(path)
            if marker and marker not in response.text:
                response.failure(f"{path} without {marker!r}")
                raise CheckFailed(path)
            return response.text

    def post_form(self, path: str, name: str, data: dict, leads_to: str | re.Pattern) -> str:
        """POST a console form that must answer 302 to ``leads_to`` (a form shown again means it was refused)."""
        with self.client.post(
            path, data=data, name=name, headers={"X-Load-Name": name}, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            matches = leads_to.fullmatch(location) if isinstance(leads_to, re.Pattern) else location == leads_to
            if response.status_code != 302 or not matches:
                error = re.search(r'class="(?:error|errorlist)[^"]*"[^>]*>(.{0,200})', response.text or "")
                response.failure(
                    f"{response.status_code} → {location!r} for {path}, expected {leads_to!s}"
                    + (f": {error.group(1)}" if error else "")
                )
                raise CheckFailed(path)
            return location

    def api(self, method: str, path: str, name: str, expect: int = 200, **kwargs):
        headers = {"Accept": "application/json", "X-Load-Name": name}  # the name the server's figures use
        if method != "GET":
            headers["X-CSRFToken"] = self.client.cookies.get("csrftoken", "")
        with self.client.request(
            method, path, name=name, headers=headers, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} for {method} {path}: {response.text[:200]}")
                raise CheckFailed(path)
            try:
                return response.json() if response.content else None
            except ValueError:
                response.failure(f"{path} is not JSON")
                raise CheckFailed(path) from None


class Staff(Visitor):
    abstract = True

    def sign_in(self):
        page = self.page("/login/?next=/console/", "console: sign-in page", 'name="password"')
        token = self.token(page)
        data = {"csrfmiddlewaretoken": token, "username": self.account["username"], "password": PASSWORD}
        self.post_form("/login/?next=/console/", "console: sign in", {**data, "next": "/console/"}, "/console/")

    def token(self, page: str) -> str:
        found = CSRF_INPUT.search(page)
        if not found:
            self.fail("console: a form", "no CSRF token on the page")
        return found.group(1)

    def person(self) -> dict:
        return self.rng.choice(self.account["people"])

    def search_and_open(self) -> tuple[dict, str]:
        """Search for a person of the area by name, pinyin or the ID number's tail (in turn), then open them."""
        person = self.person()
        kind = ("name", "pinyin", "id_tail")[self.turn % 3]
        link = f"/console/people/{person['id']}/"
        self.page(f"/console/people/?q={quote(person[kind])}", f"console: person search ({kind})", link)
        self.think()
        page = self.page(f"/console/people/{person['id']}/", "console: person page", 'href="?tab=eligibility"')
        return person, page

    def eligibility(self, person: dict):
        self.page(f"/console/people/{person['id']}/?tab=eligibility", "console: eligibility tab", "card eligibility")


class Caseworker(Staff):
    """A caseworker's day: the worklist, people found by name, pinyin or ID tail, a contact logged, the eligibility
    tab; then, in turn, an application taken from start to recommendation, or the applications, the notifications
    and the contact coverage report."""

    pool = ACCOUNTS["caseworkers"]
    fixed_count = len(ACCOUNTS["caseworkers"])

    @task
    def day(self):
        self.round(self.caseworker_round)

    def caseworker_round(self):
        self.page("/console/", "console: home", 'class="card')
        self.think()
        self.page("/console/worklist/", "console: worklist", 'href="?kind=')
        self.think()
        person, page = self.search_and_open()
        self.think()
        self.log_contact(person, page)
        self.think()
        self.eligibility(person)
        self.think()
        if self.turn % 2 == 1:
            self.application(person)
        else:
            self.page("/console/applications/", "console: applications", 'id="state"')
            self.think()
            self.page("/console/notifications/", "console: notifications", 'class="notifications"')
            self.think()
            self.page("/console/reports/contacts/", "console: report (contacts)", 'id="report-month"')

    def log_contact(self, person: dict, page: str):
        note = f"负载测试 {self.account['username']} {self.loops}-{self.rng.randrange(10**6)}"
        today = datetime.date.today()
        data = {
            "csrfmiddlewaretoken": self.token(page),
            "contacted_on": today.isoformat(),
            "channel": self.rng.choice(CHANNELS),
            "outcome": self.rng.choice(OUTCOMES),
            "note": note,
            "next_follow_up_on": (today + datetime.timedelta(days=14)).isoformat() if self.loops % 2 else "",
        }
        path = f"/console/people/{person['id']}/"
        location = self.post_form(f"{path}contact/", "console: log a contact", data, f"{path}?tab=contacts")
        self.page(location, "console: contacts tab", note)

    def application(self, person: dict):
        """Start (the form), fill and create, submit, recommend: each a step of its own."""
        form = self.page(
            f"/console/applications/new/{person['id']}/", "console: application form", 'name="requested_start"'
        )
        programs = OPTION.findall(form)
        if not programs:
            self.fail("console: application form", "no program to apply for")
        self.think()
        data = {
            "csrfmiddlewaretoken": self.token(form),
            "program": self.rng.choice(programs),
            "requested_start": datetime.date.today().isoformat(),
            "note": "负载测试：窗口受理",
        }
        location = self.post_form(
            f"/console/applications/new/{person['id']}/",
            "console: application create",
            data,
            re.compile(r"/console/applications/\d+/"),
        )
        page = self.page(location, "console: application page", 'id="timeline"')
        for action in ("submit", "recommend"):
            self.think()
            data = {"csrfmiddlewaretoken": self.token(page), "action": action, "note": ""}
            self.post_form(location, f"console: application {action}", data, location)
            page = self.page(location, "console: application page", 'id="timeline"')


class Supervisor(Staff):
    """A supervisor's day: the approval queue, two applications of it decided (their share of the district's: two
    supervisors of a district never take the same one), the reports (the dashboard every other round, one report
    each round), people and their eligibility, the worklist."""

    pool = ACCOUNTS["supervisors"]
    fixed_count = len(ACCOUNTS["supervisors"])

    def sign_in(self):
        super().sign_in()
        # the second factor: the code of the authenticator app
        page = self.page("/login/otp/?next=/console/", "console: second factor page", 'name="token"')
        data = {"csrfmiddlewaretoken": self.token(page), "token": totp(self.account["totp_key"]), "next": "/console/"}
        self.post_form("/login/otp/?next=/console/", "console: second factor", data, "/console/")

    @task
    def day(self):
        self.round(self.supervisor_round)

    def supervisor_round(self):
        self.page("/console/", "console: home", 'class="card')
        self.think()
        queue = self.page("/console/applications/?state=recommended", "console: approval queue", 'id="state"')
        mine = [
            int(pk)
            for pk in dict.fromkeys(APPLICATION_LINK.findall(queue))
            if int(pk) % self.account["slots"] == self.account["slot"]
        ]
        for pk in self.rng.sample(mine, min(2, len(mine))):  # two of the queue, then other work
            self.think()
            self.decide(pk)
        self.think()
        if self.turn % 2 == 1:
            self.page("/console/reports/", "console: reports dashboard", 'id="report-month"')
            self.think()
        name = REPORTS[self.turn % len(REPORTS)]
        self.page(f"/console/reports/{name}/", "console: report (one)", 'id="report-month"')
        self.think()
        person, _page = self.search_and_open()
        self.think()
        self.eligibility(person)
        self.think()
        self.page("/console/worklist/", "console: worklist", 'href="?kind=')

    def decide(self, pk: int):
        """Read the application (the rule's preview is computed for it) and decide: returned for more evidence,
        or rejected, with the reason (approving would make grants whose uniqueness depends on the person's others,
        so its outcome cannot be told in advance)."""
        path = f"/console/applications/{pk}/"
        page = self.page(path, "console: application page (supervisor)", 'id="timeline"')
        self.think()
        self.decisions += 1
        action = "return" if self.decisions % 2 else "reject"
        data = {"csrfmiddlewaretoken": self.token(page), "action": action, "note": "负载测试：材料不全，请补充"}
        self.post_form(path, f"console: application {action}", data, path)
        self.page(path, "console: application page (supervisor)", 'id="timeline"')


class Applicant(Visitor):
    """An applicant on the portal: their applications and one of them, their change requests, payments and
    profile; every third round a new application (the apply page, a draft, submitted)."""

    pool = ACCOUNTS["applicants"]
    fixed_count = len(ACCOUNTS["applicants"])

    def sign_in(self):
        self.page("/portal/login/", "portal: sign-in page", 'id="login-form"')
        self.api(
            "POST",
            "/api/v1/auth/login/",
            "api: auth/login",
            json={"username": self.account["username"], "password": PASSWORD},
        )

    def shell(self, path: str, name: str):
        """A portal page (its HTML holds no data) and the first call of its script."""
        self.page(path, name, 'id="strings"')
        self.api("GET", "/api/v1/me/", "api: me")

    @task
    def visit(self):
        self.round(self.applicant_round)

    def applicant_round(self):
        self.shell("/portal/applications/", "portal: my applications")
        mine = self.api("GET", "/api/v1/me/applications/", "api: me/applications")["results"]
        if mine:
            self.think()
            application = self.rng.choice(mine)
            self.shell(f"/portal/applications/{application['id']}/", "portal: an application")
            self.api("GET", f"/api/v1/me/applications/{application['id']}/", "api: me/applications/<id>")
        self.think()
        self.shell("/portal/changes/", "portal: my change requests")
        self.api("GET", "/api/v1/me/profile/", "api: me/profile")
        self.api("GET", "/api/v1/me/change-requests/", "api: me/change-requests")
        self.api("GET", "/api/v1/me/account-changes/", "api: me/account-changes")
        self.think()
        self.shell("/portal/payments/", "portal: my payments")
        self.api("GET", "/api/v1/me/entitlements/", "api: me/entitlements")
        self.api("GET", "/api/v1/me/payments/", "api: me/payments")
        self.think()
        self.shell("/portal/profile/", "portal: my record")
        self.api("GET", "/api/v1/me/profile/", "api: me/profile")
        self.api("GET", "/api/v1/me/registers/", "api: me/registers")
        if self.turn % 3 == 1:
            self.think()
            self.apply()

    def apply(self):
        self.shell("/portal/apply/", "portal: apply")
        programs = self.api("GET", "/api/v1/me/programs/", "api: me/programs")
        self.api("GET", "/api/v1/me/answers/", "api: me/answers")
        # the programs the page offers to apply for: all but those the rules find the applicant not eligible for
        codes = [result["program"] for result in programs["results"] if result["eligible"] is not False]
        if not codes:
            self.fail("portal: apply", "no program to apply for")
        self.think()
        application = self.api(
            "POST",
            "/api/v1/me/applications/",
            "api: me/applications (new)",
            expect=201,
            json={"program": self.rng.choice(codes), "requested_start": datetime.date.today().isoformat()},
        )
        self.shell(f"/portal/applications/{application['id']}/", "portal: an application")
        self.api("GET", f"/api/v1/me/applications/{application['id']}/", "api: me/applications/<id>")
        self.think()
        self.api("POST", f"/api/v1/me/applications/{application['id']}/submit/", "api: me/applications/<id>/submit")


# --- every request, for the benchmark's own figures (exact percentiles; the part after every user arrived) ---------

RECORD = os.environ.get("LOAD_RECORD", "")
_records: list[tuple] = []
_phases: dict = {}


@events.test_start.add_listener
def _started(environment, **kwargs):
    _phases["start"] = time.time()


@events.spawning_complete.add_listener
def _everyone_arrived(user_count, **kwargs):
    _phases.setdefault("everyone_arrived", time.time())


@events.request.add_listener
def _record(request_type, name, response_time, exception, **kwargs):
    _records.append((time.time(), request_type, name, round(response_time, 1), int(exception is not None)))


@events.test_stop.add_listener
def _report_unused(environment, **kwargs):
    """A pool with accounts left means fewer users ran than the benchmark asked for."""
    _phases["stop"] = time.time()
    left = {cls.__name__: len(cls.pool) for cls in (Caseworker, Supervisor, Applicant) if cls.pool}
    if left:
        environment.events.request.fire(
            request_type="SETUP",
            name="users not started",
            response_time=0,
            response_length=0,
            exception=CheckFailed(f"accounts left unused: {left}"),
            context={},
        )


@events.quitting.add_listener
def _write(environment, **kwargs):
    if RECORD:
        with open(RECORD, "w", encoding="utf-8") as f:
            json.dump({"phases": _phases, "requests": _records}, f, ensure_ascii=False)
