"""Every write of the benefits app, one module per subject: ``catalogue`` (programs, parameters, demo values) and
``applications`` (intake, the approval workflow, the entitlements it grants) and ``entitlements`` (what the
nightly jobs change)."""

from .applications import (
    application_approve,
    application_create,
    application_recommend,
    application_reject,
    application_return,
    application_submit,
    application_withdraw,
    evidence_add,
)
from .catalogue import (
    can_set_parameters,
    demo_parameters_load,
    parameter_sync,
    parameter_value_add,
    program_sync,
)
from .entitlements import entitlements_expire

__all__ = [
    "application_approve",
    "application_create",
    "application_recommend",
    "application_reject",
    "application_return",
    "application_submit",
    "application_withdraw",
    "can_set_parameters",
    "demo_parameters_load",
    "entitlements_expire",
    "evidence_add",
    "parameter_sync",
    "parameter_value_add",
    "program_sync",
]
