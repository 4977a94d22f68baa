"""The grants figures of the statistics report for the whole municipality and one calendar
year, so that they reach the KPI export (``lika kpi export``) and the comparison page
(docs/kpi.md, "Grants to associations").

Per grant giver and for all givers together: participants under 18 (girls, boys) and 18
and older (women, men), and each gender's share of the participants and of the money
(``analysis.money_by_cell``).  The rows of all givers together carry the KPI ids: a Kolada
record has no dimension for the giver, and a giver's id would not be comparable between
municipalities.  A participant in two programmes (or two associations) counts twice.

Small counts are protected as in the rest of the report (``lika.core.disclosure``): the
participants per giver are one table (under 18 / 18 and older by gender, with a total),
the money hidden exactly where they are, and a share hidden when a count behind it is."""

from django.utils.translation import gettext as _

from lika.core import disclosure
from lika.statistics.report import Figure, Row, Table

from . import analysis
from .models import GrantGiver

KPIS = {
    "LIKA_GRANTS_PARTICIPANTS_CHILDREN": ("Deltagare under 18 år i föreningar med bidrag", "count"),
    "LIKA_GRANTS_PARTICIPANT_SHARE_CHILDREN": ("Flickors och pojkars andel av deltagarna under 18 år", "percent"),
    "LIKA_GRANTS_MONEY_SHARE_CHILDREN": ("Flickors och pojkars andel av bidraget till deltagare under 18 år",
                                         "percent"),
    "LIKA_GRANTS_PARTICIPANTS_ADULTS": ("Deltagare 18 år och äldre i föreningar med bidrag", "count"),
    "LIKA_GRANTS_PARTICIPANT_SHARE_ADULTS": ("Kvinnors och mäns andel av deltagarna 18 år och äldre", "percent"),
    "LIKA_GRANTS_MONEY_SHARE_ADULTS": ("Kvinnors och mäns andel av bidraget till deltagare 18 år och äldre",
                                       "percent"),
}


def _split(rows):
    """((girls, boys), (women, men)) of participants and of öre, over the rows."""
    people = {(g, a): 0 for g in "KM" for a in (False, True)}
    money = dict(people)
    for r in rows:
        if r.gender in ("K", "M"):
            adult = analysis.is_adult(r.age_band)
            people[(r.gender, adult)] += r.participants
            money[(r.gender, adult)] += r.money_ore
    return people, money


def _share(table_row, guards=()):
    return (*(disclosure.share(table_row.cell(g), table_row.cell("T"), guards=guards) for g in ("K", "M")), None)


def _tables(name, rows, *, threshold, kpi):
    people, money = _split(rows)
    bands = ((_("Under 18 år"), False), (_("18 år och äldre"), True))
    counts = disclosure.protect([(label, people[("K", a)], people[("M", a)]) for label, a in bands],
                                threshold=threshold)
    amounts = disclosure.protect_amounts(counts, [(label, money[("K", a)], money[("M", a)]) for label, a in bands])
    out = []
    for (label, _adult), suffix in zip(bands, ("CHILDREN", "ADULTS"), strict=True):
        count_row = counts.row(label)
        money_row = amounts.row(label)
        out.append(Table(f"{name}: {label.lower()}", (
            Row(_("Deltagare"), "count", count_row.cells, counts=count_row.cells,
                kpi=f"LIKA_GRANTS_PARTICIPANTS_{suffix}" if kpi else None),
            Row(_("Andel av deltagarna"), "percent", _share(count_row), counts=count_row.cells,
                kpi=f"LIKA_GRANTS_PARTICIPANT_SHARE_{suffix}" if kpi else None),
            Row(_("Andel av pengarna"), "percent", _share(money_row, (count_row.women, count_row.men)),
                counts=count_row.cells, kpi=f"LIKA_GRANTS_MONEY_SHARE_{suffix}" if kpi else None),
        )))
    return out


def grants_figure(year: int, *, threshold: int = disclosure.DEFAULT_THRESHOLD) -> Figure | None:
    """The figure for ``year``, or ``None`` when no grant giver has applications that year.
    One query per giver for the counts (``analysis.activity_rows``)."""
    tables, every = [], []
    for giver in GrantGiver.objects.order_by("name"):
        rows = analysis.activity_rows(giver, [year])
        if not rows:
            continue
        every += rows
        tables += _tables(giver.name, rows, threshold=threshold, kpi=False)
    if not every:
        return None
    tables = _tables(_("Alla bidragsgivare"), every, threshold=threshold, kpi=True) + tables
    return Figure("grants", _("Föreningsbidrag: deltagare och pengar efter kön"),
                  _("Deltagare i föreningar som sökt bidrag, och varje köns andel av deltagarna och av det beräknade "
                    "bidraget (per deltagartillfälle), efter juridiskt kön. Flickor och pojkar under 18 år, "
                    "kvinnor och män 18 år och äldre."), tuple(tables))

