"""The benefits app's models, one module per domain: ``catalogue`` (programs, parameters), ``screening``
(proactive leads, recorded answers), ``applications`` (applications, evidence, entitlements, yearly caps),
``payments`` (runs, batches, lines, the ledger, bank results, exceptions), ``loans``, ``reports`` (summaries)
``scenarios`` (policy scenarios and their runs), ``appeals`` (review requests, complaints) and ``reviews`` (grants
to look at again after a change to the person's record).
Everything is re-exported here: ``from benefits.models import Program`` is the one way to import a model."""

from .appeals import Appeal, AppealDocument, Complaint, ComplaintQuerySet
from .applications import (
    PUBLIC_CODE,
    PUBLIC_STATUS,
    Application,
    ApplicationNote,
    ApplicationQuerySet,
    Entitlement,
    Evidence,
    Period,
    YearlyCapUsage,
    _evidence_path,  # named by migration 0007's upload_to
)
from .base import PartyRecord, workflow_actor
from .catalogue import (
    MONEY_PATTERNS,
    Beneficiary,
    Parameter,
    ParameterValue,
    PaymentPattern,
    Program,
    ProgramQuerySet,
    Unit,
)
from .loans import Loan, LoanInterestStatement
from .payments import (
    BankResultFile,
    Disbursement,
    DisbursementBatch,
    DisbursementRun,
    LedgerEntry,
    LedgerHead,
    PaymentException,
)
from .reports import ReportFigure, ReportRefresh
from .reviews import GrantReview, GrantReviewQuerySet
from .scenarios import (
    Scenario,
    ScenarioChange,
    ScenarioChunk,
    ScenarioOutcome,
    ScenarioReading,
    ScenarioRun,
    ScenarioSwitch,
    ScenarioValue,
)
from .screening import FactAnswer, FactAnswerQuerySet, Lead, LeadQuerySet, ReasonsField, ScreeningChunk, ScreeningRun

__all__ = [
    "MONEY_PATTERNS",
    "PUBLIC_CODE",
    "PUBLIC_STATUS",
    "Appeal",
    "AppealDocument",
    "Application",
    "ApplicationNote",
    "ApplicationQuerySet",
    "BankResultFile",
    "Beneficiary",
    "Complaint",
    "ComplaintQuerySet",
    "Disbursement",
    "DisbursementBatch",
    "DisbursementRun",
    "Entitlement",
    "Evidence",
    "FactAnswer",
    "FactAnswerQuerySet",
    "GrantReview",
    "GrantReviewQuerySet",
    "Lead",
    "LeadQuerySet",
    "LedgerEntry",
    "LedgerHead",
    "Loan",
    "LoanInterestStatement",
    "Parameter",
    "ParameterValue",
    "PartyRecord",
    "PaymentException",
    "PaymentPattern",
    "Period",
    "Program",
    "ProgramQuerySet",
    "ReasonsField",
    "ReportFigure",
    "ReportRefresh",
    "Scenario",
    "ScenarioChange",
    "ScenarioChunk",
    "ScenarioOutcome",
    "ScenarioReading",
    "ScenarioRun",
    "ScenarioSwitch",
    "ScenarioValue",
    "ScreeningChunk",
    "ScreeningRun",
    "Unit",
    "YearlyCapUsage",
    "_evidence_path",
    "workflow_actor",
]
