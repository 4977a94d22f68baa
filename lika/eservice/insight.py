"""The same insight for each adult: reads for the e-service's insight pages.

Every function takes the logged-in adult (``person``) and her household's case from
``resident_case``; nothing takes an id from the address without checking it against her.
What is shown of the other adult: her share of the payments by amount only (never her
account, her payment method or the status of her payments), and the meetings both took
part in.  Never shown: the other adult's plan, her individual meetings, any meeting notes
or the question about violence, and the other adult's appeals."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.cases.models import Application, Decision, DecisionRecipient
from lika.core.money import to_ore
from lika.households.models import HouseholdMembership
from lika.payments.models import FAILED, PaymentOrder
from lika.plans.models import Meeting, Plan, PlanActivity

from .insight_labels import (
    ACTIVITY_KINDS,
    ACTIVITY_STATUSES,
    APPLICATION_STATUS,
    MEETING_KINDS,
    OUTCOMES,
    PAYMENT_STATUS,
    line_label,
)

# -- applications ---------------------------------------------------------------------


def _month_end(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _adult_months(person, case):
    """Her adult memberships of the case's household: (from, to) pairs."""
    return list(HouseholdMembership.objects.filter(person=person, household_id=case.household_id,
                                                   role=HouseholdMembership.Role.ADULT)
                .values_list("valid_from", "valid_to"))


def _hers(month: date, spans) -> bool:
    return any(start < _month_end(month) and (end is None or end >= month) for start, end in spans)


def applications(person, case) -> list[Application]:
    """The household's applications for the months she was an adult in it, newest first,
    each with ``plain`` (status in plain words) and ``decision`` (the one in force)."""
    if case is None:
        return []
    spans = _adult_months(person, case)
    rows = [a for a in case.applications.order_by("-month", "-id") if _hers(a.month, spans)]
    in_force = {d.application_id: d for d in Decision.objects.filter(
        application__in=rows, status=Decision.Status.ISSUED, superseded_at__isnull=True,
        recipients__person=person)}
    for application in rows:
        application.plain = plain_status(application)
        application.decision = in_force.get(application.pk)
    return rows


def application(person, case, application_id) -> Application | None:
    for row in applications(person, case):
        if row.pk == application_id:
            return row
    return None


def plain_status(application: Application) -> dict:
    """received, being handled, decided, withdrawn: the key and the words."""
    key = {Application.Status.RECEIVED: "received", Application.Status.CALCULATED: "handling",
           Application.Status.CHANGING: "handling", Application.Status.DECIDED: "decided",
           Application.Status.WITHDRAWN: "withdrawn"}.get(application.status, "handling")
    return {"key": key, "label": APPLICATION_STATUS[key]}


# -- decisions ------------------------------------------------------------------------


def decisions_for(person, case) -> list[Decision]:
    """The issued decisions she received on the case, newest first."""
    if case is None:
        return []
    return list(Decision.objects.filter(application__case=case, status=Decision.Status.ISSUED,
                                        recipients__person=person)
                .select_related("application").order_by("-decided_at", "-id"))


def decision_for(person, case, decision_id) -> Decision | None:
    """One issued decision of her household's case that was sent to her (None otherwise)."""
    if case is None:
        return None
    return (Decision.objects.filter(pk=decision_id, application__case=case, status=Decision.Status.ISSUED,
                                    recipients__person=person)
            .select_related("application__case", "calculation", "decided_by").first())


def recipient_for(person, decision) -> DecisionRecipient:
    return DecisionRecipient.objects.get(decision=decision, person=person)


def _ore(value) -> int:
    return to_ore(Decimal(str(value)))


@dataclass
class Calculation:
    rows: list = field(default_factory=list)
    norm_total: int = 0
    costs: int = 0
    need: int = 0
    counted_income: int = 0
    support: int = 0
    norm_year: int = 0


def calculation_rows(calculation, names: dict[int, str]) -> Calculation:
    """The calculation line by line (norm items, costs, incomes) and its result, amounts
    in öre, labels in the e-service's own words.  ``names``: person id → first name."""
    result = calculation.result
    members = calculation.members or []
    out = Calculation(norm_total=_ore(result["norm_total"]), costs=_ore(result.get("reasonable_costs", 0)),
                      need=_ore(result["need"]), counted_income=_ore(result["counted_income"]),
                      support=_ore(result["support"]), norm_year=result.get("norm_year", 0))
    for line in result["lines"]:
        whose = ""
        if line["kind"] in ("income", "disregard") and line.get("members"):
            whose = ", ".join(names.get(members[i], "") for i in line["members"] if i < len(members))
        out.rows.append({
            "kind": line["kind"], "label": line_label(line), "whose": whose,
            "amount": _ore(line["amount"]),
            "applied": _ore(line["applied"]) if "applied" in line else None,
            "basis": line.get("basis", ""),
        })
    return out


def decision_lines(decision) -> list[dict]:
    return [{"label": line_label({"rule": line.rule, "label": line.label}), "applied": line.applied_amount,
             "granted": line.granted_amount, "outcome": line.outcome, "outcome_label": OUTCOMES[line.outcome],
             "reason": line.reason, "legal_basis": line.legal_basis}
            for line in decision.lines.order_by("position")]


def shares(decision, person) -> dict:
    """How the granted amount is paid: to her, to the other adult (amount only), directly."""
    mine = other = direct = 0
    for share in decision.shares.all():
        if share.person_id == person.pk:
            mine += share.amount
        elif share.person_id is not None:
            other += share.amount
        else:
            direct += share.amount
    return {"mine": mine, "other": other, "direct": direct}


# -- payments -------------------------------------------------------------------------


def _masked(order: PaymentOrder) -> str:
    if order.method == "avi":
        return str(_("utbetalningsavi med posten"))
    number = "".join((order.iban or order.account or order.bankgiro or "").split())
    return f"****{number[-4:]}" if number else ""


def my_payments(person, limit=36) -> list[dict]:
    """Payments to her: amount, pay day, status in plain words, her own account masked."""
    orders = (PaymentOrder.objects.filter(person=person).select_related("run", "decision__application")
              .order_by("-run__month", "-id")[:limit])
    return [{"month": o.run.month, "payday": o.run.payday, "amount": o.amount,
             "status": o.status, "status_label": PAYMENT_STATUS.get(o.status, ""),
             "failed": o.status in FAILED, "to": _masked(o)} for o in orders]


def household_payments(person, case, limit=24) -> list[dict]:
    """Per month: what the household was paid on the decisions she received — the total,
    hers, the other adult's (amount only) and any paid directly to a payee."""
    if case is None:
        return []
    orders = (PaymentOrder.objects.filter(decision__application__case=case, decision__recipients__person=person)
              .exclude(status__in=FAILED).select_related("run").values("run__month", "person_id", "amount"))
    months: dict[date, dict] = {}
    for row in orders:
        month = months.setdefault(row["run__month"], {"month": row["run__month"], "total": 0, "mine": 0,
                                                      "other": 0, "direct": 0})
        month["total"] += row["amount"]
        if row["person_id"] == person.pk:
            month["mine"] += row["amount"]
        elif row["person_id"] is not None:
            month["other"] += row["amount"]
        else:
            month["direct"] += row["amount"]
    return sorted(months.values(), key=lambda m: m["month"], reverse=True)[:limit]


# -- plan and meetings ----------------------------------------------------------------


def my_plans(person, case) -> list[dict]:
    """Her own plan(s) on the case, the one in progress first: goals and activities."""
    if case is None:
        return []
    plans = (Plan.objects.filter(case=case, person=person).prefetch_related("goals", "activities")
             .order_by("status", "-created_at"))
    return [{"active": p.status == Plan.Status.ACTIVE, "follow_up_on": p.follow_up_on,
             "goals": [{"text": g.text, "target_on": g.target_on, "achieved": g.achieved} for g in p.goals.all()],
             "activities": [{"kind": ACTIVITY_KINDS.get(a.kind, a.kind), "description": a.description,
                             "responsible": a.responsible, "starts_on": a.starts_on,
                             "follow_up_on": a.follow_up_on, "status": ACTIVITY_STATUSES.get(a.status, ""),
                             "cancelled": a.status == PlanActivity.Status.CANCELLED}
                            for a in p.activities.all()]}
            for p in plans]


def my_meetings(person, case) -> list[dict]:
    """The meetings she took part in (joint ones and her own individual ones): date and
    kind only, never notes or the question about violence."""
    if case is None:
        return []
    rows = (Meeting.objects.filter(case=case, participants=person)
            .filter(Q(kind=Meeting.Kind.JOINT) | Q(kind=Meeting.Kind.INDIVIDUAL))
            .order_by("-held_on", "-id").values("pk", "held_on", "kind"))
    today = timezone.localdate()
    return [{"held_on": m["held_on"], "kind": m["kind"], "kind_label": MEETING_KINDS.get(m["kind"], ""),
             "past": m["held_on"] <= today} for m in rows]
