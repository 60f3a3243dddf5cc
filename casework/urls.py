from django.urls import include, path

from . import views, views_changes, views_claims, views_duplicates

app_name = "casework"

urlpatterns = [
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person-create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("people/<int:pk>/unmask/", views.PersonUnmaskView.as_view(), name="person-unmask"),
    path("people/<int:pk>/claim-code/", views_claims.PersonClaimCodeView.as_view(), name="person-claim-code"),
    path("people/<int:pk>/<slug:action>/", views.PersonActionView.as_view(), name="person-action"),
    path("entries/<int:pk>/exit/", views.EntryExitView.as_view(), name="entry-exit"),
    path("registers/", views.RegisterListView.as_view(), name="register-list"),
    path("registers/<slug:code>/", views.RegisterDetailView.as_view(), name="register-detail"),
    path(
        "registers/<slug:code>/entries/<int:pk>/contact/", views.RegisterContactView.as_view(), name="register-contact"
    ),
    path("households/", views.HouseholdListView.as_view(), name="household-list"),
    path("households/new/", views.HouseholdCreateView.as_view(), name="household-create"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization-create"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization-edit"),
    path("worklist/", views.WorklistView.as_view(), name="worklist"),
    path("worklist/<int:pk>/done/", views.FollowUpDoneView.as_view(), name="follow-up-done"),
    path("access-log/", views.AccessLogView.as_view(), name="access-log"),
    path("claims/", views_claims.OrganizationClaimListView.as_view(), name="claim-list"),
    path(
        "claims/<int:pk>/<slug:action>/",
        views_claims.OrganizationClaimDecideView.as_view(),
        name="claim-decide",
    ),
    path("duplicates/", views_duplicates.DuplicateListView.as_view(), name="duplicate-list"),
    path("duplicates/<int:pk>/", views_duplicates.DuplicateDetailView.as_view(), name="duplicate-detail"),
    path("duplicates/<int:pk>/dismiss/", views_duplicates.DuplicateDismissView.as_view(), name="duplicate-dismiss"),
    path("duplicates/<int:pk>/merge/", views_duplicates.DuplicateMergeView.as_view(), name="duplicate-merge"),
    path(
        "duplicates/<int:pk>/unmask/<slug:side>/",
        views_duplicates.DuplicateUnmaskView.as_view(),
        name="duplicate-unmask",
    ),
    path("imports/", include(("casework.import_urls", "imports"))),
    path("change-requests/", views_changes.ChangeRequestListView.as_view(), name="change-request-list"),
    path("change-requests/<int:pk>/", views_changes.ChangeRequestDetailView.as_view(), name="change-request-detail"),
    path(
        "change-requests/<int:pk>/documents/<int:document_id>/",
        views_changes.ChangeRequestDocumentView.as_view(),
        name="change-request-document",
    ),
    path(
        "people/<int:pk>/change-requests/new/",
        views_changes.ChangeRequestCreateView.as_view(),
        name="change-request-create",
    ),
    path("account-changes/", views_changes.AccountChangeListView.as_view(), name="account-change-list"),
    path(
        "account-changes/<int:pk>/<slug:action>/",
        views_changes.AccountChangeActionView.as_view(),
        name="account-change-action",
    ),
]
