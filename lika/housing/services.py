"""Writing the guideline for skälig boendekostnad: an administrator adds a version (the
nämnd's new decision, or a correction); nothing is ever changed or deleted."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lika.accounts.models import Role
from lika.audit.services import CREATE, access_log_write
from lika.core.housing import GuidelineError, parse_amounts

from .models import HousingGuideline

# An example for the demo municipality, from a published municipal guideline: Högsby kommun,
# "Högsta godtagbara hyra", gäller från 2021-05-01 (hogsby.se, Omsorg och stöd › Individ- och
# familjeomsorg › Ekonomiskt bistånd › Högsta godtagbara hyra).  1 vuxen 4 202 kr, 2 vuxna
# 5 242 kr, 1–2 vuxna med 1 barn 5 816, 2 barn 6 965, 3 barn 7 558, 4 barn 8 125, 5 barn eller
# fler 8 693 kr per månad.  Not the guideline of any real Lika user.
EXAMPLE_SOURCE = ("Exempel för demokommunen: Högsby kommuns riktlinje ”Högsta godtagbara hyra”, gäller från "
                  "2021-05-01 (https://www.hogsby.se/Omsorg-och-stoed/Individ-och-familjeomsorg/"
                  "Ekonomiskt-bistaand/Hoegsta-godtagbara-hyra)")
EXAMPLE_VALID_FROM = date(2021, 5, 1)
EXAMPLE_REFERENCE = "exempel, Högsby kommun 2021"
_EXAMPLE_KRONOR = {0: (4202, 5242), 1: (5816, 5816), 2: (6965, 6965), 3: (7558, 7558), 4: (8125, 8125),
                   5: (8693, 8693)}
EXAMPLE_AMOUNTS = [[adults, children, pair[adults - 1] * 100]
                   for children, pair in _EXAMPLE_KRONOR.items() for adults in (1, 2)]


@transaction.atomic
def guideline_add(*, acting_user, valid_from: date, decision_reference: str, amounts, note: str,
                  source: str = "", example: bool = False) -> HousingGuideline:
    """A new version of the guideline, in force from ``valid_from`` (a month's first day).
    Administrators only; the access log records it."""
    if acting_user is None or not acting_user.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied("endast systemadministratörer får ändra riktlinjen för boendekostnad")
    if valid_from.day != 1:
        raise ValidationError({"valid_from": "Riktlinjen gäller från den första dagen i en månad."})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": "Ange nämndens beslut (datum och paragraf)."})
    if not note.strip():
        raise ValidationError({"note": "Ange varför riktlinjen läggs in."})
    try:
        checked = parse_amounts(amounts)
    except GuidelineError as exc:
        raise ValidationError(f"Beloppen: {exc}.") from None
    row = HousingGuideline.objects.create(
        valid_from=valid_from, decision_reference=decision_reference.strip()[:200], source=source.strip(),
        amounts=[list(r) for r in checked], example=example, note=note.strip(), created_by=acting_user)
    access_log_write(actor=acting_user, action=CREATE, object_type="housing_guideline", object_id=row.pk,
                     summary=f"Riktlinje för skälig boendekostnad från {valid_from:%Y-%m-%d} inlagd",
                     new={"valid_from": valid_from.isoformat(), "decision_reference": row.decision_reference,
                          "amounts": row.amounts, "example": example})
    return row


def guideline_seed_example(*, acting_user) -> HousingGuideline | None:
    """The demo municipality's example guideline, unless a guideline exists."""
    if HousingGuideline.objects.exists():
        return None
    return guideline_add(acting_user=acting_user, valid_from=EXAMPLE_VALID_FROM,
                         decision_reference=EXAMPLE_REFERENCE, amounts=EXAMPLE_AMOUNTS, source=EXAMPLE_SOURCE,
                         note="Exempel för demokommunen", example=True)
