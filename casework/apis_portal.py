"""The applicant's own records and claims under ``/api/v1/me/`` (the portal), and the staff side of claims:
a caseworker's one-time claim code for a person, and the employer claims to confirm. An applicant sees only the
party their account has claimed; ID and phone numbers stay masked even for their owner (the portal is on the
internet, the paper is at the job centre)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api_base import FilteredListApi

from . import selectors, services_claims
from .identity import mask_phone
from .models import OrganizationClaim


class _OwnPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number_masked = serializers.CharField(source="masked_id_number")
    phone_masked = serializers.CharField(source="masked_phone")
    birth_date = serializers.DateField()
    sex_label = serializers.CharField(source="get_sex_display")
    unit_name = serializers.CharField(source="residence_unit.name")
    city = serializers.CharField(source="residence_unit.city_code")


class _OwnOrganizationSerializer(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField(source="uscc")
    kind_label = serializers.CharField(source="get_kind_display")
    unit_name = serializers.CharField(source="unit.name")
    city = serializers.CharField(source="unit.city_code")


class MyClaimSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    organization_name = serializers.CharField(source="organization.name")
    credit_code = serializers.CharField(source="organization.uscc")

    class Meta:
        model = OrganizationClaim
        fields = ["id", "status", "status_label", "organization_name", "credit_code", "created_at", "decided_at"]


class MyProfileSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "organization"], allow_null=True)
    person = _OwnPersonSerializer(allow_null=True)
    organization = _OwnOrganizationSerializer(allow_null=True)
    claims = MyClaimSerializer(many=True)


def _profile(user) -> dict:
    party = selectors.applicant_party(user=user)
    kind = party._meta.model_name if party is not None else None
    return MyProfileSerializer(
        {
            "kind": kind,
            "person": party if kind == "person" else None,
            "organization": party if kind == "organization" else None,
            "claims": selectors.my_organization_claims(user=user),
        }
    ).data


class MyProfileApi(APIView):
    """Who my account stands for (masked), and my employer claims with their status."""

    @extend_schema(responses=MyProfileSerializer)
    def get(self, request):
        return Response(_profile(request.user))


class MyRegisterEntrySerializer(serializers.Serializer):
    register = serializers.CharField(source="register.code")
    register_name = serializers.CharField(source="register.display_name")
    entered_on = serializers.DateField()
    window_ends_on = serializers.DateField(allow_null=True)
    exited_on = serializers.DateField(allow_null=True)
    exit_reason_label = serializers.CharField(source="get_exit_reason_display")
    unit_name = serializers.CharField(source="unit.name")


class MyRegisterListApi(generics.ListAPIView):
    """The registers my record (or my household) is on, newest first."""

    serializer_class = MyRegisterEntrySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.my_registry_entries(user=self.request.user)


class _ClaimApi(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "claim"


class PersonClaimStartApi(_ClaimApi):
    """Give my ID number and name: if they match a record with a mobile number, a code goes to that number.
    The answer is the same whether or not anything matched."""

    throttle_scope = "sms"

    class PersonClaimInput(serializers.Serializer):
        id_number = serializers.CharField(max_length=32)
        name = serializers.CharField(max_length=64)

    @extend_schema(
        request=PersonClaimInput,
        responses={202: inline_serializer("ClaimCodeSent", {"detail": serializers.CharField()})},
    )
    def post(self, request):
        data = self.PersonClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        services_claims.person_claim_start(user=request.user, **data.validated_data)
        return Response(
            {
                "detail": _(
                    "If the ID number and name match a record with a mobile number, a code has been sent to that "
                    "number. No code? Ask your job centre for a claim code."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


class _CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class _CodeClaimApi(_ClaimApi):
    claim: staticmethod

    @extend_schema(request=_CodeInput, responses={200: MyProfileSerializer})
    def post(self, request):
        data = _CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        self.claim(user=request.user, **data.validated_data)
        return Response(_profile(request.user))


class PersonClaimConfirmApi(_CodeClaimApi):
    """The code sent to the phone on file: my account is linked to that record."""

    claim = staticmethod(services_claims.person_claim_confirm)


class ClaimCodeRedeemApi(_CodeClaimApi):
    """A one-time claim code from the job centre: my account is linked to the record it was made for."""

    claim = staticmethod(services_claims.claim_code_redeem)


class OrganizationClaimRequestApi(_ClaimApi):
    """Ask to act for an employer by its unified social credit code; a caseworker confirms."""

    class OrganizationClaimInput(serializers.Serializer):
        credit_code = serializers.CharField(max_length=32)

    @extend_schema(request=OrganizationClaimInput, responses={201: MyClaimSerializer})
    def post(self, request):
        data = self.OrganizationClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services_claims.organization_claim_request(user=request.user, **data.validated_data)
        return Response(MyClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


# --- Staff ---------------------------------------------------------------------------------------------------


class PersonClaimCodeApi(APIView):
    """Make a one-time claim code for a person to hand over in person (shown once; an earlier one stops working)."""

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "ClaimCodeIssued", {"code": serializers.CharField(), "expires_at": serializers.DateTimeField()}
            )
        },
    )
    def post(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        code, row = services_claims.claim_code_issue(actor=request.user, person=person)
        return Response({"code": code, "expires_at": row.expires_at}, status=status.HTTP_201_CREATED)


class OrganizationClaimSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    credit_code = serializers.CharField(source="organization.uscc")
    unit_name = serializers.CharField(source="organization.unit.name")
    applicant_name = serializers.CharField(source="user.full_name")
    applicant_phone_masked = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.__str__", allow_null=True, default=None)

    class Meta:
        model = OrganizationClaim
        fields = [
            "id",
            "status",
            "status_label",
            "organization",
            "organization_name",
            "credit_code",
            "unit_name",
            "applicant_name",
            "applicant_phone_masked",
            "created_at",
            "decided_by",
            "decided_at",
            "note",
        ]

    def get_applicant_phone_masked(self, claim) -> str:
        return mask_phone(claim.user.username)


class OrganizationClaimListApi(FilteredListApi):
    """Employer claims on organizations in my area, newest first. Filter: ``status``."""

    serializer_class = OrganizationClaimSerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=OrganizationClaim.Status.choices, required=False)

    def select(self, **params):
        return selectors.organization_claim_list(user=self.request.user, **params)


class _OrganizationClaimDecideApi(APIView):
    confirm: bool

    class ClaimDecisionInput(serializers.Serializer):
        note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    @extend_schema(request=ClaimDecisionInput, responses=OrganizationClaimSerializer)
    def post(self, request, pk):
        claim = selectors.organization_claim_get_for_user(user=request.user, claim_id=pk)
        data = self.ClaimDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        services_claims.organization_claim_decide(
            actor=request.user, claim=claim, confirm=self.confirm, **data.validated_data
        )
        claim = selectors.organization_claim_get_for_user(user=request.user, claim_id=pk)
        return Response(OrganizationClaimSerializer(claim).data)


class OrganizationClaimConfirmApi(_OrganizationClaimDecideApi):
    """Confirm a pending employer claim: the applicant's account acts for the organization from now on."""

    confirm = True


class OrganizationClaimRejectApi(_OrganizationClaimDecideApi):
    """Reject a pending employer claim (the applicant is told by SMS)."""

    confirm = False
