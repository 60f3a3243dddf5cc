from django.urls import path

from . import apis, apis_portal

urlpatterns = [
    path("persons/", apis.PersonListApi.as_view(), name="person-list"),
    path("persons/<int:pk>/", apis.PersonDetailApi.as_view(), name="person-detail"),
    path("persons/<int:pk>/unmask/", apis.PersonUnmaskApi.as_view(), name="person-unmask"),
    path("persons/<int:pk>/claim-code/", apis_portal.PersonClaimCodeApi.as_view(), name="person-claim-code"),
    path("persons/<int:pk>/contacts/", apis.PersonContactsApi.as_view(), name="person-contacts"),
    path("persons/<int:pk>/employment/", apis.PersonEmploymentApi.as_view(), name="person-employment"),
    path("households/", apis.HouseholdListApi.as_view(), name="household-list"),
    path("households/<int:pk>/", apis.HouseholdDetailApi.as_view(), name="household-detail"),
    path("organizations/", apis.OrganizationListApi.as_view(), name="organization-list"),
    path("organizations/<int:pk>/", apis.OrganizationDetailApi.as_view(), name="organization-detail"),
    path("registers/", apis.RegisterListApi.as_view(), name="register-list"),
    path("registers/<slug:code>/entries/", apis.RegisterEntriesApi.as_view(), name="register-entries"),
    path("register-entries/", apis.EntryCreateApi.as_view(), name="entry-create"),
    path("register-entries/<int:pk>/exit/", apis.EntryExitApi.as_view(), name="entry-exit"),
    path("access-log/", apis.AccessLogApi.as_view(), name="access-log"),
    path("organization-claims/", apis_portal.OrganizationClaimListApi.as_view(), name="organization-claim-list"),
    path(
        "organization-claims/<int:pk>/confirm/",
        apis_portal.OrganizationClaimConfirmApi.as_view(),
        name="organization-claim-confirm",
    ),
    path(
        "organization-claims/<int:pk>/reject/",
        apis_portal.OrganizationClaimRejectApi.as_view(),
        name="organization-claim-reject",
    ),
    path("me/profile/", apis_portal.MyProfileApi.as_view(), name="my-profile"),
    path("me/registers/", apis_portal.MyRegisterListApi.as_view(), name="my-register-list"),
    path("me/claims/person/", apis_portal.PersonClaimStartApi.as_view(), name="my-claim-person"),
    path("me/claims/person/confirm/", apis_portal.PersonClaimConfirmApi.as_view(), name="my-claim-person-confirm"),
    path("me/claims/code/", apis_portal.ClaimCodeRedeemApi.as_view(), name="my-claim-code"),
    path("me/claims/organization/", apis_portal.OrganizationClaimRequestApi.as_view(), name="my-claim-organization"),
]
