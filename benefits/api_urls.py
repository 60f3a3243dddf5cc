from django.urls import path

from . import apis

urlpatterns = [
    path("screen/", apis.ScreenApi.as_view(), name="screen"),
    path("screen/schema/", apis.ScreenSchemaApi.as_view(), name="screen-schema"),
    path("persons/<int:pk>/eligibility/", apis.PersonEligibilityApi.as_view(), name="person-eligibility"),
    path("programs/", apis.ProgramListApi.as_view(), name="program-list"),
    path("programs/<slug:code>/", apis.ProgramDetailApi.as_view(), name="program-detail"),
    path("parameters/", apis.ParameterListApi.as_view(), name="parameter-list"),
    path("parameters/<str:code>/values/", apis.ParameterValueCreateApi.as_view(), name="parameter-value-create"),
]
