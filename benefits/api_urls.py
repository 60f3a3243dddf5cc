from django.urls import path

from . import apis, apis_applications, apis_portal

urlpatterns = [
    path("screen/", apis.ScreenApi.as_view(), name="screen"),
    path("screen/schema/", apis.ScreenSchemaApi.as_view(), name="screen-schema"),
    path("persons/<int:pk>/eligibility/", apis.PersonEligibilityApi.as_view(), name="person-eligibility"),
    path("programs/", apis.ProgramListApi.as_view(), name="program-list"),
    path("programs/<slug:code>/", apis.ProgramDetailApi.as_view(), name="program-detail"),
    path("parameters/", apis.ParameterListApi.as_view(), name="parameter-list"),
    path("parameters/<str:code>/values/", apis.ParameterValueCreateApi.as_view(), name="parameter-value-create"),
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
    path("me/entitlements/", apis_portal.MyEntitlementListApi.as_view(), name="my-entitlement-list"),
    path("applications/", apis_applications.ApplicationListApi.as_view(), name="application-list"),
    path("entitlements/", apis_applications.EntitlementListApi.as_view(), name="entitlement-list"),
    path("entitlements/<int:pk>/", apis_applications.EntitlementDetailApi.as_view(), name="entitlement-detail"),
    path(
        "entitlements/<int:pk>/<str:action>/",
        apis_applications.EntitlementTransitionApi.as_view(),
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
]
