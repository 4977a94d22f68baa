"""Skälig boendekostnad in case work: the municipality's guideline in force for the
application's month gives the housing cost its cap, and a case worker may document a
deviation from it (docs/casework.md, "Skälig boendekostnad").

The calculation core receives the guideline's amount for the household and the text that
names it (``lika.core.housing``); it never looks the guideline up itself."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.core.household import ADULT, CHILD
from lika.housing.selectors import guideline_for

from .models import Application, HousingDeviation
from .services import _editable, locked_application

HOUSING = "housing"


def deviation_in_force(application: Application) -> HousingDeviation | None:
    return application.housing_deviations.filter(ended_at__isnull=True).select_related("recorded_by").first()


def housing_terms(application: Application, members) -> dict:
    """What the calculation input's housing cost gets: ``cap`` and ``guideline`` from the
    guideline in force in the application's month for the household's type (adults and
    children by role in the month), and the documented ``deviation`` if there is one.
    Empty when no guideline is in force (the cost is then taken as applied for)."""
    found = guideline_for(application.month, sum(1 for m in members if m.role == ADULT),
                          sum(1 for m in members if m.role == CHILD))
    if found is None:
        return {}
    terms = {"cap": found.amount, "guideline": found.text}
    deviation = deviation_in_force(application)
    if deviation is not None:
        text = f"{deviation.get_reason_display()}. {deviation.reason_text}".strip()
        terms["deviation"] = {"reason": text[:500]}
        if deviation.accepted_amount is not None:
            terms["deviation"]["accepted"] = deviation.accepted_amount
    return terms


@transaction.atomic
def housing_deviation_record(*, acting_user, application: Application, reason: str, reason_text: str,
                             accepted_amount: int | None = None) -> HousingDeviation:
    """Document a deviation from the guideline: the housing cost is accepted above it, in
    full or up to ``accepted_amount`` öre, for ``reason``.  A deviation in force before is
    ended.  The application must then be calculated again."""
    application = locked_application(application.pk)
    _editable(application)
    if reason not in HousingDeviation.Reason.values:
        raise ValidationError({"reason": "Välj skälet till avsteget."})
    reason_text = reason_text.strip()
    if not reason_text:
        raise ValidationError({"reason_text": "Beskriv skälen till att en högre boendekostnad godtas."})
    if accepted_amount is not None and accepted_amount <= 0:
        raise ValidationError({"accepted_amount": "Den godtagna kostnaden ska vara större än noll."})
    now = timezone.now()
    old = _end(application, acting_user, now)
    deviation = HousingDeviation.objects.create(
        application=application, reason=reason, reason_text=reason_text[:2000], accepted_amount=accepted_amount,
        recorded_by=acting_user, recorded_at=now)
    access_log_write(actor=acting_user, action=CREATE, object_type="housing_deviation", object_id=deviation.pk,
                     household_id=application.case.household_id,
                     summary=f"Avsteg från riktlinjen för boendekostnad {application.month:%Y-%m} dokumenterat",
                     old={"ended": old} if old else None,
                     new={"reason": reason, "reason_text": reason_text, "accepted_amount": accepted_amount})
    return deviation


@transaction.atomic
def housing_deviation_end(*, acting_user, application: Application) -> None:
    """Withdraw the deviation in force: the guideline applies again at the next calculation."""
    application = locked_application(application.pk)
    _editable(application)
    ended = _end(application, acting_user, timezone.now())
    if not ended:
        raise ValidationError("Det finns inget avsteg att ta bort.")
    access_log_write(actor=acting_user, action=UPDATE, object_type="housing_deviation", object_id=ended,
                     household_id=application.case.household_id,
                     summary=f"Avsteg från riktlinjen för boendekostnad {application.month:%Y-%m} borttaget",
                     old={"ended_at": None}, new={"ended": True})


def _end(application, acting_user, now) -> int | None:
    current = application.housing_deviations.select_for_update().filter(ended_at__isnull=True).first()
    if current is None:
        return None
    current.ended_at, current.ended_by = now, acting_user
    current.save(update_fields=["ended_at", "ended_by"])
    return current.pk
