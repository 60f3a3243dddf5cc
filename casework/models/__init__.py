"""About whom, one module per subject: ``people`` (persons, households, organizations, name conflicts, the log of
looks at personal numbers), ``registers`` (the real-name registers and their entries, imports), ``work`` (employment,
contacts, notes, referrals, assistance, follow-ups), ``claims`` (portal claims), ``duplicates`` (possible
duplicate persons) and ``changes`` (change requests, bank-account changes waiting for confirmation). Everything is
re-exported here: ``from casework.models import Person`` is the one way to import a model.

Statuses that an authority recognises and that start and end (registered unemployed, hard-to-employ,
registered poverty laborer, dibao, 特困 …) are register entries with dates, so a rule can ask "as of a date".
Facts about a person that do not come and go by decision (disability, veteran track, orphan, student loan …)
are fields of the person."""

from .changes import (
    AccountChange,
    AccountChangeQuerySet,
    ChangeRequest,
    ChangeRequestDocument,
    ChangeRequestQuerySet,
)
from .claims import (
    ClaimAttempt,
    ClaimCode,
    OrganizationClaim,
    OrganizationClaimQuerySet,
)
from .duplicates import DuplicateCandidate, DuplicateCandidateQuerySet, DuplicateReason
from .people import (
    Education,
    Household,
    HouseholdMember,
    HukouType,
    NameConflict,
    Organization,
    OrganizationKind,
    Person,
    PersonalDataAccess,
    PersonQuerySet,
    Relation,
    ScopedQuerySet,
    Sex,
    Source,
    VeteranStatus,
)
from .registers import (
    ExitReason,
    ImportRun,
    Register,
    RegistryEntry,
    RegistryEntryQuerySet,
)
from .work import (
    WORKING_STATUSES,
    Assistance,
    CaseNote,
    Contact,
    ContactChannel,
    ContactOutcome,
    EmploymentRecord,
    EmploymentRecordQuerySet,
    EmploymentStatus,
    FollowUp,
    Referral,
)

__all__ = [
    "WORKING_STATUSES",
    "AccountChange",
    "AccountChangeQuerySet",
    "Assistance",
    "CaseNote",
    "ChangeRequest",
    "ChangeRequestDocument",
    "ChangeRequestQuerySet",
    "ClaimAttempt",
    "ClaimCode",
    "Contact",
    "ContactChannel",
    "ContactOutcome",
    "DuplicateCandidate",
    "DuplicateCandidateQuerySet",
    "DuplicateReason",
    "Education",
    "EmploymentRecord",
    "EmploymentRecordQuerySet",
    "EmploymentStatus",
    "ExitReason",
    "FollowUp",
    "Household",
    "HouseholdMember",
    "HukouType",
    "ImportRun",
    "NameConflict",
    "Organization",
    "OrganizationClaim",
    "OrganizationClaimQuerySet",
    "OrganizationKind",
    "Person",
    "PersonQuerySet",
    "PersonalDataAccess",
    "Referral",
    "Register",
    "RegistryEntry",
    "RegistryEntryQuerySet",
    "Relation",
    "ScopedQuerySet",
    "Sex",
    "Source",
    "VeteranStatus",
]
