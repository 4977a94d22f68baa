"""The 3R report as tables and charts (docs/grants-analysis.md, "In Lika"): the selectors'
reports protected with ``three_r.protect_report`` and laid out in the statistics module's
shapes (``lika.statistics.report`` tables and charts, drawn by ``lika.statistics.charts`` as
accessible SVG with the same numbers in tables).  No queries of its own except through
``analysis``."""

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from lika.core import three_r
from lika.core.disclosure import SUPPRESSED, TOTAL_LABEL
from lika.statistics.charts import chart_svg, table_html
from lika.statistics.report import Chart, ChartSeries, Row, Table, format_value

from . import analysis

YEARS_BACK = 5  # earlier years shown beside the report year


def threshold() -> int:
    """The small-count threshold of the income-support statistics (LIKA_STATISTICS_THRESHOLD)."""
    from lika.accounts.settings import current

    return current("statistics_threshold")


def _sum(cells):
    return SUPPRESSED if any(c is SUPPRESSED for c in cells) else sum(cells)


def _ratio(money, count):
    """Öre per head from protected cells: hidden when either is, empty when no heads."""
    if money is SUPPRESSED or count is SUPPRESSED:
        return SUPPRESSED
    return three_r.whole_ore(Fraction(money, count)) if count else None


def _gap(money_share, people_share):
    if SUPPRESSED in (money_share, people_share):
        return SUPPRESSED
    if money_share is None or people_share is None:
        return None
    return (money_share - people_share) * 100


def points(value) -> str:
    """A gap in percentage points, Swedish: ``+5,1``, ``−3,0``, ``..``, ``–``."""
    if value is SUPPRESSED:
        return ".."
    if value is None:
        return "–"
    rounded = three_r.percent(abs(Fraction(value)) / 100)
    text = format_value(rounded / 100, "percent").replace("\u00a0%", "")
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _rows(table, kind, *, skip_empty):
    out = []
    for row in table.all_rows():
        is_total = table.total is not None and row is table.total
        if skip_empty and not is_total and row.total == 0:
            continue  # a band with nobody in it (e.g. the leaders' band): nothing to show or hide
        out.append(Row(_("Totalt") if row.label == TOTAL_LABEL else row.label, kind, row.cells, total=is_total))
    return tuple(out)


@dataclass
class ProgrammeFigures:
    programme: object
    year: int
    report: three_r.ThreeR
    protected: three_r.ProtectedThreeR
    participant_share: dict  # K, M: Fraction | SUPPRESSED | None
    money_share: dict
    gap: dict  # K, M: points
    flagged: bool  # on the shown (protected) figures
    unattributed_ore: int
    names: tuple[str, str]  # "Flickor", "Pojkar" or "Kvinnor", "Män"

    @property
    def share_rows(self):
        return [(self.names[0], "K"), (self.names[1], "M")]


def _names(report) -> tuple[str, str]:
    bands = [b for b, people in report.representation.participants_by_band if people.total]
    if bands and not any(analysis.is_adult(b) for b in bands):
        return _("Flickor"), _("Pojkar")
    return _("Kvinnor"), _("Män")


def figures_for(rows, reports, programme, year, unattributed) -> ProgrammeFigures | None:
    report = reports.get((programme.name, year))
    if report is None:
        return None
    protected = three_r.protect_report(rows, report, threshold=threshold())
    people = {g: protected.participant_share(g) for g in ("K", "M")}
    money = {g: protected.money_share(g) for g in ("K", "M")}
    gap = {g: _gap(money[g], people[g]) for g in ("K", "M")}
    limit = report.resources.threshold_points
    flagged = any(v not in (None, SUPPRESSED) and abs(v) > limit for v in gap.values())
    return ProgrammeFigures(programme, year, report, protected, people, money, gap, flagged,
                            unattributed.get((programme.name, year), 0), _names(report))


def giver_figures(giver, year, programme=None):
    """Every programme of the giver (or one) in ``year`` and the years before (for the
    comparison), from one run of the selectors."""
    years = range(year - YEARS_BACK, year + 1)
    rows = analysis.aggregates(giver, years, programme, detail_years=[year])
    reports = analysis.reports(rows)
    unattributed = analysis.unattributed_money(giver, years, programme)
    return rows, reports, unattributed


def overview(giver, year):
    """One row per programme: share of participants against share of money, with the chart."""
    rows, reports, unattributed = giver_figures(giver, year)
    items = [f for f in (figures_for(rows, reports, p, year, unattributed)
                         for p in giver.programmes.order_by("name")) if f is not None]
    series = []
    charted = [i for i in items if i.participant_share["K"] is not None or i.money_share["K"] is not None]
    for gender, name in (("K", _("Kvinnor")), ("M", _("Män"))):
        pts = []
        for item in charted:
            pts.append((f"{item.programme.name}: {_('deltagare')}", item.participant_share[gender]))
            pts.append((f"{item.programme.name}: {_('pengar')}", item.money_share[gender]))
        series.append(ChartSeries(name, gender, tuple(pts)))
    chart = Chart("bars", _("Andel av deltagarna och andel av pengarna per program (kvinnor inklusive flickor, "
                            "män inklusive pojkar)"), "percent", tuple(series))
    svg = chart_svg(chart, "overview") if charted else ""
    return {"items": items, "chart": chart, "svg": svg}


def programme_page(giver, programme, year):
    rows, reports, unattributed = giver_figures(giver, year, programme)
    item = figures_for(rows, reports, programme, year, unattributed)
    if item is None:
        return {"item": None}
    p = item.protected
    girl, boy = item.names
    tables = [
        ("representation", Table(_("Deltagare per åldersintervall"), _rows(p.participants, "count", skip_empty=True),
                                 _("Olika personer per ansökan; en person i två föreningar räknas två gånger."))),
        ("representation", Table(_("Ledare per åldersintervall"), _rows(p.leaders, "count", skip_empty=True))),
        ("representation", Table(_("Styrelseledamöter i de föreningar som sökt, per åldersintervall"),
                                 _rows(_board_by_band(rows, programme, year), "count", skip_empty=True),
                                 _("Styrelsen samma år; ålder efter födelseår (okänt födelseår räknas som 18+)."))),
        ("resources", Table(_("Pengar per åldersintervall"), _rows(p.money_ore, "kronor", skip_empty=True),
                            _("Beräknat belopp per deltagartillfälle vid ansökan (inte beviljat belopp)."))),
        ("resources", Table(_("Deltagartillfällen per åldersintervall"),
                            _rows(p.occasions, "count", skip_empty=True))),
    ]
    report = item.report
    premises = report.resources.premises_hours
    if premises.total:
        tables.append(("resources", Table(_("Lokaltimmar per åldersintervall (fördelade efter föreningarnas medlemmar)"),
                                          _rows(p.premises_hours, "count", skip_empty=True))))
    per_head = _per_head_table(item)
    shares = Table(_("Andel av deltagarna och av pengarna"), (
        Row(_("Andel av deltagarna"), "percent", (item.participant_share["K"], item.participant_share["M"], None)),
        Row(_("Andel av pengarna"), "percent", (item.money_share["K"], item.money_share["M"], None)),
    ), _("Andelarna räknas av dem med känt kön (kvinnor + män = 100 %)."))
    share_chart = Chart("bars", _("Andel av deltagarna, deltagartillfällena och pengarna"), "percent", tuple(
        ChartSeries(name, gender, (
            (_("Deltagare"), item.participant_share[gender]),
            (_("Deltagartillfällen"), _occasion_share(p, gender)),
            (_("Pengar"), item.money_share[gender]),
        )) for gender, name in (("K", girl), ("M", boy))))
    head_chart = Chart("bars", _("Kronor per deltagare"), "kronor", (
        ChartSeries(girl if girl == _("Flickor") else _("Kvinnor"), "K",
                    ((_("Under 18 år"), per_head.rows[0].cells[0]), (_("18 år och äldre"), per_head.rows[2].cells[0]))),
        ChartSeries(boy if boy == _("Pojkar") else _("Män"), "M",
                    ((_("Under 18 år"), per_head.rows[0].cells[1]), (_("18 år och äldre"), per_head.rows[2].cells[1]))),
    ))
    history = _history(rows, reports, programme, year, unattributed)
    return {
        "item": item,
        "tables": {kind: [table_html(t) for k, t in tables if k == kind] for kind in ("representation", "resources")},
        "per_head": table_html(per_head),
        "shares": table_html(shares),
        "share_chart": share_chart, "share_svg": chart_svg(share_chart, "shares"),
        "head_chart": head_chart, "head_svg": chart_svg(head_chart, "per-head"),
        "unknown": p.unknown,
        "history": history,
        "coverage": _coverage(item, year),
    }


def _board_by_band(rows, programme, year):
    """Board members by age band (0-17, 18+) and gender, protected on their own."""
    from lika.core import disclosure

    bands = {}
    for r in rows:
        if r.group == programme.name and r.year == year and r.board_members and r.gender in ("K", "M"):
            women, men = bands.get(r.age_band, (0, 0))
            bands[r.age_band] = (women + r.board_members, men) if r.gender == "K" else (women, men + r.board_members)
    ordered = [b for b in (analysis.BOARD_CHILD, analysis.BOARD_ADULT) if b in bands]
    return disclosure.protect([(b, *bands[b]) for b in ordered], threshold=threshold())


def _occasion_share(p, gender):
    from lika.core import disclosure

    total = p.participants.total
    return disclosure.share(p.occasions.cell(TOTAL_LABEL, gender), p.occasions.cell(TOTAL_LABEL, "T"),
                            guards=(total.women, total.men))


def _per_head_table(item) -> Table:
    """Kronor per participant and per deltagartillfälle for girls, boys, women and men,
    from the protected cells (hidden where the money or the count behind it is)."""
    p = item.protected
    bands = [row.label for row in p.participants.rows]
    children = [b for b in bands if not analysis.is_adult(b)]
    adults = [b for b in bands if analysis.is_adult(b)]

    def cells(labels, table_money, table_count):
        out = []
        for g in ("K", "M"):
            out.append(_ratio(_sum([table_money.cell(b, g) for b in labels]),
                              _sum([table_count.cell(b, g) for b in labels])))
        return (*out, None)

    return Table(_("Kronor per deltagare och per deltagartillfälle"), (
        Row(_("Per deltagare, under 18 år (flickor, pojkar)"), "kronor", cells(children, p.money_ore, p.participants)),
        Row(_("Per deltagartillfälle, under 18 år"), "kronor", cells(children, p.money_ore, p.occasions)),
        Row(_("Per deltagare, 18 år och äldre (kvinnor, män)"), "kronor", cells(adults, p.money_ore, p.participants)),
        Row(_("Per deltagartillfälle, 18 år och äldre"), "kronor", cells(adults, p.money_ore, p.occasions)),
    ), _("Ett åldersintervall som går över 18 år räknas till under 18 år. Avrundat till hela kronor."))


def _history(rows, reports, programme, year, unattributed):
    """Earlier years (protected like the report year) and the changes between them
    (``three_r.year_over_year``).  A change is shown only when both years' figures behind
    it are shown: the gap's change from the two protected gaps, the participants' change
    from the two protected totals."""
    years = sorted(y for (name, y) in reports if name == programme.name and y <= year)
    items = [figures_for(rows, reports, programme, y, unattributed) for y in years]
    changes = {c.later: c for c in three_r.year_over_year([reports[(programme.name, y)] for y in years])}
    lines = []
    for before, item in zip([None, *items], items, strict=False):
        change = changes.get(item.year) if before is not None and before.year in years else None
        gap_change = people_change = None
        if change is not None:
            gaps = (before.gap["K"], item.gap["K"])
            if SUPPRESSED in gaps:
                gap_change = SUPPRESSED
            elif None not in gaps:
                gap_change = gaps[1] - gaps[0]
            totals = (before.protected.participants.total.total, item.protected.participants.total.total)
            people_change = SUPPRESSED if SUPPRESSED in totals else change.participants.known
        lines.append({"item": item, "change": change, "gap_change": gap_change, "people_change": people_change})
    chart = None
    if len(items) > 1:
        chart = Chart("line", _("Kvinnors och flickors andel av deltagarna och av pengarna per år"), "percent", (
            ChartSeries(_("Andel av pengarna"), "K", tuple((str(i.year), i.money_share["K"]) for i in items)),
            ChartSeries(_("Andel av deltagarna"), "T", tuple((str(i.year), i.participant_share["K"]) for i in items)),
        ))
    return {"lines": lines, "chart": chart, "svg": chart_svg(chart, "history") if chart else ""}


def _coverage(item, year):
    """Participants against the population of the same ages, per gender (protected cells)."""
    population_year = analysis.population_year(year)
    if population_year is None:
        return {"year": None}
    p = item.protected
    bands = [row.label for row in p.participants.rows if row.total]
    population = analysis.population_by_band(population_year, bands)
    rows = []
    for band in bands:
        cells = []
        for g in ("K", "M"):
            count, pop = p.participants.cell(band, g), population.get((g, band))
            cells.append(SUPPRESSED if count is SUPPRESSED else (Fraction(count, pop) if pop else None))
        rows.append(Row(band, "percent", (*cells, None)))
    participants = {(g, band): p.participants.cell(band, g) for band in bands for g in ("K", "M")
                    if p.participants.cell(band, g) is not SUPPRESSED}
    overall = three_r.coverage(participants, population).overall if population else {"K": None, "M": None}
    hidden = any(p.participants.cell(b, g) is SUPPRESSED for b in bands for g in ("K", "M"))
    rows.append(Row(_("Alla åldrar med folkmängd"), "percent",
                    (SUPPRESSED if hidden else overall["K"], SUPPRESSED if hidden else overall["M"], None), total=True))
    pop_rows = tuple(Row(band, "count", (population.get(("K", band)), population.get(("M", band)),
                                         None if None in (population.get(("K", band)), population.get(("M", band)))
                                         else population[("K", band)] + population[("M", band)]))
                     for band in bands)
    return {"year": population_year,
            "table": table_html(Table(_("Andel av befolkningen i samma åldrar som deltar"), tuple(rows),
                                      _("Deltagare delat med folkmängden av samma kön och ålder. "
                                        "En person i två föreningar räknas två gånger."))),
            "population": table_html(Table(_("Folkmängd"), pop_rows))}


# --- what-if ------------------------------------------------------------------------------


def _kr(ore) -> str:
    from lika.core.money import format_kronor

    return format_kronor(ore)


def what_if_rows(result: three_r.WhatIf, hide: dict) -> list[dict]:
    """Today and proposed side by side.  ``hide`` says per gender (K, M) whether the money
    must be hidden because the programme's participants of that gender are few (the same
    rule as the report: a count 1–4 hides the money of those people)."""
    def money(outcome, g):
        return ".." if hide.get(g) else _kr(outcome.money_ore.get(g))

    def share(outcome, g):
        if hide.get("K") or hide.get("M"):
            return ".."
        return format_value(outcome.money_ore.share(g), "percent")

    rows = []
    for g, label in (("K", _("Kvinnor och flickor")), ("M", _("Män och pojkar"))):
        rows.append({"label": label, "today": money(result.today, g), "proposed": money(result.proposed, g),
                     "kind": "money"})
        rows.append({"label": _("Andel av pengarna, %(who)s") % {"who": label.lower()},
                     "today": share(result.today, g), "proposed": share(result.proposed, g), "kind": "share"})
    rows.append({"label": _("Sammankomster och okänt kön (fördelas inte på kön)"),
                 "today": _kr(result.today.money_ore.unknown), "proposed": _kr(result.proposed.money_ore.unknown),
                 "kind": "money"})
    rows.append({"label": _("Kostnad totalt"), "today": _kr(result.today.cost_ore),
                 "proposed": _kr(result.proposed.cost_ore), "kind": "total"})
    rows.append({"label": _("Föreningar som når taket"), "today": str(len(result.today.capped)),
                 "proposed": str(len(result.proposed.capped)), "kind": "count"})
    band = []
    for outcome in (result.today, result.proposed):
        within = outcome.within_band(result.band_low)
        band.append(".." if hide.get("K") or hide.get("M") else
                    "–" if within is None else _("Ja") if within else _("Nej"))
    low = int(three_r.percent(result.band_low, 0))
    rows.append({"label": _("Båda könen har minst %(low)s %% av pengarna") % {"low": low},
                 "today": band[0], "proposed": band[1], "kind": "band"})
    return rows


def few_participants(giver, programme, year) -> dict:
    """Per gender (K, M): whether the programme's participants of that gender that year are
    hidden in the report (1–4, or hidden so that they cannot be worked out)."""
    rows = analysis.activity_rows(giver, [year])
    rows = [r for r in rows if r.group == programme.name]
    if not rows:
        return {}
    report = three_r.analyse(rows, group=programme.name, year=year, is_adult=analysis.is_adult)
    total = three_r.protect_report(rows, report, threshold=threshold()).participants.total
    return {"K": total.women is SUPPRESSED, "M": total.men is SUPPRESSED}


def band_factor_text(result: three_r.WhatIf, hide: dict) -> str:
    if hide.get("K") or hide.get("M") or result.band_factor is None or result.band_gender is None:
        return ""
    low = int(three_r.percent(result.band_low, 0))
    who = _("kvinnor och flickor") if result.band_gender == "K" else _("män och pojkar")
    if result.band_factor == 1:
        return _("Med de föreslagna reglerna har båda könen minst %(low)s %% av pengarna.") % {"low": low}
    factor = format_value(result.band_factor, "days")  # one decimal
    return _("För att %(who)s ska få %(low)s %% av pengarna behöver deras taxor i förslaget multipliceras med "
             "ungefär %(factor)s (exakt när inget tak begränsar).") % {"who": who, "low": low, "factor": factor}
