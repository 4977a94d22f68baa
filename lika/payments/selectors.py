"""Reads of payments for the case pages: a person's payment history and the problems
a case worker must act on."""

from django.db.models import Exists, OuterRef, Q

from .models import FAILED, PaymentHold, PaymentOrder


def payment_history(person, limit=36):
    """The person's payments, newest first (also failed ones, with the reason)."""
    return (PaymentOrder.objects.filter(person=person).select_related("run")
            .order_by("-run__month", "-id")[:limit])


def payment_problems(case_ids) -> tuple[list, list]:
    """Holds still unpaid and failed payments not yet re-issued, for the cases
    ``case_ids``: two queries."""
    on_cases = Q(decision__application__case_id__in=list(case_ids))
    live = PaymentOrder.objects.filter(share=OuterRef("share")).exclude(status__in=FAILED)
    holds = list(PaymentHold.objects.filter(on_cases).exclude(Exists(live))
                 .select_related("run", "decision__application__case", "share__person").order_by("run__month", "id"))
    seen, unique_holds = set(), []
    for hold in reversed(holds):  # the newest run's hold for a share
        if hold.share_id not in seen:
            seen.add(hold.share_id)
            unique_holds.append(hold)
    failed = list(PaymentOrder.objects.filter(on_cases, status__in=FAILED, reissued_as__isnull=True)
                  .select_related("run", "decision__application__case").order_by("status_at", "id"))
    return unique_holds[::-1], failed

