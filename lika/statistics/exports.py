"""The statistics report as files: CSV, Excel (xlsx) and PDF.  Each function takes a
:class:`~lika.statistics.report.Report` (small-cell protection already applied) and returns
the file's bytes; nothing is read from the database and nothing is hidden or shown here that
the report does not already hide or show.

CSV (:func:`report_csv`)
------------------------
UTF-8 with a byte order mark (so Excel reads å, ä, ö), ``;`` as separator, CRLF line
endings, quoting only where a value needs it (a ``;``, a quote or a line break).  One header
row and then one row per cell (figure → table → row → K, M, T); no comment lines, and every
row repeats the municipality, period and unit so that it stands on its own::

    kommun;period;enhet;nyckeltal;rubrik;tabell;rad;kon;varde;mattenhet;antal;status

- ``kommun``: the kommunkod (four digits); ``period``: the period's code (``2026-05``,
  ``2026-T1``, ``2026-Q2``, ``2026``, ``2026-01-15..2026-03-31``); ``enhet``: the unit
  the report covers (``Hela kommunen`` or the unit's name);
- ``nyckeltal``: the figure's key; ``rubrik``: its title; ``tabell``: the table's caption;
  ``rad``: the row's label; ``kon``: ``K``, ``M`` or ``T`` (totalt);
- ``varde``: the number with a decimal comma and no thousands separator: kronor with two
  decimals (``12345,50``), percent 0–100 with one decimal (``48,3``), days with one decimal,
  counts as integers; empty when the cell is hidden or empty;
- ``mattenhet``: ``antal``, ``kr``, ``procent`` or ``dagar``;
- ``antal``: the number of people or decisions behind the cell when the report has it,
  else empty; always empty when the cell is hidden;
- ``status``: ``..`` when the cell is hidden (small-cell protection), ``-`` when it is
  empty (nothing to show, e.g. a share of zero people), else empty.

Excel (:func:`report_xlsx`) and PDF (:func:`report_pdf`): see docs/formats.md.
"""

import csv
import io
import math
from datetime import UTC, datetime

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from lika.core.disclosure import SUPPRESSED

from . import svg
from .report import GENDER_LABELS, GENDERS, decimal_of, format_value, period_text

CSV_HEADER = ("kommun", "period", "enhet", "nyckeltal", "rubrik", "tabell", "rad", "kon",
              "varde", "mattenhet", "antal", "status")
UNITS = {"count": "antal", "kronor": "kr", "percent": "procent", "days": "dagar"}
TITLE = "Jämställdhetsstatistik – ekonomiskt bistånd"
HIDDEN, EMPTY = "..", "–"


def explanation(report) -> str:
    """What ``..`` and ``–`` mean, in Swedish."""
    return (f"”..” betyder att uppgiften är dold för att skydda enskilda personer: den bygger "
            f"på färre än {report.threshold} personer, eller skulle annars kunna räknas fram "
            f"ur andra uppgifter i samma tabell. ”{EMPTY}” betyder att det inte finns något "
            "att visa, till exempel en andel av noll personer.")


def reading_guide(report) -> str:
    return ("Varje tabell visar uppgiften för kvinnor (K), män (M) och totalt (T). "
            "Uppdelningen följer det juridiska kön som är registrerat för personen. "
            + explanation(report))


def _local(moment: datetime | None) -> str:
    if moment is None:
        return EMPTY
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%Y-%m-%d %H:%M}"


# --- CSV ----------------------------------------------------------------------------------

def _csv_number(value, kind: str) -> str:
    number = decimal_of(value, kind)
    return "" if number is None else format(number, "f").replace(".", ",")


def _csv_count(row, gender: str) -> str:
    if row.counts is None or row.cell(gender) is SUPPRESSED:
        return ""
    count = row.counts[GENDERS.index(gender)]
    if count is SUPPRESSED or count is None:
        return ""
    return str(int(count))


def _csv_status(value) -> str:
    if value is SUPPRESSED:
        return ".."
    if value is None:
        return "-"
    return ""


def report_csv(report) -> bytes:
    """The report as one flat CSV table (header in the module docstring)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    lead = (report.municipality_code, report.period.code, report.unit_name)
    for figure in report.figures:
        for table in figure.tables:
            for row in table.rows:
                for gender in GENDERS:
                    value = row.cell(gender)
                    writer.writerow(lead + (
                        figure.key, figure.title, table.caption, row.label, gender,
                        _csv_number(value, row.kind), UNITS[row.kind], _csv_count(row, gender),
                        _csv_status(value)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- Excel --------------------------------------------------------------------------------

ABOUT_SHEET = "Om rapporten"
NUMBER_FORMATS = {"count": "#,##0", "kronor": '#,##0" kr"', "percent": "0.0%", "days": "0.0"}
_FORBIDDEN_IN_SHEET_NAMES = "[]:*?/\\"
_RESERVED_SHEET_NAMES = {"history"}  # Excel keeps this one for itself


def sheet_title(title: str, taken: set) -> str:
    """A valid, unique sheet name for ``title``: at most 31 characters, none of
    ``[]:*?/\\``, not starting or ending with an apostrophe.  ``taken`` holds the
    lower-cased names in use (Excel compares them without case) and is updated."""
    name = "".join(" " if char in _FORBIDDEN_IN_SHEET_NAMES else char for char in title)
    name = " ".join(name.split()).strip("'").strip() or "Nyckeltal"
    candidate, number = name[:31].rstrip(" '"), 1
    while candidate.lower() in taken or candidate.lower() in _RESERVED_SHEET_NAMES:
        number += 1
        suffix = f" ({number})"
        candidate = name[:31 - len(suffix)].rstrip(" '") + suffix
    taken.add(candidate.lower())
    return candidate


def _excel_value(value, kind: str):
    """The value of a cell in the workbook: numbers as numbers (``Decimal`` or ``int``,
    never ``float``): counts as integers, kronor with öre, percent as a fraction 0–1 with
    the same rounding as the page (one decimal of a percent), days with one decimal."""
    if value is SUPPRESSED:
        return HIDDEN
    if value is None:
        return EMPTY
    number = decimal_of(value, kind)
    if kind == "count":
        return int(number)
    if kind == "percent":
        return number.scaleb(-2)
    return number


def _set_text(cell, text: str):
    """A text cell that stays text, even when it starts with ``=`` (never a formula)."""
    cell.value = text
    cell.data_type = "s"


def _wrapped_height(text: str, characters_per_line: int) -> float:
    lines = sum(max(1, math.ceil(len(part) / characters_per_line)) for part in text.split("\n"))
    return 15.0 * lines


def report_xlsx(report) -> bytes:
    """The report as an Excel workbook: a sheet "Om rapporten", then one sheet per figure."""
    bold, heading = Font(bold=True), Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    right = Alignment(horizontal="right")

    workbook = Workbook()
    workbook.properties.title = f"{TITLE}, {report.municipality_name}, {report.period.label_sv}"
    workbook.properties.creator = "Lika"
    workbook.properties.lastModifiedBy = "Lika"
    workbook.properties.subject = report.unit_name
    workbook.properties.language = "sv-SE"
    created = report.generated_at
    if timezone.is_aware(created):
        created = created.astimezone(UTC).replace(tzinfo=None)
    workbook.properties.created = created
    workbook.properties.modified = created

    about = workbook.active
    about.title = ABOUT_SHEET
    taken = {ABOUT_SHEET.lower()}
    sheet_names = [sheet_title(figure.title, taken) for figure in report.figures]
    _set_text(about.cell(1, 1), TITLE)
    about.cell(1, 1).font = heading
    facts = [
        ("Kommun", f"{report.municipality_name} ({report.municipality_code})"),
        ("Period", period_text(report)),
        ("Enhet", report.unit_name),
        ("Skapad", _local(report.generated_at)),
        ("Uppgifterna avser läget", _local(report.data_as_of)),
        ("Gräns för röjandeskydd", f"färre än {report.threshold} personer visas inte"),
        ("Så läser du tabellerna", reading_guide(report)),
    ]
    facts += [("Anmärkning", note) for note in report.notes]
    facts += [("Blad", f"{name}: {figure.title}") for name, figure in zip(sheet_names, report.figures,
                                                                           strict=True)]
    for number, (label, text) in enumerate(facts, start=3):
        _set_text(about.cell(number, 1), label)
        about.cell(number, 1).font = bold
        about.cell(number, 1).alignment = wrap
        _set_text(about.cell(number, 2), text)
        about.cell(number, 2).alignment = wrap
        if len(text) > 80:
            about.row_dimensions[number].height = _wrapped_height(text, 80)
    about.column_dimensions["A"].width = 26
    about.column_dimensions["B"].width = 90

    for name, figure in zip(sheet_names, report.figures, strict=True):
        sheet = workbook.create_sheet(name)
        _set_text(sheet.cell(1, 1), figure.title)
        sheet.cell(1, 1).font = heading
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
        _set_text(sheet.cell(2, 1), figure.definition)
        sheet.cell(2, 1).alignment = wrap
        label_width = 30
        line = 4
        for table in figure.tables:
            _set_text(sheet.cell(line, 1), table.caption)
            sheet.cell(line, 1).font = bold
            line += 1
            for column, gender in enumerate(GENDERS, start=2):
                _set_text(sheet.cell(line, column), GENDER_LABELS[gender])
                sheet.cell(line, column).font = bold
                sheet.cell(line, column).alignment = right
            line += 1
            for row in table.rows:
                _set_text(sheet.cell(line, 1), row.label)
                label_width = max(label_width, min(len(row.label) + 2, 70))
                for column, gender in enumerate(GENDERS, start=2):
                    cell = sheet.cell(line, column)
                    value = _excel_value(row.cell(gender), row.kind)
                    if isinstance(value, str):
                        _set_text(cell, value)
                        cell.alignment = right
                    else:
                        cell.value = value
                        cell.number_format = NUMBER_FORMATS[row.kind]
                if row.total:
                    for column in range(1, 5):
                        sheet.cell(line, column).font = bold
                line += 1
            if table.note:
                _set_text(sheet.cell(line, 1), table.note)
                sheet.cell(line, 1).font = Font(italic=True)
                line += 1
            line += 1
        _set_text(sheet.cell(line, 1), explanation(report))
        sheet.cell(line, 1).font = Font(italic=True)
        sheet.column_dimensions["A"].width = label_width
        sheet.row_dimensions[2].height = _wrapped_height(figure.definition, label_width + 3 * 14)
        for column in range(2, 5):
            sheet.column_dimensions[get_column_letter(column)].width = 14
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------

def _cells(row) -> list[dict]:
    cells = []
    for gender in GENDERS:
        value = row.cell(gender)
        cells.append({"text": format_value(value, row.kind),
                      "hidden": value is SUPPRESSED, "empty": value is None})
    return cells


_TEXT_STYLES = {  # role → (font size, bold, colour)
    "category": (10, True, svg.TEXT_COLOUR),
    "series": (9, False, svg.TEXT_COLOUR),
    "value": (9, False, svg.TEXT_COLOUR),
    "hidden": (9, True, svg.TEXT_COLOUR),
    "axis": (8, False, "#444444"),
    "line-name": (9, True, svg.TEXT_COLOUR),
}


def _marker_points(shape: str, x: float, y: float, size: float = 4) -> str:
    if shape == "square":
        corners = ((x - size, y - size), (x + size, y - size), (x + size, y + size), (x - size, y + size))
    else:  # diamond
        size += 1
        corners = ((x, y - size), (x + size, y), (x, y + size), (x - size, y))
    return " ".join(f"{round(a, 2)},{round(b, 2)}" for a, b in corners)


def _chart(figure) -> dict | None:
    """The chart of ``figure`` as shapes ready for the SVG in the template."""
    chart = figure.chart
    if chart is None or not chart.series:
        return None
    shapes = svg.layout(chart, width=600)
    ident = "chart-" + "".join(char if char.isalnum() else "-" for char in figure.key)
    patterns, fills = [], {}
    for gender in dict.fromkeys(series.gender for series in chart.series):
        style = svg.series_style(gender)
        if style["pattern"] == "solid":
            fills[gender] = style["colour"]
        else:
            pattern_id = f"{ident}-{gender}"
            patterns.append({"id": pattern_id, "colour": style["colour"], "kind": style["pattern"]})
            fills[gender] = f"url(#{pattern_id})"

    def colour(gender):
        return svg.series_style(gender)["colour"]

    markers = []
    for marker in shapes.markers:
        shape = svg.series_style(marker.gender)["marker"]
        markers.append({"circle": shape == "circle", "x": marker.x, "y": marker.y,
                        "points": "" if shape == "circle" else _marker_points(shape, marker.x, marker.y),
                        "colour": colour(marker.gender)})
    texts = []
    for text in shapes.texts:
        size, bold, fill = _TEXT_STYLES.get(text.role, _TEXT_STYLES["value"])
        texts.append({"x": text.x, "y": text.y, "text": text.text, "anchor": text.anchor,
                      "size": size, "weight": "bold" if bold else "normal", "fill": fill})
    return {
        "id": ident,
        "title": chart.title,
        "description": _chart_description(chart),
        "width": shapes.width,
        "height": shapes.height,
        "patterns": patterns,
        "bars": [{"x": bar.x, "y": bar.y, "width": bar.width, "height": bar.height,
                  "fill": fills[bar.gender], "stroke": colour(bar.gender)} for bar in shapes.bars],
        "lines": [{"points": " ".join(f"{x},{y}" for x, y in line.points),
                   "colour": colour(line.gender), "dash": svg.series_style(line.gender)["dash"]}
                  for line in shapes.lines],
        "markers": markers,
        "segments": [{"x1": seg.x1, "y1": seg.y1, "x2": seg.x2, "y2": seg.y2,
                      "colour": svg.TEXT_COLOUR if seg.role == "axis" else "#cccccc",
                      "width": 1 if seg.role == "axis" else 0.5} for seg in shapes.segments],
        "texts": texts,
        "legend": [{"x": item.x, "y": item.y, "size": item.size, "fill": fills[item.gender],
                    "stroke": colour(item.gender), "name": item.name,
                    "text_x": item.text_x, "text_y": item.text_y} for item in shapes.legend],
    }


def _chart_description(chart) -> str:
    """A text equivalent of the chart (for screen readers reading the tagged PDF)."""
    parts = []
    for series in chart.series:
        points = ", ".join(f"{label} {format_value(value, chart.value_kind)}"
                           for label, value in series.points)
        parts.append(f"{series.name}: {points}")
    return f"{chart.title}. " + "; ".join(parts) + "."


def pdf_context(report) -> dict:
    """Everything the PDF template shows, already formatted."""
    return {
        "title": TITLE,
        "municipality": report.municipality_name,
        "municipality_code": report.municipality_code,
        "period": period_text(report),
        "unit": report.unit_name,
        "date": _local(report.generated_at)[:10],
        "generated": _local(report.generated_at),
        "data_as_of": _local(report.data_as_of) if report.data_as_of else "",
        "threshold": report.threshold,
        "reading_guide": reading_guide(report),
        "notes": list(report.notes),
        "genders": [GENDER_LABELS[gender] for gender in GENDERS],
        "figures": [{
            "key": figure.key,
            "title": figure.title,
            "definition": figure.definition,
            "tables": [{"caption": table.caption, "note": table.note,
                        "rows": [{"label": row.label, "total": row.total, "cells": _cells(row)}
                                 for row in table.rows]}
                       for table in figure.tables],
            "chart": _chart(figure),
        } for figure in report.figures],
    }


def report_pdf_html(report) -> str:
    with translation.override("sv"):
        return render_to_string("statistics/report_pdf.html", pdf_context(report))


def report_pdf(report) -> bytes:
    """The report as an A4 PDF for a nämnd meeting (tagged, for screen readers)."""
    html = report_pdf_html(report)
    return weasyprint.HTML(string=html, base_url=None).write_pdf(pdf_tags=True)
