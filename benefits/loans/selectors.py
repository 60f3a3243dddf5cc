"""Reads of the guaranteed start-up loans recorded on grants."""

from ..models import Entitlement, Loan


def loan_of(*, entitlement: Entitlement, with_statements: bool = False) -> Loan | None:
    """The bank's loan recorded on a loan grant (None before it is recorded), with its interest statements and
    their payment lines when the page lists them."""
    loans = Loan.objects.filter(entitlement=entitlement)
    if with_statements:
        loans = loans.prefetch_related("statements__disbursement")
    return loans.first()
