"""The grants API: the entitlements an approval made, and a supervisor's suspend, resume and terminate."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import UnitRefSerializer
from accounts.selectors import unit_get_for_user
from accounts.validators import MULTILINE
from core.api_base import ActionApi, FilteredListApi, action_parameter

from ..models import Entitlement
from . import entitlements, selectors
from .apis import EntitlementSerializer, PartySerializer, UserRefSerializer, party_data


class EntitlementDetailSerializer(EntitlementSerializer):
    program = serializers.CharField(source="program.code")
    program_name = serializers.CharField(source="program.name_zh")
    party = serializers.SerializerMethodField()
    unit = UnitRefSerializer()
    approved_by = UserRefSerializer()
    holds_while_on = serializers.ListField(child=serializers.CharField())

    class Meta(EntitlementSerializer.Meta):
        fields = [
            *EntitlementSerializer.Meta.fields,
            "program",
            "program_name",
            "party",
            "unit",
            "application",
            "status_reason",
            "holds_while_on",
            "approved_by",
            "approved_on",
        ]

    @extend_schema_field(PartySerializer)
    def get_party(self, entitlement) -> dict:
        return party_data(entitlement)


class EntitlementListApi(FilteredListApi):
    """The grants of the caller's area, those ending first on top. Filters: ``status``, ``program``, ``unit`` (a
    subtree), ``ending_by`` (active grants whose last day is on or before that day)."""

    serializer_class = EntitlementDetailSerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Entitlement.Status.choices, required=False)
        program = serializers.SlugField(required=False)
        unit = serializers.IntegerField(required=False)
        ending_by = serializers.DateField(required=False)

    def select(self, *, unit=None, **params):
        if unit is not None:
            unit = unit_get_for_user(user=self.request.user, unit_id=unit)
        return selectors.entitlement_list(user=self.request.user, unit=unit, **params)


class EntitlementDetailApi(APIView):
    @extend_schema(responses=EntitlementDetailSerializer)
    def get(self, request, pk):
        entitlement = selectors.entitlement_get_for_user(user=request.user, entitlement_id=pk)
        return Response(EntitlementDetailSerializer(entitlement).data)


class _ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=255, style=MULTILINE)
    back_pay = serializers.BooleanField(
        required=False, default=False, help_text="resume only: also pay the periods that started while suspended"
    )


@extend_schema_view(
    post=extend_schema(
        operation_id="v1_entitlements_transition",
        parameters=[action_parameter(entitlements.ENTITLEMENT_ACTIONS)],
        request=_ReasonInput,
        responses=EntitlementDetailSerializer,
    )
)
class EntitlementTransitionApi(ActionApi):
    """``POST …/entitlements/<id>/<action>/`` with action one of suspend, resume, terminate and a ``reason``: a
    supervisor of the grant's unit changes its status through the service."""

    actions, InputSerializer, target_name = entitlements.ENTITLEMENT_ACTIONS, _ReasonInput, "entitlement"

    def target(self, request, pk):
        return selectors.entitlement_get_for_user(user=request.user, entitlement_id=pk)

    def answer(self, request, pk):
        return EntitlementDetailSerializer(self.target(request, pk)).data
