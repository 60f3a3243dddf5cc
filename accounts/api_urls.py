from django.urls import path

from . import apis

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="me"),
    path("auth/token/", apis.TokenApi.as_view(), name="token"),
    path("auth/token/revoke/", apis.TokenRevokeApi.as_view(), name="token-revoke"),
    path("auth/sms-code/", apis.SmsCodeApi.as_view(), name="sms-code"),
    path("auth/register/", apis.RegisterApi.as_view(), name="register"),
    path("auth/login/", apis.LoginApi.as_view(), name="login"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="logout"),
    path("auth/confirm/", apis.ConfirmApi.as_view(), name="confirm"),
    path("units/", apis.UnitListApi.as_view(), name="unit-list"),
    path("units/<int:pk>/", apis.UnitDetailApi.as_view(), name="unit-detail"),
    path("users/", apis.UserListApi.as_view(), name="user-list"),
    path("users/<int:pk>/", apis.UserDetailApi.as_view(), name="user-detail"),
]
