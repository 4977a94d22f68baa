"""Issue 17, "Broken today": the charts (tests on the geometry and the texts)."""

from datetime import date

import pytest

from lika.statistics.figures import months_not_paid_yet
from lika.statistics.report import Chart
from lika.statistics.report import ChartSeries as Series
from lika.statistics.svg import bar_layout

NOV, DEC, JAN = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


@pytest.mark.parametrize(("today", "counts", "expected"), [
    (date(2026, 12, 6), {NOV: 5}, {DEC, JAN}),  # the current month, not paid yet: not a drop to 0
    (date(2026, 12, 6), {NOV: 5, DEC: 4}, {JAN}),  # paid this month: drawn
    (date(2027, 1, 2), {NOV: 5}, {JAN}),  # a past month without payments is a real 0
    (date(2026, 11, 30), {}, {NOV, DEC, JAN}),
])
def test_months_not_paid_yet(today, counts, expected):
    assert months_not_paid_yet([NOV, DEC, JAN], today, counts, {}) == expected


def test_direct_payments_count_as_paid():
    assert months_not_paid_yet([NOV, DEC], date(2026, 12, 6), {}, {DEC: 100}) == set()


def _bars(labels):
    return Chart("bars", "Test", "count", (
        Series("Kvinnor", "K", tuple((label, 10 + i) for i, label in enumerate(labels))),
        Series("Män", "M", tuple((label, 5 + i) for i, label in enumerate(labels))),
    ))


@pytest.mark.parametrize("labels", [["A"], ["Arbetslös, väntar på insats", "Sjukskriven med läkarintyg"],
                                    ["Ett", "Två", "Tre", "Fyra"]])
def test_the_bar_axis_never_strikes_through_a_category_label(labels):
    layout = bar_layout(_bars(labels))
    axes = [s for s in layout.segments if s.role == "axis"]
    assert axes
    for text in (t for t in layout.texts if t.role == "category"):
        top, bottom = text.y - 11, text.y + 3  # the label's line box
        for axis in axes:
            assert axis.y2 <= top or axis.y1 >= bottom, (text, axis)
    for bar in layout.bars:  # and every bar still has the axis beside it
        assert any(a.y1 <= bar.y and bar.y + bar.height <= a.y2 for a in axes)


@pytest.mark.parametrize(("cells", "rounded"), [
    ((10050, 10050, 20100), True),  # 100,50 + 100,50 = 201,00: written 101 + 101 ≠ 201
    ((10000, 20000, 30000), False),
    ((10049, 10049, 20098), True),  # written 100 + 100, total written 201
])
def test_a_table_whose_rounded_parts_do_not_add_up_says_so(cells, rounded):
    from lika.statistics.charts import table_html
    from lika.statistics.report import Row, Table

    table = Table("Utbetalt", (Row("Utbetalt", "kronor", cells),))
    expected = sum(int(round_half_up(c)) for c in cells[:2]) != int(round_half_up(cells[2]))
    assert expected is rounded
    assert table.parts_rounded is rounded
    assert ("avrundade till hela kronor" in table_html(table)) is rounded


def round_half_up(ore):
    from decimal import ROUND_HALF_UP, Decimal

    return (Decimal(ore) / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def test_a_month_without_any_value_gets_one_mark_not_one_per_series():
    from lika.core.disclosure import SUPPRESSED
    from lika.statistics.svg import line_layout

    chart = Chart("line", "Utbetalt", "kronor", (
        Series("Kvinnor", "K", (("jan", 100), ("feb", SUPPRESSED), ("mar", 300), ("apr", 200))),
        Series("Män", "M", (("jan", 150), ("feb", SUPPRESSED), ("mar", SUPPRESSED), ("apr", 250))),
    ))
    layout = line_layout(chart)
    hidden = [t.text for t in layout.texts if t.role == "hidden"]
    assert hidden == ["..", "Män .."], hidden  # feb: nothing shown at all; mar: only the men hidden
    assert not any(t.text.startswith("Kvinnor") for t in layout.texts if t.role == "hidden")
