"""REST endpoints of the registers. ID and phone numbers leave the server masked; the full numbers come only
from ``…/unmask/``, which needs the permission and a reason and is logged."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import UnitRefSerializer
from accounts.models import ServiceUnit
from accounts.validators import PAST
from core.api_base import FilteredListApi
from core.errors import require
from core.pagination import CappedPagination

from . import selectors, services
from .models import (
    Contact,
    ContactChannel,
    ContactOutcome,
    EmploymentRecord,
    EmploymentStatus,
    ExitReason,
    Household,
    HouseholdMember,
    Organization,
    OrganizationKind,
    Person,
    PersonalDataAccess,
    Register,
    RegistryEntry,
    Relation,
    Source,
)
from .permissions import can_read_access_log


def _visible_unit(request, unit_id) -> ServiceUnit:
    return get_object_or_404(ServiceUnit.objects.visible_to(request.user), pk=unit_id)


# --- Persons -----------------------------------------------------------------------------------------------


class PersonOutputSerializer(serializers.ModelSerializer):
    id_number_masked = serializers.CharField(source="masked_id_number")
    phone_masked = serializers.CharField(source="masked_phone")
    residence_unit = UnitRefSerializer()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "id_number_masked",
            "id_region_known",
            "birth_date",
            "sex",
            "phone_masked",
            "residence_unit",
            "resident_since",
            "hukou_type",
            "hukou_place",
            "education",
            "school",
            "major",
            "graduation_date",
            "is_disabled",
            "disability_grade",
            "veteran_status",
            "is_military_spouse",
            "is_orphan",
            "has_student_loan",
            "is_single_parent",
            "is_labor_model",
            "updated_at",
        ]


class PersonFieldsSerializer(serializers.Serializer):
    """The fields a caseworker edits (never the ID number, the derived facts or the scoping unit)."""

    name = serializers.CharField(max_length=64, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    hukou_type = serializers.ChoiceField(
        choices=Person._meta.get_field("hukou_type").choices, required=False, allow_blank=True
    )
    hukou_place = serializers.CharField(max_length=128, required=False, allow_blank=True)
    resident_since = serializers.DateField(required=False, allow_null=True, validators=[PAST])
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    education = serializers.ChoiceField(
        choices=Person._meta.get_field("education").choices, required=False, allow_blank=True
    )
    school = serializers.CharField(max_length=128, required=False, allow_blank=True)
    major = serializers.CharField(max_length=128, required=False, allow_blank=True)
    graduation_date = serializers.DateField(required=False, allow_null=True)
    is_disabled = serializers.BooleanField(required=False)
    disability_grade = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    veteran_status = serializers.ChoiceField(
        choices=Person._meta.get_field("veteran_status").choices, required=False, allow_blank=True
    )
    is_military_spouse = serializers.BooleanField(required=False)
    is_orphan = serializers.BooleanField(required=False)
    has_student_loan = serializers.BooleanField(required=False)
    is_single_parent = serializers.BooleanField(required=False)
    is_labor_model = serializers.BooleanField(required=False)


class PersonListApi(FilteredListApi):
    """Persons in the caller's area, masked. ``search``: full ID number, its last 4–6 characters, a mobile
    number or part of a name. Also filters by ``unit`` (subtree) and ``register`` (code, open entries)."""

    serializer_class = PersonOutputSerializer
    pagination_class = CappedPagination  # a broad search says "more than 1,000" instead of counting a million
    filterset_fields = ["sex", "education", "hukou_type", "is_disabled", "id_region_known"]

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, max_length=32)
        unit = serializers.IntegerField(required=False)
        register = serializers.SlugField(required=False)

    def select(self, *, unit=None, register=None, **params):
        if unit is not None:
            unit = _visible_unit(self.request, unit)
        if register is not None:
            register = selectors.register_get(code=register)
        return selectors.person_list(user=self.request.user, unit=unit, register=register, **params)

    class PersonCreateInput(PersonFieldsSerializer):
        name = serializers.CharField(max_length=64)
        id_number = serializers.CharField(max_length=32)
        residence_unit = serializers.IntegerField()

    @extend_schema(request=PersonCreateInput, responses={201: PersonOutputSerializer})
    def post(self, request):
        data = self.PersonCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        unit = _visible_unit(request, fields.pop("residence_unit"))
        person = services.person_create(actor=request.user, residence_unit=unit, source=Source.API, **fields)
        return Response(PersonOutputSerializer(person).data, status=status.HTTP_201_CREATED)


class PersonDetailApi(APIView):
    @extend_schema(responses=PersonOutputSerializer)
    def get(self, request, pk):
        return Response(PersonOutputSerializer(selectors.person_get_for_user(user=request.user, person_id=pk)).data)

    @extend_schema(request=PersonFieldsSerializer, responses=PersonOutputSerializer)
    def patch(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        data = PersonFieldsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        person = services.person_update(actor=request.user, person=person, **data.validated_data)
        return Response(PersonOutputSerializer(person).data)


class UnmaskInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class PersonUnmaskApi(APIView):
    """The full ID and phone numbers of one person. Needs the unmask permission; each call is logged."""

    @extend_schema(
        request=UnmaskInputSerializer,
        responses=inline_serializer(
            "PersonUnmasked", {"id_number": serializers.CharField(), "phone": serializers.CharField()}
        ),
    )
    def post(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        data = UnmaskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.personal_data_unmask(user=request.user, person=person, **data.validated_data))


class ContactSerializer(serializers.ModelSerializer):
    caseworker = serializers.CharField(source="caseworker.__str__", read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "contacted_on", "channel", "outcome", "note", "next_follow_up_on", "caseworker", "created_at"]
        read_only_fields = ["id", "caseworker", "created_at"]


class PersonContactsApi(APIView):
    """Contact attempts with a person (逐一联系), newest first; POST logs one."""

    @extend_schema(responses=ContactSerializer(many=True))
    def get(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        return Response(ContactSerializer(person.contacts.select_related("caseworker")[:100], many=True).data)

    class ContactInput(serializers.Serializer):
        contacted_on = serializers.DateField()
        channel = serializers.ChoiceField(choices=ContactChannel.choices)
        outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
        note = serializers.CharField(max_length=500, required=False, allow_blank=True)
        next_follow_up_on = serializers.DateField(required=False, allow_null=True)

    @extend_schema(request=ContactInput, responses={201: ContactSerializer})
    def post(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        data = self.ContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.contact_log(actor=request.user, person=person, **data.validated_data)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class EmploymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmploymentRecord
        fields = ["id", "status", "started_on", "ended_on", "employer", "employer_name", "registration_no", "note"]
        read_only_fields = ["id", "ended_on"]


class PersonEmploymentApi(APIView):
    """就业失业登记 of a person; POST starts a spell (ending the open one the day before)."""

    @extend_schema(responses=EmploymentSerializer(many=True))
    def get(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        return Response(EmploymentSerializer(person.employment.all(), many=True).data)

    class EmploymentInput(serializers.Serializer):
        status = serializers.ChoiceField(choices=EmploymentStatus.choices)
        started_on = serializers.DateField()
        employer = serializers.IntegerField(required=False, allow_null=True)
        employer_name = serializers.CharField(max_length=128, required=False, allow_blank=True)
        registration_no = serializers.CharField(max_length=64, required=False, allow_blank=True)
        note = serializers.CharField(max_length=255, required=False, allow_blank=True)

    @extend_schema(request=EmploymentInput, responses={201: EmploymentSerializer})
    def post(self, request, pk):
        person = selectors.person_get_for_user(user=request.user, person_id=pk)
        data = self.EmploymentInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if fields.get("employer"):
            fields["employer"] = selectors.organization_get_for_user(
                user=request.user, organization_id=fields["employer"]
            )
        record = services.employment_record_add(actor=request.user, person=person, **fields)
        return Response(EmploymentSerializer(record).data, status=status.HTTP_201_CREATED)


# --- Households --------------------------------------------------------------------------------------------


class HouseholdMemberSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")

    class Meta:
        model = HouseholdMember
        fields = ["person", "name", "relation", "able_to_work"]


class HouseholdOutputSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    members = HouseholdMemberSerializer(many=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "unit",
            "address",
            "is_dibao",
            "dibao_since",
            "is_zero_employment",
            "zero_employment_since",
            "cleared_on",
            "fell_back_on",
            "members",
        ]


class HouseholdListApi(FilteredListApi):
    """Households in the caller's area; ``is_zero_employment``, ``is_dibao`` and ``fell_back`` filter them."""

    serializer_class = HouseholdOutputSerializer
    filterset_fields = ["is_zero_employment", "is_dibao"]

    class FilterSerializer(serializers.Serializer):
        fell_back = serializers.BooleanField(required=False, default=False)

    def select(self, *, fell_back=False):
        return selectors.household_list(user=self.request.user, fell_back_only=fell_back)

    class HouseholdCreateInput(serializers.Serializer):
        class HouseholdMemberInput(serializers.Serializer):
            person = serializers.IntegerField()
            relation = serializers.ChoiceField(choices=Relation.choices)
            able_to_work = serializers.BooleanField(default=True)

        unit = serializers.IntegerField()
        address = serializers.CharField(max_length=255, required=False, allow_blank=True)
        is_dibao = serializers.BooleanField(default=False)
        dibao_since = serializers.DateField(required=False, allow_null=True, validators=[PAST])
        members = HouseholdMemberInput(many=True)

    @extend_schema(request=HouseholdCreateInput, responses={201: HouseholdOutputSerializer})
    def post(self, request):
        data = self.HouseholdCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        unit = _visible_unit(request, fields.pop("unit"))
        members = [
            (selectors.person_get_for_user(user=request.user, person_id=m["person"]), m["relation"], m["able_to_work"])
            for m in fields.pop("members")
        ]
        household = services.household_create(actor=request.user, unit=unit, members=members, **fields)
        household = selectors.household_get_for_user(user=request.user, household_id=household.pk)
        return Response(HouseholdOutputSerializer(household).data, status=status.HTTP_201_CREATED)


class HouseholdDetailApi(generics.RetrieveAPIView):
    serializer_class = HouseholdOutputSerializer

    def get_object(self):
        return selectors.household_get_for_user(user=self.request.user, household_id=self.kwargs["pk"])


# --- Organizations -----------------------------------------------------------------------------------------


class OrganizationOutputSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    contact_phone_masked = serializers.CharField(source="masked_contact_phone")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "kind",
            "uscc",
            "unit",
            "legal_representative",
            "contact_phone_masked",
            "address",
            "registered_on",
        ]


class OrganizationListApi(FilteredListApi):
    """Organizations in the caller's area. ``search``: part of the name or the full credit code."""

    serializer_class = OrganizationOutputSerializer
    filterset_fields = ["kind"]

    class FilterSerializer(serializers.Serializer):
        search = serializers.CharField(required=False, max_length=64)

    def select(self, **params):
        return selectors.organization_list(user=self.request.user, **params)

    class OrganizationCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=128)
        kind = serializers.ChoiceField(choices=OrganizationKind.choices)
        uscc = serializers.CharField(max_length=32)
        unit = serializers.IntegerField()
        legal_representative = serializers.CharField(max_length=64, required=False, allow_blank=True)
        contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
        address = serializers.CharField(max_length=255, required=False, allow_blank=True)
        registered_on = serializers.DateField(required=False, allow_null=True, validators=[PAST])

    @extend_schema(request=OrganizationCreateInput, responses={201: OrganizationOutputSerializer})
    def post(self, request):
        data = self.OrganizationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        unit = _visible_unit(request, fields.pop("unit"))
        organization = services.organization_create(actor=request.user, unit=unit, **fields)
        return Response(OrganizationOutputSerializer(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetailApi(generics.RetrieveAPIView):
    serializer_class = OrganizationOutputSerializer

    def get_object(self):
        return selectors.organization_get_for_user(user=self.request.user, organization_id=self.kwargs["pk"])


# --- Registers ---------------------------------------------------------------------------------------------


class RegisterSerializer(serializers.ModelSerializer):
    open_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Register
        fields = [
            "code",
            "name_zh",
            "name_en",
            "subject",
            "cities",
            "needs_contact",
            "windows",
            "clause_refs",
            "open_count",
        ]


class RegisterListApi(APIView):
    """The registers of the caller's cities, with the number of open entries in the caller's area."""

    @extend_schema(responses=RegisterSerializer(many=True))
    def get(self, request):
        return Response(RegisterSerializer(selectors.registers_for_user(user=request.user), many=True).data)


class EntryOutputSerializer(serializers.ModelSerializer):
    register = serializers.SlugRelatedField(slug_field="code", read_only=True)
    person = serializers.SerializerMethodField()
    unit = UnitRefSerializer()
    last_contacted_on = serializers.DateField(read_only=True, required=False, allow_null=True)

    class Meta:
        model = RegistryEntry
        fields = [
            "id",
            "register",
            "person",
            "household",
            "unit",
            "entered_on",
            "window_ends_on",
            "exited_on",
            "exit_reason",
            "source",
            "note",
            "last_contacted_on",
        ]

    def get_person(self, entry) -> dict | None:
        person = entry.person
        if person is None:
            return None
        return {"id": person.pk, "name": person.name, "id_number_masked": person.masked_id_number}


class RegisterEntriesApi(FilteredListApi):
    """Open entries of one register in the caller's area. ``contact_status``: never, recent (≤ 30 days), overdue."""

    serializer_class = EntryOutputSerializer

    class FilterSerializer(serializers.Serializer):
        contact_status = serializers.ChoiceField(choices=["never", "recent", "overdue"], required=False)
        search = serializers.CharField(required=False, max_length=32)

    def select(self, *, contact_status="", search=""):
        register = selectors.register_get(code=self.kwargs["code"])
        return selectors.register_entries(
            user=self.request.user, register=register, status=contact_status, search=search
        )


class EntryCreateApi(APIView):
    """Put a person or a household on a register."""

    class EntryCreateInput(serializers.Serializer):
        register = serializers.SlugField()
        person = serializers.IntegerField(required=False)
        household = serializers.IntegerField(required=False)
        entered_on = serializers.DateField()
        note = serializers.CharField(max_length=255, required=False, allow_blank=True)

    @extend_schema(request=EntryCreateInput, responses={201: EntryOutputSerializer})
    def post(self, request):
        data = self.EntryCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        register = selectors.register_get(code=fields.pop("register"))
        if fields.get("person"):
            fields["person"] = selectors.person_get_for_user(user=request.user, person_id=fields["person"])
        if fields.get("household"):
            fields["household"] = selectors.household_get_for_user(user=request.user, household_id=fields["household"])
        entry = services.registry_entry_add(actor=request.user, register=register, source=Source.API, **fields)
        return Response(EntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class EntryExitApi(APIView):
    """Take a person or household off a register, with a reason."""

    class EntryExitInput(serializers.Serializer):
        exited_on = serializers.DateField()
        reason = serializers.ChoiceField(choices=ExitReason.choices)
        note = serializers.CharField(max_length=255, required=False, allow_blank=True)

    @extend_schema(request=EntryExitInput, responses=EntryOutputSerializer)
    def post(self, request, pk):
        entry = get_object_or_404(RegistryEntry.objects.visible_to(request.user), pk=pk)
        data = self.EntryExitInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.registry_entry_exit(actor=request.user, entry=entry, **data.validated_data)
        return Response(EntryOutputSerializer(entry).data)


# --- Access log --------------------------------------------------------------------------------------------


class AccessLogSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    person = serializers.SerializerMethodField()

    class Meta:
        model = PersonalDataAccess
        fields = ["id", "user", "person", "organization", "fields", "reason", "accessed_at"]

    def get_person(self, row) -> dict | None:
        if row.person is None:
            return None
        return {"id": row.person_id, "name": row.person.name, "id_number_masked": row.person.masked_id_number}


class AccessLogApi(generics.ListAPIView):
    """Every unmasking of personal data about people and organizations in the caller's area (auditors)."""

    serializer_class = AccessLogSerializer
    queryset = PersonalDataAccess.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return self.queryset
        require(can_read_access_log(self.request.user))
        return selectors.access_log(user=self.request.user)
