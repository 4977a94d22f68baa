"""The statistics exports (CSV, Excel, PDF) and the chart geometry, on reports built by hand."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from lika.core.disclosure import SUPPRESSED
from lika.core.periods import Period
from lika.statistics import svg
from lika.statistics.exports import CSV_HEADER, report_csv, report_pdf, report_xlsx, sheet_title
from lika.statistics.report import Chart, ChartSeries, Figure, Report, Row, Table


def make_report(**changes) -> Report:
    households = Figure(
        key="hushall",
        title="Biståndsmottagare per försörjningshinder",
        definition="Vuxna som fått ekonomiskt bistånd under perioden, efter försörjningshinder.",
        tables=(Table("Antal vuxna", (
            Row("Arbetslös", "count", (120, 95, 215), kpi="N31807"),
            Row("Sjuk", "count", (SUPPRESSED, 7, SUPPRESSED)),
            Row("Föräldraledig", "count", (12, 0, 12)),
            Row("Totalt", "count", (SUPPRESSED, 102, SUPPRESSED), total=True),
        ), note="Försörjningshinder enligt Socialstyrelsens indelning."),),
        chart=Chart("bars", "Antal vuxna per försörjningshinder", "count", (
            ChartSeries("Kvinnor", "K", (("Arbetslös", 120), ("Sjuk", SUPPRESSED), ("Föräldraledig", 12))),
            ChartSeries("Män", "M", (("Arbetslös", 95), ("Sjuk", 7), ("Föräldraledig", 0))),
        )),
    )
    amounts = Figure(
        key="belopp",
        title="Utbetalt bistånd och andelar: kvinnor [K] / män [M]",
        definition="Utbetalt belopp per vuxen, andel med eget konto och genomsnittlig handläggningstid.",
        tables=(
            Table("Belopp", (
                Row("Utbetalt per vuxen", "kronor", (1234550, 987600, 2222150),
                    counts=(10, 8, 18)),
                Row("Utbetalt, ej delat", "kronor", (None, SUPPRESSED, 5000),
                    counts=(0, 3, 2)),  # a hidden cell never shows its count
            )),
            Table("Andelar och tider", (
                Row("Andel med eget konto", "percent", (Fraction(29, 60), Fraction(1, 2), None),
                    counts=(60, 40, SUPPRESSED)),
                Row("Handläggningstid, dagar", "days", (Fraction(25, 2), Fraction(37, 3), Fraction(99, 8))),
            )),
        ),
        chart=Chart("line", "Andel med eget konto per månad", "percent", (
            ChartSeries("Kvinnor", "K", (("jan", Fraction(1, 2)), ("feb", SUPPRESSED), ("mar", Fraction(3, 5)))),
            ChartSeries("Män", "M", (("jan", Fraction(1, 4)), ("feb", Fraction(1, 5)), ("mar", Fraction(3, 10)))),
        )),
    )
    values = dict(
        municipality_code="0180", municipality_name="Exempelby kommun",
        period=Period.of_month(2026, 5), unit_name="Hela kommunen", threshold=5,
        figures=(households, amounts),
        generated_at=datetime(2026, 6, 2, 8, 30, tzinfo=UTC),
        data_as_of=datetime(2026, 6, 2, 3, 0, tzinfo=UTC),
        notes=("Preliminära uppgifter.",),
    )
    values.update(changes)
    return Report(**values)


# --- CSV ----------------------------------------------------------------------------------

def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def cell(rows, table, label, gender):
    [row] = [r for r in rows if r["tabell"] == table and r["rad"] == label and r["kon"] == gender]
    return row


def test_csv_header_is_documented():
    assert ";".join(CSV_HEADER) == "kommun;period;enhet;nyckeltal;rubrik;tabell;rad;kon;varde;mattenhet;antal;status"


def test_csv_has_one_self_contained_row_per_cell():
    rows = read_csv(report_csv(make_report()))
    assert len(rows) == 3 * (4 + 2 + 2)
    assert {(r["kommun"], r["period"], r["enhet"]) for r in rows} == {("0180", "2026-05", "Hela kommunen")}
    assert [r["kon"] for r in rows[:3]] == ["K", "M", "T"]
    first = rows[0]
    assert first["nyckeltal"] == "hushall"
    assert first["rubrik"] == "Biståndsmottagare per försörjningshinder"
    assert first["tabell"] == "Antal vuxna"


@pytest.mark.parametrize(("table", "label", "gender", "value", "unit", "count", "status"), [
    ("Antal vuxna", "Arbetslös", "K", "120", "antal", "", ""),
    ("Antal vuxna", "Sjuk", "K", "", "antal", "", ".."),
    ("Antal vuxna", "Sjuk", "M", "7", "antal", "", ""),
    ("Antal vuxna", "Föräldraledig", "M", "0", "antal", "", ""),
    ("Antal vuxna", "Totalt", "T", "", "antal", "", ".."),
    ("Belopp", "Utbetalt per vuxen", "K", "12345,50", "kr", "10", ""),
    ("Belopp", "Utbetalt per vuxen", "T", "22221,50", "kr", "18", ""),
    ("Belopp", "Utbetalt, ej delat", "K", "", "kr", "0", "-"),
    ("Belopp", "Utbetalt, ej delat", "M", "", "kr", "", ".."),
    ("Belopp", "Utbetalt, ej delat", "T", "50,00", "kr", "2", ""),
    ("Andelar och tider", "Andel med eget konto", "K", "48,3", "procent", "60", ""),
    ("Andelar och tider", "Andel med eget konto", "M", "50,0", "procent", "40", ""),
    ("Andelar och tider", "Andel med eget konto", "T", "", "procent", "", "-"),
    ("Andelar och tider", "Handläggningstid, dagar", "K", "12,5", "dagar", "", ""),
    ("Andelar och tider", "Handläggningstid, dagar", "M", "12,3", "dagar", "", ""),
    ("Andelar och tider", "Handläggningstid, dagar", "T", "12,4", "dagar", "", ""),
])
def test_csv_cells(table, label, gender, value, unit, count, status):
    row = cell(read_csv(report_csv(make_report())), table, label, gender)
    assert (row["varde"], row["mattenhet"], row["antal"], row["status"]) == (value, unit, count, status)


def test_csv_quotes_a_separator_in_a_label():
    report = make_report(unit_name="Enhet; Norr")
    data = report_csv(report)
    assert b'"Enhet; Norr"' in data
    assert read_csv(data)[0]["enhet"] == "Enhet; Norr"


# --- Excel --------------------------------------------------------------------------------

def load(report=None):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(report_xlsx(report or make_report())))


def find_row(sheet, label):
    for row in sheet.iter_rows():
        if row[0].value == label:
            return row
    raise AssertionError(f"no row {label!r}")


def test_xlsx_sheets_and_properties():
    book = load()
    assert book.sheetnames == ["Om rapporten", "Biståndsmottagare per försörjni",
                               "Utbetalt bistånd och andelar kv"]
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert book.properties.creator == "Lika"
    assert "Jämställdhetsstatistik" in book.properties.title
    about = book["Om rapporten"]
    texts = [c.value for row in about.iter_rows() for c in row if c.value]
    assert "Exempelby kommun (0180)" in texts
    assert "maj 2026 (2026-05-01–2026-05-31)" in texts
    assert "Hela kommunen" in texts
    assert "Preliminära uppgifter." in texts
    assert any("färre än 5 personer" in text and "”..”" in text for text in texts)


def test_xlsx_numbers_are_numbers_with_formats():
    sheet = load().worksheets[2]
    assert sheet["A1"].value == "Utbetalt bistånd och andelar: kvinnor [K] / män [M]"
    header = find_row(sheet, "Belopp")
    assert header[0].font.b
    kronor = find_row(sheet, "Utbetalt per vuxen")
    assert [c.data_type for c in kronor[1:4]] == ["n", "n", "n"]
    assert Decimal(str(kronor[1].value)) == Decimal("12345.50")
    assert kronor[1].number_format == '#,##0" kr"'
    share = find_row(sheet, "Andel med eget konto")
    assert Decimal(str(share[1].value)) == Decimal("0.483")
    assert Decimal(str(share[2].value)) == Decimal("0.5")
    assert share[1].number_format == "0.0%"
    assert share[3].value == "–"
    days = find_row(sheet, "Handläggningstid, dagar")
    assert Decimal(str(days[2].value)) == Decimal("12.3")
    assert days[2].number_format == "0.0"
    hidden = find_row(sheet, "Utbetalt, ej delat")
    assert (hidden[1].value, hidden[2].value, hidden[2].data_type) == ("–", "..", "s")


def test_xlsx_counts_hidden_cells_and_bold_totals():
    sheet = load().worksheets[1]
    header = [c.value for c in sheet[find_row(sheet, "Arbetslös")[0].row - 1]][:4]
    assert header == [None, "Kvinnor", "Män", "Totalt"]
    counts = find_row(sheet, "Arbetslös")
    assert [c.value for c in counts[:4]] == ["Arbetslös", 120, 95, 215]
    assert isinstance(counts[1].value, int) and counts[1].number_format == "#,##0"
    assert not counts[0].font.b
    sick = find_row(sheet, "Sjuk")
    assert [c.value for c in sick[1:4]] == ["..", 7, ".."]
    total = find_row(sheet, "Totalt")
    assert all(c.font.b for c in total[:4])
    assert [c.value for c in total[1:4]] == ["..", 102, ".."]
    assert sheet.column_dimensions["A"].width >= 20


def test_xlsx_text_is_never_a_formula():
    report = make_report(unit_name="=HYPERLINK(\"http://example.com\")")
    about = load(report)["Om rapporten"]
    [cell] = [c for row in about.iter_rows() for c in row if str(c.value).startswith("=HYPER")]
    assert cell.data_type == "s"


@pytest.mark.parametrize(("title", "taken", "expected"), [
    ("Kort", set(), "Kort"),
    ("a/b\\c?d*e[f]g:h", set(), "a b c d e f g h"),
    ("x" * 40, set(), "x" * 31),
    ("Kort", {"kort"}, "Kort (2)"),
    ("x" * 40, {"x" * 31}, "x" * 27 + " (2)"),
    ("'citat'", set(), "citat"),
    ("Om rapporten", {"om rapporten"}, "Om rapporten (2)"),
    ("History", set(), "History (2)"),
    ("???", set(), "Nyckeltal"),
])
def test_sheet_titles(title, taken, expected):
    assert sheet_title(title, taken) == expected
    assert expected.lower() in taken


# --- PDF ----------------------------------------------------------------------------------

def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_contains_titles_tables_and_hidden_marks():
    data = report_pdf(make_report())
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Jämställdhetsstatistik – ekonomiskt bistånd" in text
    assert "Biståndsmottagare per försörjningshinder" in text
    assert "Utbetalt bistånd och andelar" in text
    assert "Exempelby kommun" in text and "maj 2026" in text
    assert ".." in text
    assert "48,3" in text
    assert "Sida 1 av" in text
    assert "Antal vuxna per försörjningshinder" in text  # the chart's caption


def test_pdf_html_draws_the_charts():
    from lika.statistics.exports import report_pdf_html

    html = report_pdf_html(make_report())
    assert html.count("<svg") == 2
    assert html.count("<rect") >= 5  # five shown bars (one hidden) and the legend
    assert "<polyline" in html
    assert 'lang="sv"' in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert '<th scope="row">Sjuk</th>' in html


def test_pdf_without_charts_or_figures():
    data = report_pdf(make_report(figures=(), notes=(), data_as_of=None))
    assert data.startswith(b"%PDF")
    assert "Jämställdhetsstatistik" in pdf_text(data)


# --- chart geometry -----------------------------------------------------------------------

def bars_chart(*values, kind="count"):
    return Chart("bars", "t", kind, (
        ChartSeries("Kvinnor", "K", tuple((f"p{i}", v) for i, v in enumerate(values))),
    ))


@pytest.mark.parametrize(("values", "widths"), [
    ((100, 50, 25), [400, 200, 100]),
    ((10, 40), [100, 400]),
    ((0, 8), [0, 400]),
    ((0, 0), [0, 0]),
    ((Fraction(1, 3), Fraction(2, 3)), [200, 400]),
    ((7,), [400]),
])
def test_bar_widths_are_proportional_and_the_largest_fills_the_area(values, widths):
    layout = svg.bar_layout(bars_chart(*values), width=560, series_width=70, value_width=90)
    assert [bar.width for bar in layout.bars] == widths
    assert all(bar.x == 70 for bar in layout.bars)


def test_hidden_points_have_no_bar_but_a_mark():
    layout = svg.bar_layout(bars_chart(20, SUPPRESSED, None, 10), width=560)
    assert [bar.label for bar in layout.bars] == ["p0", "p3"]
    marks = [t.text for t in layout.texts if t.role == "hidden"]
    assert marks == ["..", "–"]
    values = [t.text for t in layout.texts if t.role == "value"]
    assert values == ["20", "10"]


def test_grouped_bars_are_in_order_and_do_not_overlap():
    chart = make_report().figure("hushall").chart
    layout = svg.bar_layout(chart)
    assert [(b.label, b.name) for b in layout.bars] == [
        ("Arbetslös", "Kvinnor"), ("Arbetslös", "Män"), ("Sjuk", "Män"),
        ("Föräldraledig", "Kvinnor"), ("Föräldraledig", "Män")]
    tops = [b.y for b in layout.bars]
    assert tops == sorted(tops)
    assert all(a.y + a.height <= b.y for a, b in zip(layout.bars, layout.bars[1:], strict=False))
    assert layout.height >= layout.bars[-1].y + layout.bars[-1].height
    assert [t.text for t in layout.texts if t.role == "category"] == ["Arbetslös", "Sjuk", "Föräldraledig"]
    # every bar row is named, hidden or not: not by colour alone
    assert [t.text for t in layout.texts if t.role == "series"] == ["Kvinnor", "Män"] * 3
    assert layout == svg.bar_layout(chart)  # deterministic


def test_line_points_are_ordered_and_hidden_points_break_the_line():
    chart = make_report().figure("belopp").chart
    layout = svg.line_layout(chart)
    women = [line for line in layout.lines if line.gender == "K"]
    men = [line for line in layout.lines if line.gender == "M"]
    assert len(women) == 2 and len(men) == 1  # "feb" is hidden for women
    assert len(men[0].points) == 3
    xs = [x for x, _ in men[0].points]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert women[0].points[0][0] == xs[0] and women[1].points[0][0] == xs[2]
    # higher values are drawn higher (smaller y)
    assert women[0].points[0][1] < men[0].points[0][1]
    assert [t.text for t in layout.texts if t.role == "hidden"] == ["Kvinnor .."]
    assert [t.text for t in layout.texts if t.role == "line-name"] == ["Kvinnor", "Män"]
    assert [item.name for item in layout.legend] == ["Kvinnor", "Män"]
    assert len(layout.markers) == 5


@pytest.mark.parametrize(("largest", "kind", "step"), [
    (Fraction(3, 5), "percent", Fraction(1, 5)),
    (Fraction(1, 2), "percent", Fraction(1, 5)),
    (215, "count", 100),
    (3, "count", 1),
    (0, "count", 1),
    (1234550, "kronor", 500000),
    (Fraction(25, 2), "days", 5),
])
def test_nice_steps(largest, kind, step):
    assert svg.nice_step(largest, kind) == step


def test_line_axis_starts_at_zero_and_covers_the_largest_value():
    chart = Chart("line", "t", "count", (ChartSeries("Totalt", "T", (("a", 0), ("b", 215))),))
    layout = svg.line_layout(chart, plot_height=180, top=10)
    axis_texts = [t.text for t in layout.texts if t.role == "axis"]
    assert axis_texts == ["0", "100", "200", "300"]
    [line] = layout.lines
    assert line.points[0][1] == 190  # zero on the axis
    assert line.points[1][1] == pytest.approx(190 - 180 * 215 / 300, abs=0.01)


def test_unknown_chart_kind():
    with pytest.raises(ValueError, match="diagramtyp"):
        svg.layout(Chart("pie", "t", "count", ()))
