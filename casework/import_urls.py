"""Console routes for register import and export (included under the "imports" namespace)."""

from django.urls import path

from . import views_imports as views

urlpatterns = [
    path("", views.ImportUploadView.as_view(), name="upload"),
    path("<int:pk>/", views.ImportRunView.as_view(), name="preview"),
    path("<int:pk>/commit/", views.ImportCommitView.as_view(), name="commit"),
    path("<int:pk>/result/", views.ImportRunView.as_view(), name="result"),
    path("<int:pk>/report/", views.ImportReportView.as_view(), name="report"),
    path("template/<slug:code>/", views.ImportTemplateView.as_view(), name="template"),
    path("export/<slug:code>/", views.RegisterExportView.as_view(), name="export"),
]
