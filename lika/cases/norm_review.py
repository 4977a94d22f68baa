"""Decisions to review when a year's riksnorm changes (issue 14).

A decision made on a provisional norm table (or on an estimated cell) says that its
amount is preliminary.  When the official table is loaded, every decision in force for
that year that was calculated on another, provisional version is listed with what the
table now in force gives for the same facts (the calculation's stored input) and the
difference.  From the list the case worker opens the decision for change
(``decision_change_start``); the recalculation then uses the table in force.
Reads only.
"""

import json
from dataclasses import dataclass

from lika.core.calculation import calculate_support
from lika.core.household_json import InputError, parse_household_month
from lika.core.limits import InputLimitError, loads_json
from lika.core.money import format_kronor as _kr
from lika.norms.models import NormTableVersion
from lika.norms.selectors import norm_table_current, norm_table_value

from .decisions import calculation_is_provisional
from .models import Application, Decision


@dataclass(frozen=True)
class ReviewRow:
    decision: Decision
    calculated_on: str  # "Riksnorm 2026 v1"
    old_support: int  # öre: the calculation the decision rests on
    new_support: int | None  # öre: the same facts on the table in force (None: cannot be calculated)
    problem: str = ""

    @property
    def difference(self) -> int | None:
        return None if self.new_support is None else self.new_support - self.old_support

    @property
    def can_start_change(self) -> bool:
        return self.decision.application.status == Application.Status.DECIDED


def decisions_to_review(year: int, *, unit_id: int | None = None,
                        table: NormTableVersion | None = None) -> list[ReviewRow]:
    """Decisions in force for months of ``year`` calculated on a provisional version of the
    year's norm other than ``table`` (default: the version in force), oldest month first.
    ``unit_id`` limits the list to one unit's cases."""
    table = table or norm_table_current(year)
    if table is None:
        return []
    norm = norm_table_value(table)
    decisions = (Decision.objects.filter(status=Decision.Status.ISSUED, superseded_at__isnull=True,
                                         application__month__year=year)
                 .exclude(calculation__norm_table=table)
                 .select_related("calculation__norm_table", "application__case")
                 .order_by("application__month", "application__case_id", "id"))
    if unit_id is not None:
        decisions = decisions.filter(application__case__unit_id=unit_id)
    out = []
    for decision in decisions:
        calculation = decision.calculation
        if not calculation_is_provisional(calculation):
            continue
        new, problem = None, ""
        try:
            household, _payment = parse_household_month(loads_json(json.dumps(calculation.input)))
            new = calculate_support(household, norm).support
        except (InputError, InputLimitError, ValueError) as exc:  # e.g. a rule of that year changed
            problem = f"kan inte beräknas om: {exc}"
        out.append(ReviewRow(decision=decision, calculated_on=str(calculation.norm_table),
                             old_support=calculation.support, new_support=new, problem=problem))
    return out


def review_lines(rows: list[ReviewRow]) -> list[str]:
    """The list as text lines (for the load command): case and decision numbers, no names."""
    out = []
    for row in rows:
        d = row.decision
        head = f"beslut {d.pk} (ärende {d.application.case_id}, {d.application.month:%Y-%m}, {row.calculated_on})"
        if row.new_support is None:
            out.append(f"{head}: {row.problem}")
            continue
        out.append(f"{head}: beräknat {_kr(row.old_support)}, med tabellen som gäller nu {_kr(row.new_support)}, "
                   f"skillnad {'+' if row.difference > 0 else ''}{_kr(row.difference)}")
    return out

