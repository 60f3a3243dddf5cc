"""Every write of payments, by stage: ``generation`` (the month's lines and draft batches), ``batches`` (approval,
bank files, reminders), ``results`` (the bank's results, corrections, exceptions) and ``chain`` (the hash-chained
ledger). The public functions are re-exported here: ``from benefits.payments import services as payments``."""

from .batches import (
    BANK_FILE_COLUMNS,
    BATCH_ACTIONS,
    bank_file_download,
    batch_approve,
    batch_export,
    batch_size_check,
    batch_totals,
    batches_waiting_remind,
    can_handle_batch,
)
from .chain import entry_hash, ledger_append, ledger_verify
from .generation import GENERATION_LOCK, disbursements_generate, month_to_generate
from .results import (
    BACK_PAY_DECISIONS,
    LINE_ACTIONS,
    RESULT_COLUMNS,
    disbursement_cancel,
    disbursement_reissue,
    disbursement_reverse,
    exception_resolve,
    results_import,
)

__all__ = [
    "BACK_PAY_DECISIONS",
    "BANK_FILE_COLUMNS",
    "BATCH_ACTIONS",
    "GENERATION_LOCK",
    "LINE_ACTIONS",
    "RESULT_COLUMNS",
    "bank_file_download",
    "batch_approve",
    "batch_export",
    "batch_size_check",
    "batch_totals",
    "batches_waiting_remind",
    "can_handle_batch",
    "disbursement_cancel",
    "disbursement_reissue",
    "disbursement_reverse",
    "disbursements_generate",
    "entry_hash",
    "exception_resolve",
    "ledger_append",
    "ledger_verify",
    "month_to_generate",
    "results_import",
]
