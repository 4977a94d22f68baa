"""The monthly re-application on the staff side (issue 17, item 4): a new month starts
from the household's previous application.

``previous_application`` is the latest application of the case before (or in) the
month, withdrawn ones skipped; ``previous_entries`` its costs, incomes and
försörjningshinder for the persons who are still in the household in the new month (a
person who has moved out is left out, as in the e-service's "copy last month",
lika.eservice.applying.last_application_entries).  ``application_create_from_previous``
registers the application and saves the copied rows in one transaction, through the
ordinary services (their checks and access-log rows).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from .models import Application, Case
from .people import ADULT, memberships_in_month
from .services import Entry, application_create, application_entries_save


@dataclass
class Copied:
    source: Application | None = None
    costs: list = field(default_factory=list)
    incomes: list = field(default_factory=list)
    obstacles: dict = field(default_factory=dict)


def previous_application(case: Case, month: date, *, exclude_id: int | None = None) -> Application | None:
    applications = case.applications.exclude(status=Application.Status.WITHDRAWN).filter(month__lte=month)
    if exclude_id is not None:
        applications = applications.exclude(pk=exclude_id)
    return applications.order_by("-month", "-id").first()


def previous_entries(case: Case, month: date, *, exclude_id: int | None = None) -> Copied:
    """What the new month's application is filled in with (empty when there is nothing)."""
    source = previous_application(case, month, exclude_id=exclude_id)
    if source is None:
        return Copied()
    members = memberships_in_month(case.household_id, month)
    present = {m.person_id for m in members}
    adults = {m.person_id for m in members if m.role == ADULT}

    def keep(rows):
        return [Entry(type=r.type, amount=r.amount, person_id=r.person_id, note=r.note) for r in rows
                if r.person_id is None or r.person_id in present]

    return Copied(source=source, costs=keep(source.costs.all()), incomes=keep(source.incomes.all()),
                  obstacles={o.person_id: o.category for o in source.obstacles.all() if o.person_id in adults})


@transaction.atomic
def application_create_from_previous(*, acting_user, case: Case, copy: bool, **create) -> tuple[Application, Copied]:
    """``application_create`` and, when ``copy``, the previous application's rows saved on it."""
    application = application_create(acting_user=acting_user, case=case, **create)
    copied = Copied()
    if copy:
        copied = previous_entries(case, application.month, exclude_id=application.pk)
        if copied.source is not None:
            application_entries_save(acting_user=acting_user, application=application, costs=copied.costs,
                                     incomes=copied.incomes, obstacles=copied.obstacles)
    return application, copied
