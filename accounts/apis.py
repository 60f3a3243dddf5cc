"""REST endpoints of accounts: who am I, tokens, service units and staff users (scoped, read-only)."""

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api_base import ErrorSerializer, FilteredListApi

from . import selectors, services
from .models import Membership, Role, ServiceUnit, User
from .security import authenticator, code_matches, mark_reauthenticated, needs_second_factor


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
        username = serializers.CharField(max_length=150)  # as the user model (a longer one would break the lockout log)
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
        otp = serializers.CharField(
            required=False,
            max_length=6,
            help_text="The authenticator code: needed for supervisors, finance officers, administrators and anyone "
            "who may unmask (set up in the console first).",
        )

    @extend_schema(
        request=TokenInput,
        responses={200: inline_serializer("TokenOutput", {"token": serializers.CharField()}), 401: ErrorSerializer},
    )
    def post(self, request):
        data = self.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        otp = data.validated_data.pop("otp", "")
        user = authenticate(request._request, **data.validated_data)
        if user is None:
            # One answer for a wrong password, an unknown user and a disabled account.
            raise AuthenticationFailed(_("The username or password is not correct."))
        if needs_second_factor(user) and code_matches(user, otp) is None:
            raise AuthenticationFailed(_("The code of your authenticator app is missing or not right."))
        return Response({"token": services.api_token_issue(user=user).key})


class TokenRevokeApi(APIView):
    """Delete the caller's API token (sign out of a token client)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _BrowserSignInApi(APIView):
    """Anonymous endpoints of the portal's own pages that sign the browser in: throttled, and CSRF-checked even
    though nobody is signed in yet (so another site cannot sign a visitor into an account of its choosing): a
    request without the CSRF cookie and header is a 403, which their schemas say."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        SessionAuthentication().enforce_csrf(request)

    def sign_in(self, request, user) -> Response:
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(UserOutputSerializer(user).data, status=self.success_status)

    success_status = status.HTTP_200_OK


class SmsCodeApi(APIView):
    """Send a registration code to a mobile number (the same answer whether or not it already has an account)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sms"

    class SmsCodeInput(serializers.Serializer):
        phone = serializers.CharField(max_length=20)

    @extend_schema(
        request=SmsCodeInput,
        responses={
            202: inline_serializer(
                "SmsCodeSent", {"detail": serializers.CharField(), "expires_in": serializers.IntegerField()}
            )
        },
    )
    def post(self, request):
        data = self.SmsCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.registration_code_send(**data.validated_data)
        return Response(
            {
                "detail": _("If the number can register, a code is on its way by SMS."),
                "expires_in": settings.CASEWORK_SMS_CODE_MINUTES * 60,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class RegisterApi(_BrowserSignInApi):
    """Create an applicant account with a mobile number, its SMS code and a password; the browser is signed in."""

    success_status = status.HTTP_201_CREATED

    class RegisterInput(serializers.Serializer):
        phone = serializers.CharField(max_length=20)
        code = serializers.CharField(max_length=12)
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=128)
        full_name = serializers.CharField(max_length=64)

    @extend_schema(request=RegisterInput, responses={201: UserOutputSerializer, 403: ErrorSerializer})
    def post(self, request):
        data = self.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self.sign_in(request, services.applicant_register(**data.validated_data))


class LoginApi(_BrowserSignInApi):
    """Sign the browser in (the portal's sign-in page; token clients use ``auth/token/``)."""

    @extend_schema(request=TokenApi.TokenInput, responses={200: UserOutputSerializer, 403: ErrorSerializer})
    def post(self, request):
        data = TokenApi.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if user is None:
            # One answer for a wrong password, an unknown user and a disabled account.
            raise ValidationError({"non_field_errors": [_("The username or password is not correct.")]})
        return self.sign_in(request, user)


class LogoutApi(APIView):
    """Sign the browser out."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConfirmApi(APIView):
    """Confirm the password (and the authenticator code, where one is set up) before taking unmasked data out:
    bank files and other full-number exports need a confirmation within ``CASEWORK_REAUTH_MINUTES``."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    class ConfirmInput(serializers.Serializer):
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
        otp = serializers.CharField(required=False, allow_blank=True, max_length=6, default="")

    @extend_schema(request=ConfirmInput, responses={204: None})
    def post(self, request):
        data = self.ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        password_ok = authenticate(
            request._request, username=user.get_username(), password=data.validated_data["password"]
        )
        otp_ok = authenticator(user) is None or code_matches(user, data.validated_data["otp"]) is not None
        if password_ok is None or not otp_ok:
            raise ValidationError({"non_field_errors": [_("The password or the authenticator code is not right.")]})
        mark_reauthenticated(request)
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
