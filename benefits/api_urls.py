from django.urls import path, re_path

from . import reviews_apis
from .appeals import apis as apis_appeals
from .applications import apis as apis_applications
from .applications import apis_entitlements, apis_portal
from .catalogue import apis as apis_catalogue
from .loans import apis as apis_loans
from .payments import apis as apis_payments
from .scenarios import apis as apis_scenarios
from .screening import apis as apis_screening

urlpatterns = [
    path("screen/", apis_screening.ScreenApi.as_view(), name="screen"),
    path("screen/schema/", apis_screening.ScreenSchemaApi.as_view(), name="screen-schema"),
    path("screen/answers/", apis_screening.ScreenAnswersApi.as_view(), name="screen-answers"),
    path("persons/<int:pk>/eligibility/", apis_screening.PersonEligibilityApi.as_view(), name="person-eligibility"),
    path("programs/", apis_catalogue.ProgramListApi.as_view(), name="program-list"),
    path("programs/<slug:code>/", apis_catalogue.ProgramDetailApi.as_view(), name="program-detail"),
    path("parameters/", apis_catalogue.ParameterListApi.as_view(), name="parameter-list"),
    # a parameter code is letters, digits, "_", "." and "-" (any other character, NUL say, is no code: 404)
    re_path(
        r"^parameters/(?P<code>[\w.-]+)/values/$",
        apis_catalogue.ParameterValueCreateApi.as_view(),
        name="parameter-value-create",
    ),
    path("me/applications/", apis_portal.MyApplicationListApi.as_view(), name="my-application-list"),
    path("me/applications/<int:pk>/", apis_portal.MyApplicationDetailApi.as_view(), name="my-application-detail"),
    path("me/applications/<int:pk>/evidence/", apis_portal.MyEvidenceListApi.as_view(), name="my-evidence-list"),
    path(
        "me/applications/<int:pk>/evidence/<int:evidence_id>/",
        apis_portal.MyEvidenceDownloadApi.as_view(),
        name="my-evidence-file",
    ),
    path(
        "me/applications/<int:pk>/<str:action>/",
        apis_portal.MyApplicationActionApi.as_view(),
        name="my-application-action",
    ),
    path("me/programs/", apis_portal.MyProgramListApi.as_view(), name="my-program-list"),
    path("me/answers/", apis_screening.MyAnswerListApi.as_view(), name="my-answer-list"),
    path("me/entitlements/", apis_portal.MyEntitlementListApi.as_view(), name="my-entitlement-list"),
    path("me/payments/", apis_payments.MyPaymentListApi.as_view(), name="my-payment-list"),
    path("applications/", apis_applications.ApplicationListApi.as_view(), name="application-list"),
    path("entitlements/", apis_entitlements.EntitlementListApi.as_view(), name="entitlement-list"),
    path("entitlements/<int:pk>/", apis_entitlements.EntitlementDetailApi.as_view(), name="entitlement-detail"),
    path("entitlements/<int:pk>/loan/", apis_loans.LoanApi.as_view(), name="entitlement-loan"),
    path(
        "entitlements/<int:pk>/loan/statements/",
        apis_loans.InterestStatementApi.as_view(),
        name="entitlement-loan-statements",
    ),
    path(
        "entitlements/<int:pk>/<str:action>/",
        apis_entitlements.EntitlementTransitionApi.as_view(),
        name="entitlement-transition",
    ),
    path("applications/<int:pk>/", apis_applications.ApplicationDetailApi.as_view(), name="application-detail"),
    path("applications/<int:pk>/evidence/", apis_applications.EvidenceListApi.as_view(), name="application-evidence"),
    path(
        "applications/<int:pk>/evidence/<int:evidence_id>/",
        apis_applications.EvidenceDownloadApi.as_view(),
        name="application-evidence-file",
    ),
    path(
        "applications/<int:pk>/<str:action>/",
        apis_applications.ApplicationTransitionApi.as_view(),
        name="application-transition",
    ),
    path("payment-batches/", apis_payments.PaymentBatchListApi.as_view(), name="payment-batch-list"),
    path("payment-batches/<int:pk>/", apis_payments.PaymentBatchDetailApi.as_view(), name="payment-batch-detail"),
    path("payment-batches/<int:pk>/lines/", apis_payments.PaymentBatchLinesApi.as_view(), name="payment-batch-lines"),
    path("payment-batches/<int:pk>/file.csv", apis_payments.BankFileCsvApi.as_view(), name="payment-batch-file-csv"),
    path("payment-batches/<int:pk>/file.xlsx", apis_payments.BankFileXlsxApi.as_view(), name="payment-batch-file-xlsx"),
    path("payment-batches/<int:pk>/results/", apis_payments.ResultFileApi.as_view(), name="payment-batch-results"),
    path(
        "payment-batches/<int:pk>/<str:action>/",
        apis_payments.PaymentBatchActionApi.as_view(),
        name="payment-batch-action",
    ),
    path("disbursements/<int:pk>/", apis_payments.DisbursementDetailApi.as_view(), name="disbursement-detail"),
    path(
        "disbursements/<int:pk>/<str:action>/",
        apis_payments.DisbursementActionApi.as_view(),
        name="disbursement-action",
    ),
    path("persons/<int:pk>/payments/", apis_payments.PersonPaymentListApi.as_view(), name="person-payments"),
    path(
        "organizations/<int:pk>/payments/",
        apis_payments.OrganizationPaymentListApi.as_view(),
        name="organization-payments",
    ),
    path("payment-exceptions/", apis_payments.PaymentExceptionListApi.as_view(), name="payment-exception-list"),
    path(
        "payment-exceptions/<int:pk>/resolve/",
        apis_payments.PaymentExceptionResolveApi.as_view(),
        name="payment-exception-resolve",
    ),
    path("scenarios/", apis_scenarios.ScenarioListApi.as_view(), name="scenario-list"),
    path("scenarios/<int:pk>/", apis_scenarios.ScenarioDetailApi.as_view(), name="scenario-detail"),
    path("scenarios/<int:pk>/values/", apis_scenarios.ScenarioValueListApi.as_view(), name="scenario-values"),
    path(
        "scenarios/<int:pk>/values/<int:value_id>/",
        apis_scenarios.ScenarioValueDetailApi.as_view(),
        name="scenario-value-detail",
    ),
    path("scenarios/<int:pk>/switches/", apis_scenarios.ScenarioSwitchApi.as_view(), name="scenario-switches"),
    path("scenarios/<int:pk>/readings/", apis_scenarios.ScenarioReadingApi.as_view(), name="scenario-readings"),
    path("scenarios/<int:pk>/runs/", apis_scenarios.ScenarioRunStartApi.as_view(), name="scenario-runs"),
    path("scenarios/<int:pk>/adoption/", apis_scenarios.ScenarioAdoptionApi.as_view(), name="scenario-adoption"),
    path("readings/", apis_scenarios.ReadingListApi.as_view(), name="reading-list"),
    path("scenario-runs/<int:pk>/", apis_scenarios.ScenarioRunDetailApi.as_view(), name="scenario-run-detail"),
    path("scenario-runs/<int:pk>/cancel/", apis_scenarios.ScenarioRunCancelApi.as_view(), name="scenario-run-cancel"),
    path(
        "scenario-runs/<int:pk>/people/",
        apis_scenarios.ScenarioOutcomeListApi.as_view(),
        name="scenario-run-people",
    ),
    path("me/appeals/", apis_appeals.MyAppealListApi.as_view(), name="my-appeal-list"),
    path("me/appeals/<int:pk>/", apis_appeals.MyAppealDetailApi.as_view(), name="my-appeal-detail"),
    path("me/appeals/<int:pk>/documents/", apis_appeals.MyAppealDocumentApi.as_view(), name="my-appeal-documents"),
    path(
        "me/appeals/<int:pk>/documents/<int:document_id>/",
        apis_appeals.MyAppealDocumentDownloadApi.as_view(),
        name="my-appeal-document-file",
    ),
    path("me/appeals/<int:pk>/<str:action>/", apis_appeals.MyAppealActionApi.as_view(), name="my-appeal-action"),
    path("me/complaints/", apis_appeals.MyComplaintListApi.as_view(), name="my-complaint-list"),
    path("me/complaints/<int:pk>/", apis_appeals.MyComplaintDetailApi.as_view(), name="my-complaint-detail"),
    path("appeals/", apis_appeals.AppealListApi.as_view(), name="appeal-list"),
    path("appeals/<int:pk>/", apis_appeals.AppealDetailApi.as_view(), name="appeal-detail"),
    path(
        "appeals/<int:pk>/documents/<int:document_id>/",
        apis_appeals.AppealDocumentDownloadApi.as_view(),
        name="appeal-document-file",
    ),
    path("appeals/<int:pk>/<str:action>/", apis_appeals.AppealActionApi.as_view(), name="appeal-action"),
    path("complaints/", apis_appeals.ComplaintListApi.as_view(), name="complaint-list"),
    path("complaints/<int:pk>/", apis_appeals.ComplaintDetailApi.as_view(), name="complaint-detail"),
    path("complaints/<int:pk>/assign/", apis_appeals.ComplaintAssignApi.as_view(), name="complaint-assign"),
    path("complaints/<int:pk>/<str:action>/", apis_appeals.ComplaintActionApi.as_view(), name="complaint-action"),
    path("grant-reviews/", reviews_apis.GrantReviewListApi.as_view(), name="grant-review-list"),
    path(
        "grant-reviews/<int:pk>/<str:action>/",
        reviews_apis.GrantReviewActionApi.as_view(),
        name="grant-review-action",
    ),
]
