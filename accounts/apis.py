"""REST endpoints of accounts: who am I, tokens, service units and staff users (scoped, read-only)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import selectors
from .api_base import FilteredListApi
from .models import Membership, Role, ServiceUnit, User


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceUnit
        fields = ["id", "name", "level", "region_code"]


class MembershipSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ["role", "role_label", "unit"]


class UserOutputSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "kind", "is_active", "memberships"]


class MeApi(APIView):
    """The signed-in user, their roles and the interface language."""

    class OutputSerializer(UserOutputSerializer):
        language = serializers.SerializerMethodField()

        class Meta(UserOutputSerializer.Meta):
            fields = [*UserOutputSerializer.Meta.fields, "language"]

        def get_language(self, obj) -> str:
            return self.context["request"].LANGUAGE_CODE

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        user = selectors.user_get_for_user(user=request.user, user_id=request.user.pk)
        return Response(self.OutputSerializer(user, context={"request": request}).data)


class TokenApi(APIView):
    """Exchange a username and password for an API token (for clients that are not the browser console)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def get_authenticate_header(self, request):
        return "Token"  # a refused sign-in is a 401 that says which scheme to use

    class TokenInput(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    @extend_schema(
        request=TokenInput,
        responses={200: inline_serializer("TokenOutput", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = self.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None:
            # One answer for a wrong password, an unknown user and a disabled account.
            raise AuthenticationFailed(_("The username or password is not correct."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class TokenRevokeApi(APIView):
    """Delete the caller's API token (sign out of a token client)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnitOutputSerializer(serializers.ModelSerializer):
    parent = UnitRefSerializer(allow_null=True)
    level_label = serializers.CharField(source="get_level_display")

    class Meta:
        model = ServiceUnit
        fields = ["id", "name", "level", "level_label", "region_code", "city_code", "parent", "is_active"]


class UnitListApi(FilteredListApi):
    """Service units in the caller's area. Filters: ``parent``, ``level``, ``search`` (name or region code)."""

    serializer_class = UnitOutputSerializer

    class FilterSerializer(serializers.Serializer):
        parent = serializers.IntegerField(required=False)
        level = serializers.ChoiceField(choices=ServiceUnit.Level.choices, required=False)
        search = serializers.CharField(required=False, max_length=64)

    def select(self, *, parent=None, **params):
        if parent is not None:
            parent = selectors.unit_get_for_user(user=self.request.user, unit_id=parent)
        return selectors.unit_list(user=self.request.user, parent=parent, **params)


class UnitDetailApi(generics.RetrieveAPIView):
    serializer_class = UnitOutputSerializer

    def get_object(self):
        return selectors.unit_get_for_user(user=self.request.user, unit_id=self.kwargs["pk"])


class UserListApi(FilteredListApi):
    """Staff users with a role in the caller's area. Filters: ``unit`` (its subtree), ``role``, ``search``."""

    serializer_class = UserOutputSerializer

    class FilterSerializer(serializers.Serializer):
        unit = serializers.IntegerField(required=False)
        role = serializers.ChoiceField(choices=Role.choices, required=False)
        search = serializers.CharField(required=False, max_length=64)

    def select(self, *, unit=None, **params):
        if unit is not None:
            unit = selectors.unit_get_for_user(user=self.request.user, unit_id=unit)
        return selectors.user_list(user=self.request.user, unit=unit, **params)


class UserDetailApi(generics.RetrieveAPIView):
    serializer_class = UserOutputSerializer

    def get_object(self):
        return selectors.user_get_for_user(user=self.request.user, user_id=self.kwargs["pk"])
