"""What the API answers and accepts (the OpenAPI schema is generated from these).
Money is integer öre everywhere ("amount": 650000 is 6 500,00 kr)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lika.cases.models import (
    Application,
    ApplicationCost,
    ApplicationIncome,
    Case,
    CaseCalculation,
    Decision,
    DecisionLine,
    DecisionShare,
    SupportObstacle,
)
from lika.households.models import HouseholdMembership
from lika.payments.models import PaymentOrder

from .models import ApiEvent, ApiGrantEvent

ORE = "Belopp i hela ören (heltal): 650000 är 6 500,00 kr."


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2026-12"})
class MonthField(serializers.Field):
    """A month as ÅÅÅÅ-MM (an application's month is stored as its first day)."""

    def to_representation(self, value):
        return f"{value:%Y-%m}"


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Maskinläsbar kod, t.ex. not_found, scope_write_missing")
    detail = serializers.CharField(help_text="Skälet på svenska")
    errors = serializers.ListField(child=serializers.CharField(), help_text="Varje fel för sig")


class CaseSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    household_id = serializers.IntegerField()
    registerledare_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Case
        fields = ["id", "reference", "unit", "status", "opened_on", "closed_on", "close_reason", "household_id",
                  "registerledare_id"]


class AddressSerializer(serializers.Serializer):
    street_address = serializers.CharField()
    postal_code = serializers.CharField()
    city = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField()
    identity_number = serializers.CharField(source="person.identity_number")
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")
    birth_date = serializers.DateField(source="person.birth_date")
    legal_gender = serializers.CharField(source="person.legal_gender")
    protected_identity = serializers.BooleanField(source="person.protected_identity")
    address = serializers.SerializerMethodField(
        help_text="Tom (null) när adressen är skyddad: personen eller någon i hushållet har skyddade personuppgifter")

    class Meta:
        model = HouseholdMembership
        fields = ["person_id", "identity_number", "first_name", "last_name", "birth_date", "legal_gender",
                  "protected_identity", "role", "cohabiting", "valid_from", "valid_to", "address"]

    @extend_schema_field(AddressSerializer(allow_null=True))
    def get_address(self, membership):
        person = membership.person
        if self.context.get("hidden") is None or person.pk in self.context["hidden"]:
            return None
        if not (person.street_address or person.postal_code or person.city):
            return None
        return {"street_address": person.street_address, "postal_code": person.postal_code, "city": person.city}


class HouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    members = MemberSerializer(many=True)


class CaseDetailSerializer(CaseSerializer):
    household = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "household"]

    @extend_schema_field(HouseholdSerializer)
    def get_household(self, case):
        members = MemberSerializer(self.context["members"], many=True, context=self.context).data
        return {"id": case.household.pk, "reference": case.household.reference, "members": members}


class EntrySerializer(serializers.Serializer):
    type = serializers.CharField(max_length=30, help_text="Kostnads- eller inkomsttyp (docs/calculate.md)")
    amount = serializers.IntegerField(min_value=0, max_value=10**12, help_text=ORE)
    person_id = serializers.IntegerField(allow_null=True, required=False, default=None,
                                         min_value=1, max_value=2**63 - 1)
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")


class CostSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationCost
        fields = ["type", "amount", "person_id", "note"]


class IncomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationIncome
        fields = ["type", "amount", "person_id", "note"]


class ObstacleSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportObstacle
        fields = ["person_id", "category"]


class CalculationSerializer(serializers.ModelSerializer):
    lines = serializers.SerializerMethodField()

    class Meta:
        model = CaseCalculation
        fields = ["id", "support", "provisional", "created_at", "superseded_at", "members", "lines"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_lines(self, calculation):
        return list(calculation.result.get("lines", ())) if isinstance(calculation.result, dict) else []


class ApplicationSerializer(serializers.ModelSerializer):
    case_id = serializers.IntegerField()
    applicant_id = serializers.IntegerField()
    month = MonthField(read_only=True)
    costs = CostSerializer(many=True)
    incomes = IncomeSerializer(many=True)
    obstacles = ObstacleSerializer(many=True)
    calculations = CalculationSerializer(many=True)

    class Meta:
        model = Application
        fields = ["id", "case_id", "month", "applicant_id", "received_on", "channel", "status", "created_at",
                  "costs", "incomes", "obstacles", "calculations"]


class ApplicationCreateSerializer(serializers.Serializer):
    month = serializers.RegexField(r"^[0-9]{4}-(0[1-9]|1[0-2])$", help_text="ÅÅÅÅ-MM")
    applicant_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    joint = serializers.BooleanField(required=False, default=False)
    channel = serializers.ChoiceField(choices=Application.Channel.choices, required=False,
                                      default=Application.Channel.E_SERVICE)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    costs = EntrySerializer(many=True, required=False, default=list, max_length=100)
    incomes = EntrySerializer(many=True, required=False, default=list, max_length=100)
    obstacles = serializers.DictField(child=serializers.ChoiceField(choices=SupportObstacle.Category.choices),
                                      required=False, default=dict,
                                      help_text="Försörjningshinder per vuxen: person-id → kategori")


class DecisionLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionLine
        fields = ["position", "kind", "rule", "label", "applied_amount", "accepted_amount", "granted_amount",
                  "outcome", "reason", "legal_basis"]


class DecisionShareSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = DecisionShare
        fields = ["person_id", "direct_type", "direct_payee", "amount", "rule"]


class DecisionSerializer(serializers.ModelSerializer):
    application_id = serializers.IntegerField()
    case_id = serializers.IntegerField(source="application.case_id")
    month = MonthField(source="application.month", read_only=True)
    calculation_id = serializers.IntegerField()
    supersedes_id = serializers.IntegerField(allow_null=True)
    in_force = serializers.BooleanField()
    lines = DecisionLineSerializer(many=True)
    shares = DecisionShareSerializer(many=True)

    class Meta:
        model = Decision
        fields = ["id", "case_id", "application_id", "month", "calculation_id", "status", "in_force",
                  "applied_amount", "granted_amount", "payment_mode", "prepared_at", "decided_at", "supersedes_id",
                  "superseded_at", "change_reason", "norm_provisional", "lines", "shares"]


class PaymentOrderSerializer(serializers.ModelSerializer):
    decision_id = serializers.IntegerField()
    person_id = serializers.IntegerField(allow_null=True)
    payday = serializers.DateField(source="run.payday")

    class Meta:
        model = PaymentOrder
        fields = ["id", "decision_id", "person_id", "payee_name", "method", "amount", "remittance",
                  "end_to_end_id", "status", "status_reason", "status_at", "payday", "created_at"]


class EventSerializer(serializers.ModelSerializer):
    cursor = serializers.CharField(help_text="Läget efter denna händelse: skicka som after= för att fortsätta")
    case_reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=ApiEvent.Kind.choices)

    class Meta:
        model = ApiEvent
        fields = ["cursor", "id", "kind", "occurred_at", "case_id", "case_reference", "decision_id",
                  "payment_order_id", "amount"]


class EventPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    next = serializers.CharField(help_text="Läget att fråga efter nästa gång (after=); oförändrat när inget nytt finns")
    has_more = serializers.BooleanField()


class GrantEventSerializer(serializers.ModelSerializer):
    cursor = serializers.CharField(help_text="Läget efter denna händelse: skicka som after= för att fortsätta")
    kind = serializers.ChoiceField(choices=ApiGrantEvent.Kind.choices)
    association_orgnr = serializers.CharField(help_text="Föreningens organisationsnummer")
    association_name = serializers.CharField()
    amount = serializers.IntegerField(help_text="Öre: beviljat belopp (0 vid avslag) eller betalningens belopp")

    class Meta:
        model = ApiGrantEvent
        fields = ["cursor", "id", "kind", "occurred_at", "application_id", "decision_id", "payment_order_id",
                  "association_id", "association_orgnr", "association_name", "amount"]


class GrantEventPageSerializer(serializers.Serializer):
    results = GrantEventSerializer(many=True)
    next = serializers.CharField(help_text="Läget att fråga efter nästa gång (after=); oförändrat när inget nytt finns")
    has_more = serializers.BooleanField()


class KeyFigureRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "kronor", "percent", "days"])
    kpi = serializers.CharField(allow_null=True)
    women = serializers.CharField(allow_null=True, help_text="Heltal (antal, öre) eller decimaltal som text; "
                                  "\"..\" när cellen är skyddad (för få); null när inget finns att visa")
    men = serializers.CharField(allow_null=True)
    total = serializers.CharField(allow_null=True)


class KeyFigureTableSerializer(serializers.Serializer):
    caption = serializers.CharField()
    rows = KeyFigureRowSerializer(many=True)


class KeyFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()
    tables = KeyFigureTableSerializer(many=True)


class KeyFiguresSerializer(serializers.Serializer):
    period = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    threshold = serializers.IntegerField()
    figures = KeyFigureSerializer(many=True)


class AttendanceOccasionSerializer(serializers.Serializer):
    date = serializers.CharField()
    group = serializers.CharField()
    counted = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    participations = serializers.IntegerField()
    amount = serializers.IntegerField(help_text=ORE)


class AttendanceResultSerializer(serializers.Serializer):
    application_id = serializers.IntegerField(allow_null=True, help_text="null vid dry_run")
    total = serializers.IntegerField(help_text=ORE)
    cap_applied = serializers.BooleanField()
    occasions = AttendanceOccasionSerializer(many=True)


class AttendanceErrorSerializer(ErrorSerializer):
    lines = serializers.ListField(child=serializers.DictField(), required=False,
                                  help_text="Fel per rad: {line, message}")


class AttendanceUploadSerializer(serializers.Serializer):
    programme = serializers.CharField(max_length=200)
    file = serializers.FileField()
    dry_run = serializers.BooleanField(required=False, default=False)
