from django.urls import path

from . import apis

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="me"),
    path("auth/token/", apis.TokenApi.as_view(), name="token"),
    path("auth/token/revoke/", apis.TokenRevokeApi.as_view(), name="token-revoke"),
    path("units/", apis.UnitListApi.as_view(), name="unit-list"),
    path("units/<int:pk>/", apis.UnitDetailApi.as_view(), name="unit-detail"),
    path("users/", apis.UserListApi.as_view(), name="user-list"),
    path("users/<int:pk>/", apis.UserDetailApi.as_view(), name="user-detail"),
]
