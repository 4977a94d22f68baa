"""The case list (issue 17): search, filters, sorting and pages.

The free-text search can hold a personnummer, so it is posted and kept in the session
behind a token (``lika.web.search``); the filters, the sorting and the page are plain GET
parameters (``status``, ``handlaggare``, ``att_gora``, ``sortering``, ``sida``) that the
sort headers and the page links carry along with the token.  Unknown values are the
defaults, never an error.

A page runs a fixed number of queries whatever its size: the count, the page's cases
with their flags (annotations), the adults of the page's cases, the plans check and the
unit's case workers for the filter.

Search: the case number, a person's name (every word must be in the first or last name
of the same person) or at least six digits of her personnummer — only in the user's
unit's cases, through the members of their households.  A person with skyddad identitet
is found only through a household she is a member of now: the household she has left (it
may be the one she fled) does not come up under her name or number.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from lika.households.models import HouseholdMembership

PER_PAGE = 50

STATUSES = {"open": _("Aktuella"), "closed": _("Avslutade"), "all": _("Alla")}
TODOS = {
    "berakna": _("Ansökan att beräkna"),
    "besluta": _("Beslut att fatta"),
    "skicka": _("Beslut inte skickat till båda"),
    "plan": _("Vuxen utan planering"),
}
# GET value -> the ordering (ascending); "-" in front of the value turns it round
SORTS = {
    "arende": ("reference",),
    "namn": ("sort_last_name", "sort_first_name"),
    "aktualiserat": ("opened_on",),
    "ansokan": ("latest_month",),
    "status": ("status",),
}
DEFAULT_SORT = "-aktualiserat"


def search_condition(query: str, today: date | None = None) -> Q:
    """The cases the free text finds (see the module's docstring)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    query = query.strip()
    condition = Q(reference__icontains=query)
    members = HouseholdMembership.objects.filter(household_id=OuterRef("household_id")).filter(
        Q(person__protected_identity=False) | Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    words = query.split()
    names = Q()
    for word in words[:5]:
        names &= Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
    condition |= Exists(members.filter(names))
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 6:
        condition |= Exists(members.filter(person__identity_number__contains=digits))
    return condition


@dataclass
class Filters:
    status: str = "open"
    worker: str = ""  # "" all, "mine", "none" (unassigned) or a user id
    todo: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_get(cls, get, workers) -> "Filters":
        status = get.get("status", "open")
        worker = get.get("handlaggare", "")
        todo = get.get("att_gora", "")
        sort = get.get("sortering", DEFAULT_SORT)
        return cls(status=status if status in STATUSES else "open",
                   worker=worker if worker in ("", "mine", "none") or worker in {str(w.pk) for w in workers}
                   else "",
                   todo=todo if todo in TODOS else "",
                   sort=sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT)

    def params(self) -> dict:
        """The non-default values, as GET parameters."""
        out = {"status": self.status if self.status != "open" else "", "handlaggare": self.worker,
               "att_gora": self.todo, "sortering": self.sort if self.sort != DEFAULT_SORT else ""}
        return {k: v for k, v in out.items() if v}


def unit_case_workers(user):
    from lika.accounts.models import User

    from .access import CASE_ROLES

    return list(User.objects.filter(unit_id=user.unit_id, role__in=CASE_ROLES, is_active=True)
                .order_by("first_name", "last_name", "id"))


def case_list_page(user, *, query: str, filters: Filters, page_number, today: date):
    """One page of the unit's cases, as the list shows them.

    Two steps (issue 18): the ids of the page, from the filtered cases with only the sort
    key computed (and a plain COUNT for the pages), then the page's fifty rows with their
    people and flags."""
    from lika.plans.selectors import case_lacks_plan

    from .models import Application, Case
    from .selectors import (
        applications_in,
        cases_for_unit,
        has_undelivered,
        latest_month,
        mark_missing_plans,
        with_list_flags,
    )

    cases = cases_for_unit(user, query=query, status=filters.status)
    if filters.worker == "mine":
        cases = cases.filter(case_worker=user)
    elif filters.worker == "none":
        cases = cases.filter(case_worker__isnull=True)
    elif filters.worker:
        cases = cases.filter(case_worker_id=int(filters.worker))
    if filters.todo == "berakna":
        cases = cases.filter(applications_in(Application.Status.RECEIVED))
    elif filters.todo == "besluta":
        cases = cases.filter(applications_in(Application.Status.CALCULATED))
    elif filters.todo == "skicka":
        cases = cases.filter(has_undelivered())
    elif filters.todo == "plan":
        cases = cases.filter(case_lacks_plan(today, settings.LIKA_PLAN_DAYS))
    key = filters.sort.removeprefix("-")
    if key == "namn":
        first_adult = (HouseholdMembership.objects.filter(household_id=OuterRef("household_id"), role="adult",
                                                          valid_to__isnull=True).order_by("id"))
        cases = cases.annotate(
            sort_last_name=Coalesce(F("registerledare__last_name"),
                                    Subquery(first_adult.values("person__last_name")[:1])),
            sort_first_name=Coalesce(F("registerledare__first_name"),
                                     Subquery(first_adult.values("person__first_name")[:1])))
    elif key == "ansokan":
        cases = cases.annotate(latest_month=latest_month())
    descending = filters.sort.startswith("-")
    order = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in SORTS[key]]
    cases = cases.order_by(*order, "-id" if descending else "id")
    page = Paginator(cases.values_list("pk", flat=True), PER_PAGE).get_page(page_number)
    ids = list(page.object_list)
    rows = {case.pk: case for case in with_list_flags(Case.objects.filter(pk__in=ids))}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    mark_missing_plans(page.object_list, today)
    return page


def sort_links(filters: Filters) -> dict:
    """For each sortable column: the sort value its header link sets and its aria-sort."""
    out = {}
    current = filters.sort.removeprefix("-")
    descending = filters.sort.startswith("-")
    for key in SORTS:
        if key == current:
            out[key] = {"value": key if descending else f"-{key}",
                        "aria": "descending" if descending else "ascending"}
        else:
            out[key] = {"value": key, "aria": ""}
    return out


def describe(query: str, filters: Filters, page) -> str:
    """For the access log: what the list showed."""
    parts = [f"{page.paginator.count} ärenden, sida {page.number}"]
    if query:
        parts.append(f"sökning: {query}")
    params = filters.params()
    if params:
        parts.append(", ".join(f"{k}={v}" for k, v in sorted(params.items())))
    return "Ärendelistan (" + "; ".join(parts) + ")"
