"""Grant decisions in the monthly payment run (issue 15, docs/payments.md "Grant orders").

A granted or partly granted decision (``lika.grants.models.GrantDecision``) becomes one
credit transfer to the association's bankgiro, plusgiro or bank account
(``lika.grants.payee``), in whichever run is prepared next, and is written in the same
pain.001 file as the income-support orders.  An association without a valid account is
held back in the run with the reason, and picked up again by the next run.

Exactly once: the partial unique constraint "one live order per grant decision" decides
between two runs prepared at the same moment (the second one's batch fails on the
constraint, is read again without the decision, and goes on)."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from lika.audit.services import CREATE, access_log_write
from lika.grants.models import GrantDecision
from lika.grants.payee import association_payee

from .models import FAILED, GrantPaymentHold, GrantPaymentOrder, PaymentHold

BATCH = 2000


def grant_decisions_to_pay(run):
    """Decisions granting money that have no live order and are not held back by ``run``."""
    live = GrantPaymentOrder.objects.filter(decision=OuterRef("pk")).exclude(status__in=FAILED)
    held = GrantPaymentHold.objects.filter(run=run, decision=OuterRef("pk"))
    return GrantDecision.objects.filter(amount__gt=0).exclude(Exists(live)).exclude(Exists(held)).order_by("pk")


def _is_duplicate(exc: IntegrityError) -> bool:
    code = getattr(exc.__cause__, "sqlstate", None)
    return code == "23505" or (code is None and "UNIQUE constraint failed" in str(exc))


def prepare_grant_orders(run, acting_user) -> int:
    """Orders (or holds) for every grant decision still to pay, in batches of one
    transaction each; returns how many were made."""
    made = 0
    after = 0
    while True:
        try:
            with transaction.atomic():
                decisions = list(grant_decisions_to_pay(run).filter(pk__gt=after)
                                 .select_related("application__association", "application__programme")[:BATCH])
                if not decisions:
                    return made
                orders, holds = _orders_and_holds(run, decisions)
                GrantPaymentOrder.objects.bulk_create(orders)
                GrantPaymentHold.objects.bulk_create(holds)
                access_log_write(actor=acting_user, action=CREATE, object_type="payment_run", object_id=run.pk,
                                 summary=f"Körning {run.month:%Y-%m}: {len(orders)} bidragsbetalningar, "
                                         f"{len(holds)} stoppade",
                                 new={"grant_orders": [o.decision_id for o in orders],
                                      "grant_holds": [h.decision_id for h in holds]})
        except IntegrityError as exc:
            # another run paid some of these decisions at the same moment: read the batch again
            if _is_duplicate(exc):
                continue
            raise
        made += len(orders) + len(holds)
        after = decisions[-1].pk


def _orders_and_holds(run, decisions):
    now = timezone.now()
    orders, holds = [], []
    for decision in decisions:
        application = decision.application
        association = application.association
        account, problem = association_payee(association)
        if problem is not None:
            holds.append(GrantPaymentHold(run=run, decision=decision, reason=PaymentHold.Reason(problem[0]),
                                          detail=problem[1][:200], amount=decision.amount))
            continue
        attempt = GrantPaymentOrder.objects.filter(decision=decision).count() + 1
        orders.append(GrantPaymentOrder(
            run=run, decision=decision, association=association, payee_name=association.name[:200],
            clearing=account.get("clearing", ""), account=account.get("account", ""),
            bankgiro=account.get("bankgiro", ""), amount=decision.amount,
            remittance=f"{application.programme.name} {application.year}, ansökan B-{application.year}-"
                       f"{application.pk}"[:140],
            end_to_end_id=f"LIKA-G{decision.pk}-{attempt}", created_at=now))
    return orders, holds


def grant_totals(run) -> tuple[int, int]:
    """(count, total öre) of the run's live grant orders."""
    live = run.grant_orders.exclude(status__in=FAILED)
    return live.count(), live.aggregate(total=Sum("amount"))["total"] or 0


def grant_reconciliation(run) -> list[dict]:
    """Per grant decision in the run: the decided amount against what is paid (its live
    orders, in any run) plus what this run holds back. Only those that do not add up."""
    ids = set(run.grant_orders.values_list("decision_id", flat=True)) | set(
        run.grant_holds.values_list("decision_id", flat=True))
    if not ids:
        return []
    paid = dict(GrantPaymentOrder.objects.filter(decision_id__in=ids).exclude(status__in=FAILED)
                .values("decision_id").annotate(total=Sum("amount")).values_list("decision_id", "total"))
    held = dict(run.grant_holds.values("decision_id").annotate(total=Sum("amount")).values_list("decision_id", "total"))
    out = []
    for pk, amount in GrantDecision.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "amount"):
        if amount != paid.get(pk, 0) + held.get(pk, 0):
            out.append({"pk": f"bidrag {pk}", "granted_amount": amount, "paid": paid.get(pk, 0),
                        "held": held.get(pk, 0), "settled": 0})
    return out
