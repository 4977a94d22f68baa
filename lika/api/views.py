"""The API's endpoints under /api/v1/ (docs/api.md).  Thin: reads filtered to the client's
units (a case of another unit is a 404), writes through the case and grant services.
Every call is written to the access log with the client's system user (``api:<name>``);
each case read is logged per object, like the pages."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lika.audit.services import READ, access_log_write
from lika.cases import services as case_services
from lika.cases.access import handling_unit_id
from lika.cases.models import Application, Case, CaseCalculation, Decision
from lika.core.periods import PeriodError, parse_period
from lika.households.models import HouseholdMembership, Person, persons_with_hidden_address
from lika.payments.models import PaymentOrder
from lika.statistics.figures import build_report
from lika.statistics.report import SUPPRESSED

from . import feed
from .attendance import Refused, import_attendance
from .auth import GrantEventsScope, ReadScope, WriteScope
from .errors import ApiError
from .serializers import (
    ApplicationCreateSerializer,
    ApplicationSerializer,
    AttendanceErrorSerializer,
    AttendanceResultSerializer,
    AttendanceUploadSerializer,
    CalculationSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    DecisionSerializer,
    ErrorSerializer,
    EventPageSerializer,
    EventSerializer,
    GrantEventPageSerializer,
    GrantEventSerializer,
    KeyFiguresSerializer,
    PaymentOrderSerializer,
)

MAX_ID = 2**63 - 1
DEFAULT_LIMIT, MAX_LIMIT = 50, 500

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Felaktig begäran: skälen på svenska"),
    401: OpenApiResponse(ErrorSerializer, description="Nyckel saknas, är okänd eller återkallad"),
    403: OpenApiResponse(ErrorSerializer, description="Systemet saknar behörigheten (scope)"),
    404: OpenApiResponse(ErrorSerializer, description="Finns inte, eller hör till en enhet systemet inte ser"),
    405: OpenApiResponse(ErrorSerializer, description="Metoden är inte tillåten"),
    406: OpenApiResponse(ErrorSerializer, description="Svaret kan bara ges som JSON"),
    415: OpenApiResponse(ErrorSerializer, description="Fel innehållstyp"),
}
LIST_PARAMETERS = [
    OpenApiParameter("limit", int, description=f"Högst så många (1–{MAX_LIMIT}, {DEFAULT_LIMIT} om inget anges)"),
    OpenApiParameter("offset", int, description="Hoppa över så många"),
]


def responses(ok):
    """The operation's success answers and every error answer it may give."""
    return {**ok, **ERRORS}


def path_id(name):
    return OpenApiParameter(name, int, OpenApiParameter.PATH)


def _object_id(value) -> int:
    """A path's id: an integer that fits the database, or 404."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 19 or not 0 < int(text) <= MAX_ID:
        raise ApiError("Finns inte.", code="not_found", status_code=404)
    return int(text)


def _bounded(request, name, default, high) -> int:
    """The query parameter ``name`` as an integer from 1 (``offset``: 0) to ``high``, or 400."""
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    low = 0 if name == "offset" else 1
    if not text.isascii() or not text.isdigit() or len(text) > 9 or not low <= int(text) <= high:
        raise ApiError(f"{name} ska vara ett heltal {low}–{high}.", code="invalid_parameter")
    return int(text)


class ApiView(APIView):
    """Every call logged: the client's system user, the method, the path and the status."""

    log_object_type = "api"

    @property
    def client(self):
        return self.request.auth

    def unit_ids(self) -> list[int]:
        if not hasattr(self, "_unit_ids"):
            self._unit_ids = list(self.client.units.values_list("pk", flat=True))
        return self._unit_ids

    def case_or_404(self, case_id, *, what: str) -> Case:
        case = (Case.objects.select_related("unit", "household")
                .filter(pk=_object_id(case_id), unit_id__in=self.unit_ids()).first())
        if case is None:
            raise ApiError("Finns inte.", code="not_found", status_code=404)
        access_log_write(actor=self.request.user, action=READ, object_type="case", object_id=case.pk,
                         household_id=case.household_id, summary=f"API: {what}")
        return case

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
        query = request.META.get("QUERY_STRING", "")
        access_log_write(actor=user, action="api", object_type="api_call", object_id=response.status_code,
                         summary=f"{request.method} {request.path}{'?' + query if query else ''}"[:300]
                         if user is not None else f"API utan giltig nyckel: {request.method} {request.path}"[:300])
        return response


class CaseList(ApiView):
    @extend_schema(operation_id="cases_list", summary="Ärenden i systemets enheter",
                   parameters=LIST_PARAMETERS, responses=responses({200: CaseSerializer(many=True)}))
    def get(self, request):
        limit, offset = _bounded(request, "limit", DEFAULT_LIMIT, MAX_LIMIT), _bounded(request, "offset", 0, 10**9)
        cases = list(Case.objects.select_related("unit").filter(unit_id__in=self.unit_ids())
                     .order_by("id")[offset:offset + limit])
        for case in cases:
            access_log_write(actor=request.user, action=READ, object_type="case", object_id=case.pk,
                             household_id=case.household_id, summary="API: ärendelista")
        return Response(CaseSerializer(cases, many=True).data)


class CaseDetail(ApiView):
    @extend_schema(operation_id="cases_retrieve", summary="Ett ärende med hushållets medlemmar",
                   parameters=[path_id("case_id")], responses=responses({200: CaseDetailSerializer}))
    def get(self, request, case_id):
        case = self.case_or_404(case_id, what="ärende och hushåll")
        members = list(HouseholdMembership.objects.filter(household_id=case.household_id)
                       .select_related("person").order_by("valid_from", "id"))
        visible = [m for m in members if handling_unit_id(m.person_id) in (None, case.unit_id)]
        hidden = persons_with_hidden_address({m.person_id for m in visible})
        for person_id in sorted({m.person_id for m in visible}):
            access_log_write(actor=request.user, action=READ, object_type="person", object_id=person_id,
                             person_id=person_id, household_id=case.household_id, summary="API: hushållsmedlem")
        return Response(CaseDetailSerializer(case, context={"members": visible, "hidden": hidden}).data)


def _applications():
    return Application.objects.prefetch_related(
        "costs", "incomes", "obstacles", "calculations").order_by("-month", "-id")


class CaseApplications(ApiView):
    def get_permissions(self):
        return [WriteScope()] if self.request.method == "POST" else [ReadScope()]

    @extend_schema(operation_id="cases_applications_list", summary="Ärendets ansökningar med kostnader, "
                   "inkomster och beräkningar", parameters=[path_id("case_id")],
                   responses=responses({200: ApplicationSerializer(many=True)}))
    def get(self, request, case_id):
        case = self.case_or_404(case_id, what="ansökningar")
        return Response(ApplicationSerializer(_applications().filter(case=case), many=True).data)

    @extend_schema(operation_id="cases_applications_create", summary="Ny ansökan för en månad (write)",
                   parameters=[path_id("case_id")], request=ApplicationCreateSerializer,
                   responses=responses({201: ApplicationSerializer}))
    def post(self, request, case_id):
        case = self.case_or_404(case_id, what="ny ansökan")
        form = ApplicationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        year, month = (int(p) for p in data["month"].split("-"))
        if not 1990 <= year <= 2100:
            raise ApiError("month: året ska vara 1990–2100.", code="invalid")
        applicant = Person.objects.filter(pk=data["applicant_id"], memberships__household_id=case.household_id,
                                          memberships__role=HouseholdMembership.Role.ADULT).distinct().first()
        if applicant is None or handling_unit_id(applicant.pk) not in (None, case.unit_id):
            raise ApiError("applicant_id: den sökande ska vara vuxen i ärendets hushåll.", code="invalid")
        obstacles = {}
        for key, category in data["obstacles"].items():
            if not key.isascii() or not key.isdigit() or len(key) > 18:
                raise ApiError("obstacles: nycklarna ska vara person-id.", code="invalid")
            obstacles[int(key)] = category
        entries = {kind: [case_services.Entry(type=e["type"], amount=e["amount"], person_id=e["person_id"],
                                              note=e["note"]) for e in data[kind]] for kind in ("costs", "incomes")}
        with transaction.atomic():  # nothing half-written: the application and its rows, or nothing
            application = case_services.application_create(
                acting_user=request.user, case=case, month=date(year, month, 1), applicant=applicant,
                joint=data["joint"], channel=data["channel"], received_on=data["received_on"])
            if entries["costs"] or entries["incomes"] or obstacles:
                case_services.application_entries_save(acting_user=request.user, application=application,
                                                       costs=entries["costs"], incomes=entries["incomes"],
                                                       obstacles=obstacles)
        application = _applications().get(pk=application.pk)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetail(ApiView):
    @extend_schema(operation_id="applications_retrieve", summary="En ansökan med kostnader, inkomster, "
                   "försörjningshinder och beräkningar", parameters=[path_id("application_id")],
                   responses=responses({200: ApplicationSerializer}))
    def get(self, request, application_id):
        application = _applications().filter(pk=_object_id(application_id),
                                             case__unit_id__in=self.unit_ids()).first()
        if application is None:
            raise ApiError("Finns inte.", code="not_found", status_code=404)
        self.case_or_404(application.case_id, what=f"ansökan {application.pk}")
        return Response(ApplicationSerializer(application).data)


def _decisions():
    return (Decision.objects.select_related("application")
            .prefetch_related("lines", "shares").order_by("-prepared_at", "-id"))


class CaseDecisions(ApiView):
    @extend_schema(operation_id="cases_decisions_list", summary="Ärendets beslut med rader och andelar",
                   parameters=[path_id("case_id")], responses=responses({200: DecisionSerializer(many=True)}))
    def get(self, request, case_id):
        case = self.case_or_404(case_id, what="beslut")
        return Response(DecisionSerializer(_decisions().filter(application__case=case), many=True).data)


class DecisionDetail(ApiView):
    @extend_schema(operation_id="decisions_retrieve", summary="Ett beslut med rader och andelar",
                   parameters=[path_id("decision_id")], responses=responses({200: DecisionSerializer}))
    def get(self, request, decision_id):
        decision = _decisions().filter(pk=_object_id(decision_id),
                                       application__case__unit_id__in=self.unit_ids()).first()
        if decision is None:
            raise ApiError("Finns inte.", code="not_found", status_code=404)
        self.case_or_404(decision.application.case_id, what=f"beslut {decision.pk}")
        return Response(DecisionSerializer(decision).data)


class CalculationDetail(ApiView):
    @extend_schema(operation_id="calculations_retrieve", summary="En beräkning (ögonblicksbild)",
                   parameters=[path_id("calculation_id")],
                   responses=responses({200: CalculationSerializer}))
    def get(self, request, calculation_id):
        calculation = (CaseCalculation.objects.select_related("application")
                       .filter(pk=_object_id(calculation_id),
                               application__case__unit_id__in=self.unit_ids()).first())
        if calculation is None:
            raise ApiError("Finns inte.", code="not_found", status_code=404)
        self.case_or_404(calculation.application.case_id, what=f"beräkning {calculation.pk}")
        return Response(CalculationSerializer(calculation).data)


class CasePaymentOrders(ApiView):
    @extend_schema(operation_id="cases_payment_orders_list", summary="Ärendets betalningsordrar",
                   parameters=[path_id("case_id")], responses=responses({200: PaymentOrderSerializer(many=True)}))
    def get(self, request, case_id):
        case = self.case_or_404(case_id, what="betalningsordrar")
        orders = (PaymentOrder.objects.select_related("run").filter(decision__application__case=case)
                  .order_by("id"))
        return Response(PaymentOrderSerializer(orders, many=True).data)


class PaymentOrderDetail(ApiView):
    @extend_schema(operation_id="payment_orders_retrieve", summary="En betalningsorder",
                   parameters=[path_id("order_id")], responses=responses({200: PaymentOrderSerializer}))
    def get(self, request, order_id):
        order = (PaymentOrder.objects.select_related("run", "decision__application")
                 .filter(pk=_object_id(order_id), decision__application__case__unit_id__in=self.unit_ids()).first())
        if order is None:
            raise ApiError("Finns inte.", code="not_found", status_code=404)
        self.case_or_404(order.decision.application.case_id, what=f"betalningsorder {order.pk}")
        return Response(PaymentOrderSerializer(order).data)


def _feed_position(request) -> tuple[tuple[int, int], int]:
    try:
        position = feed.parse_cursor(request.query_params.get("after"))
    except feed.CursorError as exc:
        raise ApiError(str(exc), code="invalid_cursor") from None
    return position, _bounded(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)


def _feed_page(events, more, position, serializer):
    next_cursor = events[-1].cursor if events else f"{position[0]}.{position[1]}"
    return Response({"results": serializer(events, many=True).data, "next": next_cursor, "has_more": more})


FEED_PARAMETERS = [OpenApiParameter("after", str, description="Markören (next från förra svaret)"),
                   OpenApiParameter("limit", int, description=f"1–{MAX_LIMIT}, {DEFAULT_LIMIT} om inget anges")]


class Events(ApiView):
    @extend_schema(operation_id="events_list", summary="Besluts- och betalningshändelser efter en markör",
                   description="Följ flödet: börja med after=0 (eller utan after), fortsätt med next. "
                               "Ingen händelse hoppas över och ordningen är densamma för alla (docs/api.md).",
                   parameters=FEED_PARAMETERS, responses=responses({200: EventPageSerializer}))
    def get(self, request):
        position, limit = _feed_position(request)
        events, more = feed.events_after(position, unit_ids=self.unit_ids(), limit=limit)
        for case_id in sorted({e.case_id for e in events}):
            access_log_write(actor=request.user, action=READ, object_type="case", object_id=case_id,
                             summary="API: händelser")
        return _feed_page(events, more, position, EventSerializer)


class GrantEvents(ApiView):
    permission_classes = [GrantEventsScope]

    @extend_schema(operation_id="grant_events_list", summary="Bidragens beslut och betalningar efter en markör",
                   description="Alla bidragsbeslut (även avslag, belopp 0) och bidragsbetalningar (skickad, "
                               "utbetald, returnerad, avvisad), för ett system med behörigheten att följa "
                               "bidragen. Samma markörer som /api/v1/events/, men ett eget flöde (docs/api.md).",
                   parameters=FEED_PARAMETERS, responses=responses({200: GrantEventPageSerializer}))
    def get(self, request):
        position, limit = _feed_position(request)
        events, more = feed.grant_events_after(position, limit=limit)
        return _feed_page(events, more, position, GrantEventSerializer)


def _cell(value, kind):
    if value is None:
        return None
    if value is SUPPRESSED:
        return ".."
    if isinstance(value, int):
        return str(value)
    return f"{float(value):.4f}"


class KeyFigures(ApiView):
    @extend_schema(operation_id="key_figures_retrieve", summary="Nyckeltal (bara aggregat, skyddade små tal)",
                   parameters=[OpenApiParameter("period", str, required=True,
                                                description="ÅÅÅÅ, ÅÅÅÅ-MM, ÅÅÅÅ-T1…T3, ÅÅÅÅ-Q1…Q4"),
                               OpenApiParameter("unit", str, description="Enhetens kod. Utan unit: hela kommunen, "
                                                "bara för ett system som ser alla kommunens enheter")],
                   responses=responses({200: KeyFiguresSerializer}))
    def get(self, request):
        text = request.query_params.get("period", "")
        try:
            period = parse_period(text)
        except PeriodError as exc:
            raise ApiError(f"period: {exc}", code="invalid_period") from None
        if not 1990 <= period.start.year <= 2100 or not 1990 <= period.end.year <= 2100:
            raise ApiError("period: året ska vara 1990–2100.", code="invalid_period")
        if (period.end - period.start).days > 366:
            raise ApiError("period: högst ett år åt gången.", code="invalid_period")
        code = request.query_params.get("unit")
        units = list(self.client.units.all())
        if code:
            unit = next((u for u in units if u.code == code), None)
            if unit is None:
                raise ApiError("Finns inte.", code="not_found", status_code=404)
        else:
            from lika.accounts.models import Unit

            if not units or Unit.objects.exclude(pk__in=[u.pk for u in units]).exists():
                raise ApiError("unit: ange enheten (systemet ser inte alla kommunens enheter).",
                               code="unit_required", status_code=403)
            unit = None
        try:
            report = build_report(period=period, unit=unit)
        except (PeriodError, ValidationError) as exc:
            raise ApiError(f"period: {exc}", code="invalid_period") from None
        access_log_write(actor=request.user, action=READ, object_type="statistics",
                         summary=f"API: nyckeltal {period.code} {unit.code if unit else 'hela kommunen'}")
        figures = [{"key": f.key, "title": str(f.title), "definition": str(f.definition),
                    "tables": [{"caption": str(t.caption),
                                "rows": [{"label": str(r.label), "kind": r.kind, "kpi": r.kpi,
                                          "women": _cell(r.cells[0], r.kind), "men": _cell(r.cells[1], r.kind),
                                          "total": _cell(r.cells[2], r.kind)} for r in t.rows]}
                               for t in f.tables]} for f in report.figures]
        return Response({"period": period.code, "unit": unit.code if unit else None, "threshold": report.threshold,
                         "figures": figures})


class AttendanceUpload(ApiView):
    permission_classes = [WriteScope]
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(operation_id="grants_attendance_create", summary="Närvarofil för aktivitetsbidrag (write)",
                   description="Samma kontroller som lika grants-attendance-import: hela filen kontrolleras först; "
                               "vid fel sparas ingenting och svaret listar felen rad för rad.",
                   request={"multipart/form-data": AttendanceUploadSerializer},
                   responses={201: AttendanceResultSerializer, 200: AttendanceResultSerializer,
                              **ERRORS,
                              400: OpenApiResponse(AttendanceErrorSerializer, description="Filen har fel")})
    def post(self, request):
        form = AttendanceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            result = import_attendance(client=self.client, upload=data["file"], programme_name=data["programme"],
                                       dry_run=data["dry_run"])
        except Refused as refused:
            status_code = 403 if refused.code in ("no_association", "forbidden") else 400
            return Response({"code": refused.code, "detail": refused.detail,
                             "errors": [f"rad {line}: {message}" for line, message in refused.lines],
                             "lines": [{"line": line, "message": message} for line, message in refused.lines]},
                            status=status_code)
        return Response(result, status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_201_CREATED)

