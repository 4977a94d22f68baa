from datetime import date, timedelta

from lika.core.housing import GuidelineAmount, guideline_amount, parse_amounts
from lika.core.housing import HousingGuideline as GuidelineValue

from .models import HousingGuideline


def guideline_in_force(month: date) -> HousingGuideline | None:
    """The version in force in ``month`` (its first day): the latest ``valid_from`` on or
    before it, the latest entered of that date."""
    return (HousingGuideline.objects.filter(valid_from__lte=month.replace(day=1))
            .order_by("-valid_from", "-id").first())


def guideline_value(row: HousingGuideline) -> GuidelineValue:
    return GuidelineValue(row.valid_from, row.decision_reference, parse_amounts(row.amounts))


def guideline_for(month: date, adults: int, children: int) -> GuidelineAmount | None:
    """The highest accepted housing cost in ``month`` for a household of ``adults`` (at
    least one is assumed) and ``children``, with the text naming the guideline; None when
    no guideline is in force."""
    row = guideline_in_force(month)
    if row is None:
        return None
    return guideline_amount(guideline_value(row), max(adults, 1), children)


def guideline_versions() -> list[HousingGuideline]:
    """Every version, newest first, each with ``valid_to`` (the day before the next
    version's date; None: still in force) and ``replaced`` (a later correction of the same
    date)."""
    rows = list(HousingGuideline.objects.select_related("created_by").order_by("-valid_from", "-id"))
    later = None
    seen_dates = set()
    for row in rows:
        row.replaced = row.valid_from in seen_dates
        seen_dates.add(row.valid_from)
        row.valid_to = None
        if later is not None and later.valid_from > row.valid_from:
            row.valid_to = later.valid_from - timedelta(days=1)
        if not row.replaced:
            later = row
    return rows
