"""Reads of payments for the case pages: a person's payment history and the problems
a case worker must act on."""

from django.db.models import Count

from .models import FAILED, PaymentHold, PaymentOrder


def payment_history(person, limit=36):
    """The person's payments, newest first (also failed ones, with the reason)."""
    return (PaymentOrder.objects.filter(person=person).select_related("run")
            .order_by("-run__month", "-id")[:limit])


def payment_holds(case_ids) -> list:
    """Holds still unpaid for the cases ``case_ids``, the newest run's hold for a share: the
    cases' holds, then (when there are any) which of their shares a later run has paid after
    all.  Issue 18: the cases' few holds first, not an anti-join with every payment order."""
    holds = list(PaymentHold.objects.filter(decision__application__case_id__in=list(case_ids))
                 .select_related("run", "decision__application__case", "share__person").order_by("run__month", "id"))
    if holds:
        paid = set(PaymentOrder.objects.filter(share_id__in={h.share_id for h in holds if h.share_id})
                   .exclude(status__in=FAILED).values_list("share_id", flat=True))
        holds = [hold for hold in holds if hold.share_id not in paid]
    seen, unique_holds = set(), []
    for hold in reversed(holds):  # the newest run's hold for a share
        if hold.share_id not in seen:
            seen.add(hold.share_id)
            unique_holds.append(hold)
    return unique_holds[::-1]


def payment_problems(case_ids) -> tuple[list, list]:
    """Holds still unpaid and failed payments not yet re-issued, for the cases
    ``case_ids``: two queries."""
    case_ids = list(case_ids)
    failed = list(PaymentOrder.objects.filter(decision__application__case_id__in=case_ids, status__in=FAILED,
                                              reissued_as__isnull=True)
                  .select_related("run", "decision__application__case").order_by("status_at", "id"))
    return payment_holds(case_ids), failed


def shared_account_households(run) -> dict:
    """Issue 14, for the run's page: how many households (decisions) of the run had both
    adults' halves going into one account — ``held``: held back for it (no exception),
    ``exception``: paid so under an approved exception "gemensamt konto".  Two counts,
    split by nothing else (no gender, no unit): small numbers about few households."""
    held = (PaymentHold.objects.filter(run=run, reason=PaymentHold.Reason.SHARED_ACCOUNT)
            .values("decision_id").distinct().count())
    pairs = (run.orders.filter(person__isnull=False).exclude(account_key="").exclude(status__in=FAILED)
             .values("decision_id", "account_key").annotate(adults=Count("person_id", distinct=True))
             .filter(adults__gt=1).values_list("decision_id", flat=True))
    return {"held": held, "exception": len(set(pairs))}
