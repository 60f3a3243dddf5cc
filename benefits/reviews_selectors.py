"""Reads of grant reviews (``benefits.changes``): the open reviews of the user's area, one review (404 for missing
and out-of-area alike), and the section a change request's page shows of the reviews it raised."""

from django.shortcuts import get_object_or_404

from .models import GrantReview

_RELATED = (
    "entitlement",
    "entitlement__program",
    "entitlement__person",
    "entitlement__organization",
    "unit",
    "change_request",
    "decided_by",
)


def grant_review_list(*, user, status: str = GrantReview.Status.OPEN, person_id: int | None = None):
    """The grant reviews of the user's area: the open ones oldest first (the default), the others newest first."""
    reviews = GrantReview.objects.visible_to(user).select_related(*_RELATED)
    if status:
        reviews = reviews.filter(status=status)
    if person_id is not None:
        reviews = reviews.filter(entitlement__person_id=person_id)
    if status == GrantReview.Status.OPEN:
        return reviews.order_by("raised_on", "pk")
    return reviews.order_by("-raised_on", "-pk")


def grant_review_get_for_user(*, user, review_id) -> GrantReview:
    return get_object_or_404(
        GrantReview.objects.visible_to(user).select_related(*_RELATED, "change_request__raised_by"), pk=review_id
    )


def change_request_reviews(request, change_request) -> dict | None:
    """The section of a change request's page (``CASEWORK_CHANGE_REQUEST_PANELS``): the grant reviews the request
    raised, in the user's area."""
    reviews = list(
        GrantReview.objects.visible_to(request.user)
        .filter(change_request=change_request)
        .select_related("entitlement__program", "decided_by")
        .order_by("pk")
    )
    if not reviews:
        return None
    return {"template": "benefits/_change_request_reviews.html", "reviews": reviews}
