"""The comparison beside the application's incomes: per adult, the latest answers of each
source next to what the application declares (compare.py), and the earlier fetches."""

from dataclasses import dataclass, field

from django.conf import settings

from lika.core.household import INCOME_TYPES

from .compare import STATUS_LABELS, Collected, compare
from .models import CollectedBenefit, CollectionOutcome, CollectionRequest
from .sources import KINDS, SOURCES


@dataclass
class PersonComparison:
    person: object
    rows: list = field(default_factory=list)
    failures: list = field(default_factory=list)  # (source label, Swedish message)
    request: object = None

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flagged) + len(self.failures)


def _label_rows(rows, benefits):
    for row in rows:
        row.label = INCOME_TYPES.get(row.income_type, row.income_type)
        row.status_label = STATUS_LABELS[row.status]
        row.benefits = [benefits[item.ref] for item in row.items]
    return rows


def collection_context(application, adults) -> dict:
    """What the application page shows: the latest fetch per adult compared with the saved
    incomes, the earlier fetches, and whether any source is connected."""
    requests = list(CollectionRequest.objects.filter(application=application)
                    .select_related("requested_by").order_by("-requested_at", "-id"))
    latest = requests[0] if requests else None
    comparisons = []
    if latest is not None:
        outcomes = list(CollectionOutcome.objects.filter(request=latest))
        benefits = {b.pk: b for b in CollectedBenefit.objects.filter(request=latest).select_related("review",
                                                                                                      "request")}
        incomes = list(application.incomes.all())
        for person in adults:
            mine = [o for o in outcomes if o.person_id == person.pk]
            if not mine:
                continue
            answered = {o.source for o in mine if o.status == CollectionOutcome.Status.ANSWERED}
            failed = {o.source for o in mine if o.status not in (CollectionOutcome.Status.ANSWERED,
                                                                  CollectionOutcome.Status.NOT_ASKED)}
            declared = [(i.type, i.amount) for i in incomes if i.person_id == person.pk]
            collected = [Collected(b.pk, b.source, b.kind, b.amount) for b in benefits.values()
                         if b.person_id == person.pk]
            rows = _label_rows(compare(declared, collected, answered, failed), benefits)
            failures = [(SOURCES[o.source], o.message) for o in mine
                        if o.status != CollectionOutcome.Status.ANSWERED]
            comparisons.append(PersonComparison(person, rows, failures, latest))
    return {"collection_requests": requests, "collection_latest": latest, "collection_comparisons": comparisons,
            "collection_connected": bool(settings.LIKA_BENEFIT_SOURCES), "collection_kinds": KINDS}
