"""The catalogue API: programs with their legal basis, parameters with their dated values, and an
administrator's new value."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_base import FilteredListApi

from ..models import Parameter, ParameterValue, Program
from . import selectors, services


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = [
            "code",
            "city",
            "family",
            "name_zh",
            "name_en",
            "beneficiary",
            "payment_pattern",
            "amount_text",
            "max_duration_text",
            "caps_text",
            "who_is_eligible",
            "evidence",
            "once_per_lifetime",
            "document_no",
            "document_title",
            "clause",
            "quote_zh",
            "quote_zh_more",
            "notes",
        ]


class ProgramListApi(FilteredListApi):
    """The programs of the five cities (public policy information). Filters: ``city``, ``family``, ``money``."""

    permission_classes = [AllowAny]
    serializer_class = ProgramSerializer

    class FilterSerializer(serializers.Serializer):
        city = serializers.SlugField(required=False)
        family = serializers.SlugField(required=False)
        money = serializers.BooleanField(required=False, default=False)

    def select(self, *, money=False, **params):
        return selectors.program_list(money_only=money, **params)


class ProgramDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ProgramSerializer)
    def get(self, request, code):
        return Response(ProgramSerializer(selectors.program_get(code=code)).data)


class ParameterValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ParameterValue
        fields = ["valid_from", "value", "is_demo", "source", "created_at"]


class ParameterSerializer(serializers.ModelSerializer):
    values = ParameterValueSerializer(many=True)

    class Meta:
        model = Parameter
        fields = ["code", "city", "name_zh", "name_en", "unit", "clause", "quote", "open_code", "used_by", "values"]


class ParameterListApi(FilteredListApi):
    """Parameters with their dated values. Filters: ``city``, ``open`` (only the ones the documents leave open)."""

    serializer_class = ParameterSerializer

    class FilterSerializer(serializers.Serializer):
        city = serializers.SlugField(required=False)
        open = serializers.BooleanField(required=False, default=False)

    def select(self, *, open=False, **params):
        return selectors.parameter_list(open_only=open, **params)


class ParameterValueCreateApi(APIView):
    """Give a parameter a new value from a date (administrators). Existing values never change."""

    class ParameterValueInput(serializers.Serializer):
        valid_from = serializers.DateField()
        value = serializers.DecimalField(max_digits=20, decimal_places=6, min_value=0)
        source = serializers.CharField(max_length=255, required=False, allow_blank=True)

    @extend_schema(request=ParameterValueInput, responses={201: ParameterValueSerializer})
    def post(self, request, code):
        parameter = get_object_or_404(Parameter, code=code)
        data = self.ParameterValueInput(data=request.data)
        data.is_valid(raise_exception=True)
        value = services.parameter_value_add(actor=request.user, parameter=parameter, **data.validated_data)
        return Response(ParameterValueSerializer(value).data, status=status.HTTP_201_CREATED)
