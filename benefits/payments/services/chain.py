"""The hash-chained ledger of what was paid: appends serialised on one head row, and the verification of every
entry against the chain and the signed checkpoints."""

import datetime
import hashlib
import json
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ...models import (
    Disbursement,
    LedgerEntry,
    LedgerHead,
)
from ..ledger import ledger_checkpoints_check
from .generation import locked_row


def entry_hash(previous_hash: str, entry: LedgerEntry) -> str:
    """SHA-256 of the previous hash and every field of the entry, in a fixed order and format."""
    fields = [
        entry.sequence,
        entry.disbursement_id,
        entry.kind,
        f"{Decimal(entry.amount_cny):.2f}",
        entry.reverses_id,
        entry.bank_reference,
        entry.reason,
        entry.booked_on.isoformat(),
        entry.recorded_by_id,
        entry.recorded_at.astimezone(datetime.UTC).isoformat(),
    ]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous_hash + payload).encode()).hexdigest()


def ledger_append(
    *,
    disbursement: Disbursement,
    kind: str,
    amount: Decimal,
    booked_on: datetime.date,
    actor=None,
    reverses: LedgerEntry | None = None,
    bank_reference: str = "",
    reason: str = "",
) -> LedgerEntry:
    """Add an entry after the head (locked, so appends are serialised and the chain has no fork)."""
    head = locked_row(LedgerHead, pk=1)
    entry = LedgerEntry(
        sequence=head.sequence + 1,
        disbursement=disbursement,
        kind=kind,
        amount_cny=amount,
        reverses=reverses,
        bank_reference=bank_reference,
        reason=reason,
        booked_on=booked_on,
        recorded_by=actor,
        recorded_at=timezone.now().replace(microsecond=0),
        previous_hash=head.hash,
    )
    entry.hash = entry_hash(head.hash, entry)
    entry.save()
    head.sequence, head.hash = entry.sequence, entry.hash
    head.save(update_fields=["sequence", "hash"])
    return entry


def ledger_verify() -> tuple[int, str]:
    """Recompute the chain: (entries checked, "" when intact, else what is wrong at the first broken entry)."""
    previous, expected, checked = "0" * 64, 1, 0
    for entry in LedgerEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected:
            return checked, _("Entry %(expected)s is missing (the next one is %(found)s).") % {
                "expected": expected,
                "found": entry.sequence,
            }
        if entry.previous_hash != previous or entry_hash(previous, entry) != entry.hash:
            return checked, _("Entry %(sequence)s (id %(id)s) does not match its hash: it was changed.") % {
                "sequence": entry.sequence,
                "id": entry.pk,
            }
        previous, expected, checked = entry.hash, expected + 1, checked + 1
    head = LedgerHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (checked, previous):
        return checked, _("The ledger ends at entry %(sequence)s, after the last one recorded (%(head)s).") % {
            "sequence": checked,
            "head": head.sequence,
        }
    # The chain agrees with itself; the signed checkpoints say whether it is still the chain that was signed.
    return checked, ledger_checkpoints_check()
