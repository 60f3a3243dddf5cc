from django.urls import path

from . import reviews_views
from .appeals import views as views_appeals
from .applications import views as views_applications
from .applications import views_entitlements
from .catalogue import views as views_catalogue
from .payments import views as views_payments
from .reports import views as views_reports
from .scenarios import views as views_scenarios
from .screening import views as views_screening

app_name = "benefits"

urlpatterns = [
    path("programs/", views_catalogue.ProgramListView.as_view(), name="program-list"),
    path("programs/<slug:code>/", views_catalogue.ProgramDetailView.as_view(), name="program-detail"),
    path("parameters/", views_catalogue.ParameterListView.as_view(), name="parameter-list"),
    path("parameters/<str:code>/", views_catalogue.ParameterDetailView.as_view(), name="parameter-detail"),
    path("what-if/", views_screening.WhatIfView.as_view(), name="what-if"),
    path("leads/", views_screening.LeadListView.as_view(), name="lead-list"),
    path("eligibility/<int:person_id>/answers/", views_screening.PersonAnswerView.as_view(), name="person-answer"),
    path("answers/stated/", views_screening.StatedAnswerListView.as_view(), name="stated-answer-list"),
    path("answers/<int:pk>/<slug:action>/", views_screening.AnswerActionView.as_view(), name="answer-action"),
    path("leads/<int:pk>/dismiss/", views_screening.LeadDismissView.as_view(), name="lead-dismiss"),
    path("applications/", views_applications.ApplicationListView.as_view(), name="application-list"),
    path("entitlements/", views_entitlements.EntitlementListView.as_view(), name="entitlement-list"),
    path("entitlements/<int:pk>/", views_entitlements.EntitlementDetailView.as_view(), name="entitlement-detail"),
    path(
        "applications/approve/",
        views_applications.ApplicationBulkApproveView.as_view(),
        name="application-bulk-approve",
    ),
    path(
        "applications/new/<int:person_id>/",
        views_applications.ApplicationCreateView.as_view(),
        name="application-create",
    ),
    path("applications/<int:pk>/", views_applications.ApplicationDetailView.as_view(), name="application-detail"),
    path(
        "applications/<int:pk>/notice/",
        views_applications.ApplicationNoticeView.as_view(),
        name="application-notice",
    ),
    path(
        "applications/<int:pk>/evidence/<int:evidence_id>/",
        views_applications.EvidenceFileView.as_view(),
        name="application-evidence",
    ),
    path("payments/", views_payments.BatchListView.as_view(), name="batch-list"),
    path(
        "payments/exceptions/",
        views_payments.PaymentExceptionListView.as_view(),
        name="payment-exception-list",
    ),
    path("payments/lines/<int:pk>/", views_payments.DisbursementDetailView.as_view(), name="disbursement-detail"),
    path("payments/<int:pk>/", views_payments.BatchDetailView.as_view(), name="batch-detail"),
    path("payments/<int:pk>/file.<slug:fmt>", views_payments.BatchFileView.as_view(), name="batch-file"),
    path(
        "payments/<int:pk>/result-template.<slug:fmt>",
        views_payments.ResultTemplateView.as_view(),
        name="batch-result-template",
    ),
    path("scenarios/", views_scenarios.ScenarioListView.as_view(), name="scenario-list"),
    path("scenarios/<int:pk>/", views_scenarios.ScenarioDetailView.as_view(), name="scenario-detail"),
    path(
        "scenarios/<int:pk>/runs/<int:run_id>/progress/",
        views_scenarios.ScenarioProgressView.as_view(),
        name="scenario-progress",
    ),
    path("scenarios/runs/<int:run_id>/people/", views_scenarios.ScenarioPeopleView.as_view(), name="scenario-people"),
    path(
        "scenarios/runs/<int:run_id>/result.xlsx",
        views_scenarios.ScenarioWorkbookView.as_view(),
        name="scenario-workbook",
    ),
    path("reports/", views_reports.ReportDashboardView.as_view(), name="report-dashboard"),
    path("reports/monthly.xlsx", views_reports.ReportMonthlyView.as_view(), name="report-monthly"),
    path("reports/list/<str:figure>/", views_reports.ReportListView.as_view(), name="report-list"),
    path("reports/<slug:name>/", views_reports.ReportDetailView.as_view(), name="report-detail"),
    path("appeals/", views_appeals.AppealListView.as_view(), name="appeal-list"),
    path("appeals/<int:pk>/", views_appeals.AppealDetailView.as_view(), name="appeal-detail"),
    path(
        "appeals/<int:pk>/documents/<int:document_id>/",
        views_appeals.AppealDocumentView.as_view(),
        name="appeal-document",
    ),
    path("complaints/", views_appeals.ComplaintListView.as_view(), name="complaint-list"),
    path("complaints/report/", views_appeals.ComplaintReportView.as_view(), name="complaint-report"),
    path("complaints/<int:pk>/", views_appeals.ComplaintDetailView.as_view(), name="complaint-detail"),
    path("grant-reviews/", reviews_views.GrantReviewListView.as_view(), name="grant-review-list"),
    path("grant-reviews/<int:pk>/", reviews_views.GrantReviewDetailView.as_view(), name="grant-review-detail"),
]
