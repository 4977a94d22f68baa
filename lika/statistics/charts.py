"""Draw a report chart as inline SVG for the statistics page, from the renderer-independent
geometry in ``lika.statistics.svg`` (the PDF draws the same shapes).

Accessibility: the SVG is one image (``role="img"``) named by its title and described by a
sentence that says where the numbers are; every bar and point also carries its value as a
``<title>`` (a tooltip), the series are told apart by pattern, marker and dash as well as
colour, and the same numbers are in the table under the chart.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .report import format_value
from .svg import layout, series_style

TEXT = "#111111"
AXIS = "#767676"
GRID = "#d0d0d0"


def _n(number) -> str:
    return f"{number:g}"


def _fill(gender: str, prefix: str) -> str:
    style = series_style(gender)
    return style["colour"] if style["pattern"] == "solid" else f"url(#{prefix}-{gender})"


def _patterns(genders, prefix: str) -> str:
    out = []
    for gender in sorted(genders):
        style = series_style(gender)
        if style["pattern"] == "solid":
            continue
        mark = ('<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="#ffffff" stroke-width="1.4"/>'
                if style["pattern"] == "hatch" else '<circle cx="3" cy="3" r="1.1" fill="#ffffff"/>')
        out.append(f'<pattern id="{prefix}-{escape(gender)}" patternUnits="userSpaceOnUse" width="6" height="6">'
                   f'<rect width="6" height="6" fill="{style["colour"]}"/>{mark}</pattern>')
    return "".join(out)


def _marker(marker) -> str:
    colour = series_style(marker.gender)["colour"]
    shape = series_style(marker.gender)["marker"]
    x, y = marker.x, marker.y
    if shape == "circle":
        body, end = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{colour}">', "</circle>"
    else:
        if shape == "square":
            points = f"{x - 4:g},{y - 4:g} {x + 4:g},{y - 4:g} {x + 4:g},{y + 4:g} {x - 4:g},{y + 4:g}"
        else:
            points = f"{x:g},{y - 5:g} {x + 5:g},{y:g} {x:g},{y + 5:g} {x - 5:g},{y:g}"
        body, end = f'<polygon points="{points}" fill="{colour}">', "</polygon>"
    return f"{body}<title>{escape(marker.label)}, {_name(marker)}: {escape(marker.value_text)}</title>{end}"


def _name(marker) -> str:
    return {"K": "kvinnor", "M": "män"}.get(marker.gender, "totalt")


def chart_svg(chart, key: str, width: float = 640) -> str:
    """The chart as a safe SVG string; ``key`` makes its ids unique on the page.  Every
    text that comes from the report (titles, labels, names, values) goes through
    ``escape``; the rest are numbers and this module's constants."""
    shapes = layout(chart, width=width)
    prefix = f"chart-{escape(key)}"
    genders = {series.gender for series in chart.series}
    description = escape("Diagram över " + ", ".join(series.name.lower() for series in chart.series)
                         + ". Samma siffror finns i tabellen nedanför.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(shapes.width)} {_n(shapes.height)}" '
        f'width="100%" role="img" aria-labelledby="{prefix}-title {prefix}-desc" class="chart-svg" '
        f'font-family="system-ui, sans-serif"><title id="{prefix}-title">{escape(chart.title)}</title>'
        f'<desc id="{prefix}-desc">{description}</desc><defs>',
        _patterns(genders, prefix), "</defs>"]
    for s in shapes.segments:
        colour, stroke = (AXIS, "1") if s.role == "axis" else (GRID, "0.6")
        parts.append(f'<line x1="{_n(s.x1)}" y1="{_n(s.y1)}" x2="{_n(s.x2)}" y2="{_n(s.y2)}" stroke="{colour}" '
                     f'stroke-width="{stroke}"/>')
    for bar in shapes.bars:
        colour = series_style(bar.gender)["colour"]
        parts.append(f'<rect x="{_n(bar.x)}" y="{_n(bar.y)}" width="{_n(bar.width)}" height="{_n(bar.height)}" '
                     f'fill="{_fill(bar.gender, prefix)}" stroke="{colour}" stroke-width="0.8"><title>'
                     f'{escape(bar.label)}, {escape(bar.name.lower())}: {escape(bar.value_text)}</title></rect>')
    for line in shapes.lines:
        style = series_style(line.gender)
        points = " ".join(f"{x:g},{y:g}" for x, y in line.points)
        dash = f' stroke-dasharray="{escape(style["dash"])}"' if style["dash"] else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{style["colour"]}" stroke-width="2"{dash}/>')
    parts.extend(_marker(marker) for marker in shapes.markers)
    for text in shapes.texts:
        colour = series_style(text.gender)["colour"] if text.role == "line-name" and text.gender else TEXT
        parts.append(f'<text x="{_n(text.x)}" y="{_n(text.y)}" text-anchor="{escape(text.anchor)}" font-size="11" '
                     f'fill="{colour}">{escape(text.text)}</text>')
    for item in shapes.legend:
        colour = series_style(item.gender)["colour"]
        parts.append(f'<rect x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.size)}" height="{_n(item.size)}" '
                     f'fill="{_fill(item.gender, prefix)}" stroke="{colour}" stroke-width="0.8"/>'
                     f'<text x="{_n(item.text_x)}" y="{_n(item.text_y)}" font-size="11" fill="{TEXT}">'
                     f'{escape(item.name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text from the report is escaped above


def table_html(table) -> str:
    """A report table as a safe HTML table for the statistics page (K, M, T columns; a
    hidden cell is an ``<abbr>`` saying why).  Built here rather than in a template loop:
    the page has some forty tables, and this keeps its rendering to a few milliseconds."""
    why = _("Dolt: för få personer")  # not inside the f-string: xgettext does not look there
    hidden = f'<abbr title="{escape(why)}">..</abbr>'
    head = "".join(f'<th scope="col" class="num">{escape(label)}</th>'
                   for label in (_("Kvinnor"), _("Män"), _("Totalt")))
    rows = []
    for row in table.rows:
        cells = []
        for value in row.cells:
            text = format_value(value, row.kind)
            cells.append(f'<td class="num">{hidden if text == ".." else escape(text)}</td>')
        opening = '<tr class="total">' if row.total else "<tr>"
        rows.append(f'{opening}<th scope="row">{escape(row.label)}</th>{"".join(cells)}</tr>')
    note = f'<p class="table-note">{escape(table.note)}</p>' if table.note else ""
    if table.parts_rounded:  # issue 17: say why the parts do not add up to the total
        rounded = _("Beloppen är avrundade till hela kronor. Därför kan kvinnor och män tillsammans skilja "
                    "sig med en krona från totalen.")
        note += f'<p class="table-note">{escape(rounded)}</p>'
    return mark_safe(  # noqa: S308 — every text from the report is escaped above
        f'<div class="table-scroll"><table class="statistics"><caption>{escape(table.caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(_("Uppgift"))}</th>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>{note}')
