"""Signed checkpoints of the payment ledger, kept outside the database.

The hash chain only shows a change to someone who cannot recompute the hashes after it, and a database superuser
can: delete the last entries and set the head back, or change an amount and rehash every entry after it. A
checkpoint is the chain's head (sequence and hash) at a moment, signed with HMAC-SHA256 under a key the database
never holds (``CASEWORK_LEDGER_KEY``), appended to a file on the application's side
(``CASEWORK_LEDGER_CHECKPOINT_FILE``) and written to the log. ``ledger_verify`` then requires every checkpoint to
match the entry at its sequence, so nothing up to the latest checkpoint can be rewritten or removed unseen. What
this catches and what needs the key: docs/operations.md, "Ledger checkpoints".
"""

import base64
import dataclasses
import datetime
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import LedgerEntry

logger = logging.getLogger("casework.ledger")

# The hash before the first entry: a checkpoint at sequence 0 is the empty chain.
GENESIS = "0" * 64
# Signed with the message, so that a MAC this key made for anything else never passes for a checkpoint.
PURPOSE = "casework-ledger-checkpoint-v1"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
FIELDS = ("sequence", "hash", "at", "signature")


class CheckpointError(Exception):
    """The checkpoint file cannot be trusted, or the ledger no longer extends it (the message says which)."""


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    at: str  # ISO 8601, UTC, when it was signed
    signature: str

    def line(self) -> str:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))


def checkpoint_signature(*, sequence: int, hash: str, at: str) -> str:
    key = settings.CASEWORK_LEDGER_KEY
    if not key:
        raise ImproperlyConfigured("CASEWORK_LEDGER_KEY is not set: ledger checkpoints cannot be signed or checked.")
    message = json.dumps([PURPOSE, sequence, hash, at], separators=(",", ":")).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _parsed(raw: bytes) -> Checkpoint | None:
    """The checkpoint a line holds, its signature checked; None for anything else."""
    try:
        fields = json.loads(raw.decode("utf-8"))
    except ValueError:  # not UTF-8, or not JSON
        return None
    if not isinstance(fields, dict) or set(fields) != set(FIELDS):
        return None
    sequence, head, at, signature = (fields[name] for name in FIELDS)
    if type(sequence) is not int or sequence < 0 or not isinstance(head, str) or not HEX64.match(head):
        return None
    if not isinstance(at, str) or not isinstance(signature, str):
        return None
    expected = checkpoint_signature(sequence=sequence, hash=head, at=at)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    return Checkpoint(sequence, head, at, signature)


def checkpoints_read(*, path: Path | None = None) -> list[Checkpoint]:
    """The file's checkpoints in the order written (none while the file does not exist). Raises CheckpointError
    naming the first line that is not a checkpoint signed with this server's key: such a file proves nothing, and
    saying "intact" beside it would hide that someone wrote to it."""
    path = Path(path or settings.CASEWORK_LEDGER_CHECKPOINT_FILE)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return []
    checkpoints = []
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if not raw.strip():
            continue
        checkpoint = _parsed(raw)
        if checkpoint is None:
            raise CheckpointError(
                _(
                    "Line %(line)s of the ledger checkpoint file %(file)s is not a checkpoint signed with this "
                    "server's key: the file was changed, or the key is not the one that signed it."
                )
                % {"line": number, "file": path}
            )
        checkpoints.append(checkpoint)
    return checkpoints


def _hashes_at(sequences) -> dict[int, str]:
    """The hash of the ledger's entry at each of ``sequences`` that exists (sequence 0: the empty chain)."""
    hashes, wanted = {0: GENESIS}, sorted(sequence for sequence in set(sequences) if sequence)
    for start in range(0, len(wanted), 500):
        rows = LedgerEntry.objects.filter(sequence__in=wanted[start : start + 500]).values_list("sequence", "hash")
        hashes.update(rows)
    return hashes


def _mismatch(checkpoints: list[Checkpoint]) -> str:
    """What the database contradicts, at the lowest sequence where it does ("" when every checkpoint holds)."""
    found = _hashes_at(checkpoint.sequence for checkpoint in checkpoints)
    for checkpoint in sorted(checkpoints, key=lambda checkpoint: checkpoint.sequence):
        values = {"sequence": checkpoint.sequence, "at": checkpoint.at}
        if checkpoint.sequence not in found:
            return _("Entry %(sequence)s is missing: the checkpoint of %(at)s recorded the ledger up to it.") % values
        if found[checkpoint.sequence] != checkpoint.hash:
            return (
                _(
                    "Entry %(sequence)s no longer has the hash the checkpoint of %(at)s recorded: the ledger was "
                    "rewritten at or before it."
                )
                % values
            )
    return ""


def ledger_checkpoints_check() -> str:
    """Empty when every signed checkpoint still matches the ledger in the database, else what does not (a file
    that is not signed with this server's key fails too)."""
    try:
        return _mismatch(checkpoints_read())
    except CheckpointError as error:
        return str(error)


def _head() -> tuple[int, str]:
    """The chain's last entry as committed (sequence and hash), or the empty chain."""
    last = LedgerEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return last or (0, GENESIS)


def ledger_checkpoint_write(*, reason: str) -> Checkpoint:
    """Sign the ledger's head and append it to the checkpoint file (O_APPEND, fsync), then log it. Refused with
    CheckpointError (and an error in the log) when the file is not ours or the ledger contradicts one of its
    checkpoints: a head that went back, or a rewritten chain, is never signed."""
    path = Path(settings.CASEWORK_LEDGER_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        # Writers (web processes approving batches, the daily job) take turns, and each reads the head only once
        # it holds the lock, so the sequences in the file never go down.
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            problem = _mismatch(checkpoints_read(path=path))
        except CheckpointError as error:
            problem = str(error)
        if problem:
            logger.error("Ledger checkpoint refused (%s): %s", reason, problem)
            raise CheckpointError(problem)
        sequence, head = _head()
        at = timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds")
        checkpoint = Checkpoint(sequence, head, at, checkpoint_signature(sequence=sequence, hash=head, at=at))
        os.write(descriptor, (checkpoint.line() + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)  # and the lock with it
    # A second copy away from the server. Base64url, because the log masks anything that looks like a mobile
    # number, which a hex hash sometimes contains; decoded, it is the file's line.
    encoded = base64.urlsafe_b64encode(checkpoint.line().encode()).decode()
    logger.info(
        "Ledger checkpoint (%s) at entry %s: %s",
        reason,
        checkpoint.sequence,
        encoded,
        extra={"ledger_sequence": checkpoint.sequence, "ledger_checkpoint": encoded, "checkpoint_reason": reason},
    )
    return checkpoint


def ledger_checkpoint_on_commit(*, reason: str) -> None:
    """A checkpoint once the current transaction commits, so a head that is rolled back is never signed. A failure
    is logged, not raised: the work that committed stays done, and the daily job signs the head again."""
    transaction.on_commit(lambda: ledger_checkpoint_write(reason=reason), robust=True)
