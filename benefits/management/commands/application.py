"""Move an application one step from the command line, as a named staff user, through the same service as the
console and the API (so four eyes and the rules hold here too):

    python manage.py application approve 42 --as bob [--note "…"] [--override-reason "…"]
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.http import Http404

from accounts.audit import acting_as
from accounts.management.base import AuditedCommand
from accounts.models import User
from benefits.applications import selectors
from benefits.applications.services import TRANSITIONS
from core.errors import DomainError


class Command(AuditedCommand):
    help = "Submit, recommend, return, withdraw, approve or reject an application as a staff user."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=sorted(TRANSITIONS))
        parser.add_argument("application", type=int)
        parser.add_argument("--as", dest="username", required=True, help="The staff user who acts.")
        parser.add_argument("--note", default="")
        parser.add_argument("--override-reason", default="")
        parser.add_argument(
            "--amount",
            type=Decimal,
            default=None,
            help="Approve: the amount per period, where the rules leave it open.",
        )

    def handle(self, *, action, application, username, note, override_reason, amount, **options):
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {username!r}.")
        try:
            found = selectors.application_get_for_user(user=actor, application_id=application)
        except Http404 as error:  # the same answer for missing and out of the user's area
            raise CommandError(f"No application {application} in {username}'s area.") from error
        service, fields = TRANSITIONS[action]
        given = {"note": note, "override_reason": override_reason, "amount_cny": amount}
        try:
            with acting_as(actor):
                result = service(actor=actor, application=found, **{f: given[f] for f in fields})
        except (DomainError, ValidationError) as error:
            raise CommandError(str(getattr(error, "message", None) or "; ".join(error.messages))) from error
        self.stdout.write(f"{result.pk}: {result.state}")
