from django.urls import path

from . import views, views_security

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/otp/", views_security.OtpView.as_view(), name="otp"),
    path("login/otp/setup/", views_security.OtpSetupView.as_view(), name="otp-setup"),
    path("login/confirm/", views_security.ReauthView.as_view(), name="reauth"),
    path("console/", views.HomeView.as_view(), name="home"),
    path("console/units/", views.UnitListView.as_view(), name="unit-list"),
    path("console/units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("console/staff/", views.UserListView.as_view(), name="user-list"),
    path("console/staff/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("console/notifications/", views.NotificationListView.as_view(), name="notification-list"),
]
