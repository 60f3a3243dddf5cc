from django.urls import path

from . import views

app_name = "benefits"

urlpatterns = [
    path("programs/", views.ProgramListView.as_view(), name="program-list"),
    path("programs/<slug:code>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("parameters/", views.ParameterListView.as_view(), name="parameter-list"),
    path("parameters/<str:code>/", views.ParameterDetailView.as_view(), name="parameter-detail"),
    path("what-if/", views.WhatIfView.as_view(), name="what-if"),
    path("leads/", views.LeadListView.as_view(), name="lead-list"),
    path("leads/<int:pk>/dismiss/", views.LeadDismissView.as_view(), name="lead-dismiss"),
]
