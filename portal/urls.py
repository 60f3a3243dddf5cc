"""The applicant portal's pages, included at ``/portal/``."""

from django.urls import path

from .views import ApplicantPage, ApplicationPage, ComplaintsPage, PortalPage, ScreenPage
from .views_changes import ChangeNewPage, ChangePage, ChangesPage

app_name = "portal"


def page(template: str, module: str = "", *, applicant: bool = False):
    view = ApplicantPage if applicant else PortalPage
    return view.as_view(template_name=f"portal/{template}.html", module=module)


urlpatterns = [
    path("", page("home"), name="home"),
    path("screen/", ScreenPage.as_view(), name="screen"),
    path("register/", page("register", "register"), name="register"),
    path("login/", page("login", "login"), name="login"),
    path("claim/", page("claim", "claim", applicant=True), name="claim"),
    path("profile/", page("profile", "profile", applicant=True), name="profile"),
    path("apply/", page("apply", "apply", applicant=True), name="apply"),
    path("applications/", page("application_list", "applications", applicant=True), name="application-list"),
    path("applications/<int:pk>/", ApplicationPage.as_view(), name="application-detail"),
    path("payments/", page("payments", "payments", applicant=True), name="payments"),
    path("complaints/", ComplaintsPage.as_view(), name="complaints"),
    path("changes/", ChangesPage.as_view(), name="changes"),
    path("changes/new/", ChangeNewPage.as_view(), name="change-new"),
    path("changes/<int:pk>/", ChangePage.as_view(), name="change-detail"),
]
