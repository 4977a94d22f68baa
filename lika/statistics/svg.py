"""Geometry of the statistics charts, independent of how they are drawn.

:func:`bar_layout` and :func:`line_layout` turn a :class:`~lika.statistics.report.Chart`
into a :class:`Layout`: plain shapes with coordinates (SVG user units, origin top left,
y downwards) and the texts to write next to them.  The PDF template draws them as inline
SVG; the web page can draw the same shapes.  Nothing here knows about HTML or SVG syntax,
and the result depends only on the chart and the arguments (coordinates are rounded to two
decimals), so two renderers draw the same picture.

Hidden (``SUPPRESSED``) and empty (``None``) points are never drawn: a bar chart writes
``..`` or ``–`` where the bar would start, a line chart breaks the line there and writes the
mark under the axis.  Series are told apart by colour *and* by something that is not
colour: each bar is named, bars have a pattern (:data:`SERIES_STYLES`) and lines have their
own marker shape and dash, and every line is named at its end.

Values are expected to be zero or positive (counts, amounts, shares, days); a negative
value is drawn as zero (its text is still written).
"""

from dataclasses import dataclass
from fractions import Fraction

from lika.core.disclosure import SUPPRESSED

from .report import format_value

# Colour, fill pattern, marker and dash per gender.  Purple and teal both have a contrast of
# more than 4.5:1 against white; the pattern, marker and dash tell the series apart
# without colour.
SERIES_STYLES = {
    "K": {"colour": "#7b2d8e", "pattern": "solid", "marker": "circle", "dash": ""},
    "M": {"colour": "#1f6f8b", "pattern": "hatch", "marker": "square", "dash": "6 3"},
    "T": {"colour": "#4a4a4a", "pattern": "dots", "marker": "diamond", "dash": "2 2"},
}
TEXT_COLOUR = "#111111"


def series_style(gender: str) -> dict:
    """The style of a series of ``gender`` (``K``/``M``/``T``; anything else as ``T``)."""
    return SERIES_STYLES.get(gender, SERIES_STYLES["T"])


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    anchor: str = "start"  # "start", "middle" or "end": which end of the text is at x
    role: str = "value"  # "category", "series", "value", "hidden", "axis", "line-name"
    gender: str = ""  # the series the text belongs to, if any


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # index in chart.series
    gender: str
    name: str  # the series' name
    label: str  # the point's label
    value_text: str


@dataclass(frozen=True)
class Marker:
    x: float  # the centre
    y: float
    series: int
    gender: str
    label: str
    value_text: str


@dataclass(frozen=True)
class Polyline:
    """One unbroken stretch of a line: hidden points split a series into several."""

    series: int
    gender: str
    name: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Segment:
    """An axis or a grid line."""

    x1: float
    y1: float
    x2: float
    y2: float
    role: str = "grid"  # "axis" or "grid"


@dataclass(frozen=True)
class LegendItem:
    x: float  # the swatch's top left corner
    y: float
    size: float
    series: int
    gender: str
    name: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Layout:
    kind: str
    width: float
    height: float
    bars: tuple[Bar, ...] = ()
    lines: tuple[Polyline, ...] = ()
    markers: tuple[Marker, ...] = ()
    segments: tuple[Segment, ...] = ()
    texts: tuple[Text, ...] = ()
    legend: tuple[LegendItem, ...] = ()


def layout(chart, width: float = 600) -> Layout:
    """The layout of ``chart`` by its kind (``bars`` or ``line``)."""
    if chart.kind == "bars":
        return bar_layout(chart, width=width)
    if chart.kind == "line":
        return line_layout(chart, width=width)
    raise ValueError(f"okänd diagramtyp {chart.kind!r}")


def _round(number) -> float:
    return round(float(number), 2)


def _shown(value) -> bool:
    return value is not SUPPRESSED and value is not None


def _mark(value) -> str:
    return ".." if value is SUPPRESSED else "–"


def _labels(chart) -> list[str]:
    """The point labels of all series, in the order they first appear."""
    return list(dict.fromkeys(label for series in chart.series for label, _ in series.points))


def _value_of(series, label):
    for point_label, value in series.points:
        if point_label == label:
            return value
    return None


def _non_negative(value) -> Fraction:
    return max(Fraction(value), Fraction(0))


# --- bars ---------------------------------------------------------------------------------

def bar_layout(chart, width: float = 600, *, series_width: float = 70, value_width: float = 90,
               bar_height: float = 12, bar_gap: float = 3, label_height: float = 16,
               group_gap: float = 8) -> Layout:
    """Grouped horizontal bars: for every point label a group headed by the label, with
    one bar per series, each bar named on its left and its value written on its right.

    The bars start at ``x = series_width``; the largest value fills the whole bar area
    (``width - series_width - value_width``) and the others are proportional to it.  A
    hidden or empty point has no bar; ``..`` or ``–`` is written where it would start.
    """
    area = Fraction(width) - Fraction(series_width) - Fraction(value_width)
    if area <= 0:
        raise ValueError("diagrammet är för smalt")
    shown = [_non_negative(value) for series in chart.series for _, value in series.points
             if _shown(value)]
    largest = max(shown, default=Fraction(0))
    bars, texts, axes = [], [], []
    y = Fraction(0)
    for label in _labels(chart):
        texts.append(Text(0, _round(y + label_height - 4), label, role="category"))
        y += label_height
        group_top = y
        for index, series in enumerate(chart.series):
            value = _value_of(series, label)
            middle = y + Fraction(bar_height) / 2
            baseline = _round(middle + 4)  # about a third of a 10–11 unit font below the middle
            texts.append(Text(_round(series_width - 6), baseline, series.name, anchor="end",
                              role="series", gender=series.gender))
            if _shown(value):
                length = area * _non_negative(value) / largest if largest else Fraction(0)
                text = format_value(value, chart.value_kind)
                bars.append(Bar(_round(series_width), _round(y), _round(length), _round(bar_height),
                                index, series.gender, series.name, label, text))
                texts.append(Text(_round(series_width + length + 4), baseline, text,
                                  role="value", gender=series.gender))
            else:
                texts.append(Text(_round(series_width + 4), baseline, _mark(value),
                                  role="hidden", gender=series.gender))
            y += bar_height + bar_gap
        # the axis runs beside each group's bars only, never through the label above them (issue 17)
        axes.append(Segment(_round(series_width), _round(group_top), _round(series_width), _round(y - bar_gap),
                            role="axis"))
        y += group_gap
    height = max(y - group_gap - bar_gap, Fraction(0))
    return Layout("bars", _round(width), _round(height), bars=tuple(bars),
                  segments=tuple(axes), texts=tuple(texts))


# --- lines --------------------------------------------------------------------------------

# The smallest step between two axis ticks per kind of value: one person, one krona
# (100 öre), a tenth of a percent, a tenth of a day.
_SMALLEST_STEP = {"count": Fraction(1), "kronor": Fraction(100), "percent": Fraction(1, 1000),
                  "days": Fraction(1, 10)}


def nice_step(largest, kind: str, ticks: int = 4) -> Fraction:
    """A round step (1, 2 or 5 times a power of ten) such that about ``ticks`` steps reach
    ``largest``; never below the smallest meaningful step of ``kind``."""
    smallest = _SMALLEST_STEP.get(kind, Fraction(1, 10))
    raw = Fraction(largest) / ticks
    if raw <= smallest:
        return smallest
    power = Fraction(1)
    while power * 10 <= raw:
        power *= 10
    while power > raw:
        power /= 10
    for factor in (1, 2, 5, 10):
        if power * factor >= raw:
            return max(power * factor, smallest)
    return max(power * 10, smallest)  # not reached


def line_layout(chart, width: float = 600, plot_height: float = 180, *, left: float = 70,
                right: float = 90, top: float = 10) -> Layout:
    """A line per series over the point labels, spread evenly from left to right.

    The y axis starts at zero and ends at the first round tick at or above the largest
    value (:func:`nice_step`); the ticks are written on the left.  A hidden or empty point
    breaks its line (no point is invented) and its mark (``..``/``–``, with the series'
    name) is written under the axis.  Every series gets a marker per shown point, its name
    after its last shown point, and a legend entry under the chart.
    """
    labels = _labels(chart)
    shown = [_non_negative(value) for series in chart.series for _, value in series.points
             if _shown(value)]
    largest = max(shown, default=Fraction(0))
    step = nice_step(largest, chart.value_kind)
    steps = max(1, -(-largest // step))  # ceil
    top_value = step * steps
    # room on the left for the longest tick text (about 6.5 units a character)
    longest = max(len(_tick_text(step * tick, chart.value_kind)) for tick in range(int(steps) + 1))
    left = max(Fraction(left), Fraction(13 * longest, 2) + 10)
    plot_left, plot_right = Fraction(left), Fraction(width) - Fraction(right)
    plot_top, plot_bottom = Fraction(top), Fraction(top) + Fraction(plot_height)
    if plot_right <= plot_left or plot_bottom <= plot_top:
        raise ValueError("diagrammet är för litet")
    # write every n-th point label, so that the labels never overlap
    label_width = 7 * max((len(label) for label in labels), default=1) + 10
    room = (plot_right - plot_left) / max(1, len(labels) - 1) if len(labels) > 1 else label_width
    every = max(1, -(-label_width // room))  # ceil

    def x_of(position: int) -> Fraction:
        if len(labels) == 1:
            return (plot_left + plot_right) / 2
        return plot_left + (plot_right - plot_left) * position / (len(labels) - 1)

    def y_of(value) -> Fraction:
        return plot_bottom - (plot_bottom - plot_top) * _non_negative(value) / top_value

    segments, texts = [], []
    for tick in range(int(steps) + 1):
        value = step * tick
        y = _round(y_of(value))
        segments.append(Segment(_round(plot_left), y, _round(plot_right), y,
                                role="axis" if tick == 0 else "grid"))
        texts.append(Text(_round(plot_left - 6), _round(y + 4), _tick_text(value, chart.value_kind),
                          anchor="end", role="axis"))
    for position, label in enumerate(labels):
        if position % every == 0 or position == len(labels) - 1 and every == 1:
            texts.append(Text(_round(x_of(position)), _round(plot_bottom + 14), label, anchor="middle",
                              role="category"))

    lines, markers, ends, hidden_rows = [], [], [], {}
    # where no series has a value (a month not yet paid, or every group hidden) one mark says so,
    # not a stray "Kvinnor .. / Män .." pile under the axis (issue 17)
    nothing = {position for position, label in enumerate(labels)
               if len(chart.series) > 1 and not any(_shown(_value_of(s, label)) for s in chart.series)}
    for index, series in enumerate(chart.series):
        stretch, last = [], None
        for position, label in enumerate(labels):
            value = _value_of(series, label)
            if not _shown(value):
                if stretch:
                    lines.append(Polyline(index, series.gender, series.name, tuple(stretch)))
                stretch = []
                if position in nothing:
                    if position not in hidden_rows:
                        hidden_rows[position] = 1
                        texts.append(Text(_round(x_of(position)), _round(plot_bottom + 27), _mark(value),
                                          anchor="middle", role="hidden"))
                elif any(point_label == label for point_label, _ in series.points):
                    row = hidden_rows.get(position, 0)
                    hidden_rows[position] = row + 1
                    texts.append(Text(_round(x_of(position)), _round(plot_bottom + 27 + 11 * row),
                                      f"{series.name} {_mark(value)}", anchor="middle",
                                      role="hidden", gender=series.gender))
                continue
            point = (_round(x_of(position)), _round(y_of(value)))
            stretch.append(point)
            markers.append(Marker(point[0], point[1], index, series.gender, label,
                                  format_value(value, chart.value_kind)))
            last = point
        if stretch:
            lines.append(Polyline(index, series.gender, series.name, tuple(stretch)))
        if last is not None:
            ends.append([last[1], index, last[0]])

    # Name every line after its last point; names closer than a line of text are pushed apart.
    ends.sort(key=lambda end: (end[0], end[1]))
    for number in range(1, len(ends)):
        ends[number][0] = max(ends[number][0], ends[number - 1][0] + 11)
    for y, index, x in ends:
        series = chart.series[index]
        texts.append(Text(_round(Fraction(x) + 8), _round(Fraction(y) + 4), series.name,
                          role="line-name", gender=series.gender))

    # Under the plot: the point labels, the rows of hidden marks, then the legend.
    legend_y = plot_bottom + 24 + 11 * max(hidden_rows.values(), default=0)
    legend, x = [], plot_left
    for index, series in enumerate(chart.series):
        legend.append(LegendItem(_round(x), _round(legend_y), 10, index, series.gender, series.name,
                                 _round(x + 14), _round(legend_y + 9)))
        x += 14 + 7 * len(series.name) + 16
    return Layout("line", _round(width), _round(legend_y + 14), lines=tuple(lines),
                  markers=tuple(markers), segments=tuple(segments), texts=tuple(texts),
                  legend=tuple(legend))


def _tick_text(value: Fraction, kind: str) -> str:
    if kind in ("count", "kronor"):
        return format_value(int(value), kind)
    return format_value(value, kind)
