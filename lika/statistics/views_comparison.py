"""The comparison page: our key figures for a year next to other municipalities' imported
ones (``lika kpi import``), one table per KPI of the catalogue; then one table per key
figure of Kolada's imported for the year, with every municipality of the file, our own
first with Kolada's value and, where Lika has a figure for the same thing
(``kolada_map``), Lika's own figure beside it.

Our own row is always the live report (``figures.build_report`` for the whole
municipality); values imported under our own municipality code are never shown.  Imported
values are Kolada-like decimals (kronor in kronor, percent 0–100); they are turned into the
report's cell values (öre, fractions) exactly, with ``Decimal`` and ``Fraction``, and every
number is written by ``report.format_value``.  The difference women − men is computed from
the numbers as shown, so the table adds up for the reader.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lika.accounts.models import Municipality
from lika.audit.services import READ, access_log_write
from lika.core.disclosure import SUPPRESSED
from lika.core.kolada import SUPPRESSED_STATUS
from lika.core.periods import Period

from . import figures
from .access import can_view_statistics
from .kolada_map import POPULATION, kolada_kpi
from .models import ImportedKpiValue
from .municipality_names import municipality_names
from .report import GENDERS, NBSP, Chart, ChartSeries, decimal_of, format_value
from .svg import bar_layout, series_style

CHART_WIDTH = 640


class YearForm(forms.Form):
    ar = forms.TypedChoiceField(label=gettext_lazy("År"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ar"].choices = [(year, str(year)) for year in years]


@dataclass
class MunicipalityRow:
    code: str
    name: str
    own: bool
    cells: tuple  # shown values (K, M, T): int | Fraction | SUPPRESSED | None
    label: str = ""  # the name, marked when it is ours
    texts: tuple[str, str, str] = ()
    spread: str = ""
    lika: bool = False  # our own figure as Lika computes it (beside Kolada's value)


@dataclass
class KpiComparison:
    kpi: str
    title: str
    kind: str
    rows: list[MunicipalityRow]
    chart: dict | None = None


@dataclass
class KoladaComparison(KpiComparison):
    difference: str = ""  # how Lika's figure differs from Kolada's definition
    population_missing: bool = False  # Lika's figure needs N01951 for our municipality
    sources: tuple[str, ...] = ()  # the files the values were imported from


@dataclass
class Comparison:
    year: int
    kpis: list[KpiComparison] = field(default_factory=list)
    municipalities: int = 0  # other municipalities with values for the year
    unknown_kpis: int = 0  # imported LIKA_ KPIs that are not in our catalogue
    kolada: list[KoladaComparison] = field(default_factory=list)


def comparison_years() -> list[int]:
    """The years with imported values (month periods are not compared)."""
    periods = ImportedKpiValue.objects.values_list("period", flat=True).distinct()
    return sorted({int(period) for period in periods if len(period) == 4 and period.isdigit()})


def _imported_cell(value: Decimal | None, status: str, kind: str):
    """An imported value as a report cell: öre for kronor, a fraction 0–1 for percent."""
    if status == SUPPRESSED_STATUS:
        return SUPPRESSED
    if value is None:
        return None
    if kind == "count":
        return int(value.to_integral_value(rounding=ROUND_HALF_UP))
    if kind == "kronor":
        return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if kind == "percent":
        return Fraction(value) / 100
    return Fraction(value)


def _as_shown(cell, kind: str):
    """The cell rounded as ``format_value`` shows it, still in cell units."""
    if cell is SUPPRESSED or cell is None or kind == "count":
        return cell
    if kind == "kronor":
        return int(decimal_of(cell, kind).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100
    number = Fraction(decimal_of(cell, kind))
    return number / 100 if kind == "percent" else number


def spread_text(women, men, kind: str) -> str:
    """Women − men as text: ``..`` when either is hidden, ``–`` when either is missing;
    percentages in percentage points."""
    if women is SUPPRESSED or men is SUPPRESSED:
        return ".."
    if women is None or men is None:
        return "–"
    difference = women - men
    if kind == "percent":
        text = f"{format_value(difference * 100, 'days')}{NBSP}{_('procentenheter')}"
    else:
        text = format_value(difference, kind)
    return f"+{text}" if difference > 0 else text


def _chart(kpi: str, title: str, kind: str, year: int, rows: list[MunicipalityRow]) -> dict | None:
    """Bars for women and men per municipality (``svg.bar_layout``, as in the PDF report),
    or None when no value above zero is shown.  The table beside it is the primary content."""
    if not any(cell is not SUPPRESSED and cell is not None and cell > 0 for row in rows for cell in row.cells[:2]):
        return None
    labels = [row.label for row in rows]
    chart = Chart(kind="bars", title=title, value_kind=kind, series=tuple(
        ChartSeries(name, gender, tuple(zip(labels, (row.cells[index] for row in rows), strict=True)))
        for index, (gender, name) in enumerate((("K", _("Kvinnor")), ("M", _("Män"))))))
    shapes = bar_layout(chart, width=CHART_WIDTH, series_width=80, value_width=110)
    pattern = f"hatch-{kpi}".replace(".", "-")
    fills = {gender: (f"url(#{pattern})" if series_style(gender)["pattern"] == "hatch"
                      else series_style(gender)["colour"]) for gender in ("K", "M")}
    return {
        "layout": shapes, "pattern": pattern, "pattern_colour": series_style("M")["colour"],
        "bars": [{"bar": bar, "fill": fills[bar.gender], "stroke": series_style(bar.gender)["colour"]}
                 for bar in shapes.bars],
        "texts": [{"text": text, "bold": text.role == "category"} for text in shapes.texts],
        "description": _("Stapeldiagram: %(title)s, %(year)s, kvinnor och män per kommun. "
                         "Samma värden finns i tabellen.") % {"title": title, "year": year},
    }


def _own_rows(year: int) -> tuple[str, dict]:
    report = figures.build_report(period=Period.of_year(year), unit=None)
    return report.municipality_name, {row.kpi: row for figure in report.figures for table in figure.tables
                                      for row in table.rows if row.kpi}


def _finish(rows: list[MunicipalityRow], kind: str) -> None:
    for row in rows:
        row.cells = tuple(_as_shown(cell, kind) for cell in row.cells)
        row.texts = tuple(format_value(cell, kind) for cell in row.cells)
        row.spread = spread_text(row.cells[0], row.cells[1], kind)
        if row.lika:
            row.label = _("%(name)s (vår kommun) enligt Lika") % {"name": row.name}
        else:
            row.label = _("%(name)s (vår kommun)") % {"name": row.name} if row.own else row.name


def _per_inhabitant(cell, inhabitants, kind: str):
    """Lika's cell divided by the inhabitants: a share (a fraction 0–1) for a count of
    people, öre per inhabitant for kronor; hidden stays hidden, unknown stays unknown."""
    if cell is SUPPRESSED:
        return SUPPRESSED
    if cell is None or inhabitants is None or inhabitants <= 0:
        return None
    return Fraction(int(cell)) / Fraction(inhabitants)


def _kolada_tables(year: int, own, own_name: str, own_rows: dict, values: dict, names: dict,
                   sources: dict) -> list:
    """One table per Kolada key figure imported for ``year`` (the ids without ``LIKA_``),
    in id order: our municipality first (Kolada's value), then Lika's own figure where
    ``kolada_map`` has one, then every other municipality of the files by name."""
    own_code = own.code if own is not None else None
    population = {gender: values.get((POPULATION, own_code, gender), (None, ""))[0] for gender in GENDERS}
    tables = []
    for kpi in sorted({kpi for kpi, _code, _gender in values if not kpi.startswith("LIKA_")}):
        known = kolada_kpi(kpi)
        kind = known.kind
        codes = {code for key_kpi, code, _gender in values if key_kpi == kpi}
        rows = []
        if own is not None:
            rows.append(MunicipalityRow(own_code, own_name, True, tuple(
                _imported_cell(*values.get((kpi, own_code, gender), (None, "")), kind) for gender in GENDERS)))
        missing = False
        if own is not None and known.lika:
            report_row = own_rows.get(known.lika)
            cells = report_row.cells if report_row is not None else (None, None, None)
            lika_cells = []
            for index, gender in enumerate(GENDERS):
                inhabitants = population[gender]
                inhabitants = int(inhabitants) if inhabitants is not None else None
                lika_cells.append(_per_inhabitant(cells[index], inhabitants, kind))
            missing = population["T"] is None
            if kind == "kronor":
                lika_cells = [cell if cell is SUPPRESSED or cell is None
                              else int((Decimal(cell.numerator) / Decimal(cell.denominator)).to_integral_value(
                                  rounding=ROUND_HALF_UP)) for cell in lika_cells]
            rows.append(MunicipalityRow(own_code, own_name, True, tuple(lika_cells), lika=True))
        others = sorted((code for code in codes if code != own_code),
                        key=lambda code: ((names.get(code) or "").casefold(), code))
        for code in others:
            rows.append(MunicipalityRow(code, names.get(code) or _("kommun %(code)s") % {"code": code}, False,
                                        tuple(_imported_cell(*values.get((kpi, code, gender), (None, "")), kind)
                                              for gender in GENDERS)))
        _finish(rows, kind)
        tables.append(KoladaComparison(kpi, known.title, kind, rows, _chart(kpi, known.title, kind, year, rows),
                                       str(known.difference) if known.lika else "", missing and bool(known.lika),
                                       tuple(sorted(sources.get(kpi, ())))))
    return tables


def comparison_for_year(year: int) -> Comparison:
    """Every catalogue KPI that someone has a value for (a hidden one counts), with our row
    first and then the other municipalities by name; then Kolada's key figures imported
    for the year (:func:`_kolada_tables`).  Nothing is computed when no municipality has
    imported values for ``year``."""
    own = Municipality.objects.order_by("id").first()
    own_code = own.code if own is not None else None
    imported = ImportedKpiValue.objects.filter(period=f"{year:04d}")
    values, names, kolada, sources = {}, {}, {}, {}
    shipped = municipality_names()
    for kpi, code, name, gender, value, status, source in imported.values_list(
            "kpi", "municipality", "municipality_name", "gender", "value", "status", "source_file"):
        if kpi.startswith("LIKA_"):
            if code == own_code:
                continue  # our own imported copy: the live report is shown instead
            values[(kpi, code, gender)] = (value, status)
        else:
            kolada[(kpi, code, gender)] = (value, status)
            sources.setdefault(kpi, set()).add(source)
        if code != own_code:
            names[code] = names.get(code) or name or shipped.get(code, "")
    result = Comparison(year=year, municipalities=len(names))
    if not values and not kolada:
        return result
    catalogue = figures.KPI_CATALOGUE
    result.unknown_kpis = len({kpi for kpi, _code, _gender in values} - set(catalogue))
    others = sorted({code for _kpi, code, _gender in values},
                    key=lambda code: ((names[code] or "").casefold(), code))
    own_name, own_rows = _own_rows(year) if own is not None else ("", {})
    own_name = own_name or (own.name if own is not None else "")
    for kpi, (title, kind) in catalogue.items():
        if not others:
            break
        rows = []
        if own is not None:
            report_row = own_rows.get(kpi)
            cells = report_row.cells if report_row is not None else (None, None, None)
            rows.append(MunicipalityRow(own.code, own_name, True, cells))
        for code in others:
            cells = tuple(_imported_cell(*values.get((kpi, code, gender), (None, "")), kind) for gender in GENDERS)
            rows.append(MunicipalityRow(code, names[code] or _("kommun %(code)s") % {"code": code}, False, cells))
        if all(cell is None for row in rows for cell in row.cells):
            continue  # nobody has this figure for the year: nothing to compare
        _finish(rows, kind)
        result.kpis.append(KpiComparison(kpi, title, kind, rows, _chart(kpi, title, kind, year, rows)))
    result.kolada = _kolada_tables(year, own, own_name, own_rows, kolada, names, sources)
    return result


@login_required
@require_GET
def comparison(request):
    if not can_view_statistics(request.user):
        raise PermissionDenied
    available = comparison_years()
    years = sorted(set(available) | {timezone.localdate().year}, reverse=True)
    default = available[-1] if available else years[0]
    form = YearForm(request.GET if "ar" in request.GET else None, years=years, initial={"ar": default})
    year = form.cleaned_data["ar"] if form.is_bound and form.is_valid() else default
    data = comparison_for_year(year)
    access_log_write(actor=request.user, action=READ, object_type="statistics_comparison", object_id=str(year),
                     summary=(f"Jämförelse med andra kommuner {year}: {data.municipalities} kommuner, "
                              f"{len(data.kpis)} nyckeltal, {len(data.kolada)} från Kolada"))
    return render(request, "statistics/comparison.html", {
        "form": form, "comparison": data, "year": year, "other_years": [y for y in available if y != year],
    })
