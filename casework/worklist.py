"""The caseworker's worklist: the open follow-ups the jobs raised (casework.jobs), in the user's area."""

from django.db.models import Prefetch

from .models import FollowUp, HouseholdMember


def followups_for_user(*, user, kind: str = ""):
    """Open follow-ups visible to ``user``, earliest due first, with everything a row shows fetched up front
    (person, household and its members for the household's name, community): a fixed number of queries."""
    items = (
        FollowUp.objects.visible_to(user)
        .filter(done_at__isnull=True)
        .select_related("person", "household", "unit")
        .prefetch_related(Prefetch("household__members", queryset=HouseholdMember.objects.select_related("person")))
    )
    if kind:
        items = items.filter(kind=kind)
    return items.order_by("due_on", "pk")
