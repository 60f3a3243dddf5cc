from django.urls import path

from . import apis, apis_applications

urlpatterns = [
    path("screen/", apis.ScreenApi.as_view(), name="screen"),
    path("screen/schema/", apis.ScreenSchemaApi.as_view(), name="screen-schema"),
    path("persons/<int:pk>/eligibility/", apis.PersonEligibilityApi.as_view(), name="person-eligibility"),
    path("programs/", apis.ProgramListApi.as_view(), name="program-list"),
    path("programs/<slug:code>/", apis.ProgramDetailApi.as_view(), name="program-detail"),
    path("parameters/", apis.ParameterListApi.as_view(), name="parameter-list"),
    path("parameters/<str:code>/values/", apis.ParameterValueCreateApi.as_view(), name="parameter-value-create"),
    path("applications/", apis_applications.ApplicationListApi.as_view(), name="application-list"),
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
