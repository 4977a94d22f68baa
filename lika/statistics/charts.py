"""Draw a report chart as inline SVG for the statistics page, from the renderer-independent
geometry in ``lika.statistics.svg`` (the PDF draws the same shapes).

Accessibility: the SVG is one image (``role="img"``) named by its title and described by a
sentence that says where the numbers are; every bar and point also carries its value as a
``<title>`` (a tooltip), the series are told apart by pattern, marker and dash as well as
colour, and the same numbers are in the table under the chart.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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
        out.append(format_html('<pattern id="{}-{}" patternUnits="userSpaceOnUse" width="6" height="6">'
                               '<rect width="6" height="6" fill="{}"/>{}</pattern>',
                               prefix, gender, style["colour"], mark_safe(mark)))
    return "".join(out)


def _marker(marker) -> str:
    colour = series_style(marker.gender)["colour"]
    shape = series_style(marker.gender)["marker"]
    x, y = marker.x, marker.y
    if shape == "circle":
        body = format_html('<circle cx="{}" cy="{}" r="4" fill="{}">', _n(x), _n(y), colour)
        end = "</circle>"
    else:
        if shape == "square":
            points = f"{x - 4:g},{y - 4:g} {x + 4:g},{y - 4:g} {x + 4:g},{y + 4:g} {x - 4:g},{y + 4:g}"
        else:
            points = f"{x:g},{y - 5:g} {x + 5:g},{y:g} {x:g},{y + 5:g} {x - 5:g},{y:g}"
        body = format_html('<polygon points="{}" fill="{}">', points, colour)
        end = "</polygon>"
    return body + format_html("<title>{}, {}: {}</title>", marker.label, _name(marker), marker.value_text) + end


def _name(marker) -> str:
    return {"K": "kvinnor", "M": "män"}.get(marker.gender, "totalt")


def chart_svg(chart, key: str, width: float = 640) -> str:
    """The chart as a safe SVG string; ``key`` makes its ids unique on the page."""
    shapes = layout(chart, width=width)
    prefix = f"chart-{key}"
    genders = {series.gender for series in chart.series}
    parts = [format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-labelledby="{}-title {}-desc" class="chart-svg" font-family="system-ui, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc><defs>',
        _n(shapes.width), _n(shapes.height), prefix, prefix, prefix, chart.title, prefix,
        "Diagram över " + ", ".join(series.name.lower() for series in chart.series)
        + ". Samma siffror finns i tabellen nedanför.")]
    parts.append(_patterns(genders, prefix))
    parts.append("</defs>")
    parts.append(format_html_join("", '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>',
                                  ((_n(s.x1), _n(s.y1), _n(s.x2), _n(s.y2), AXIS if s.role == "axis" else GRID,
                                    "1" if s.role == "axis" else "0.6") for s in shapes.segments)))
    for bar in shapes.bars:
        colour = series_style(bar.gender)["colour"]
        parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                                 'stroke-width="0.8"><title>{}, {}: {}</title></rect>',
                                 _n(bar.x), _n(bar.y), _n(bar.width), _n(bar.height), _fill(bar.gender, prefix),
                                 colour, bar.label, bar.name.lower(), bar.value_text))
    for line in shapes.lines:
        style = series_style(line.gender)
        points = " ".join(f"{x:g},{y:g}" for x, y in line.points)
        dash = format_html(' stroke-dasharray="{}"', style["dash"]) if style["dash"] else ""
        parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{}/>',
                                 points, style["colour"], dash))
    parts.extend(_marker(marker) for marker in shapes.markers)
    for text in shapes.texts:
        colour = series_style(text.gender)["colour"] if text.role == "line-name" and text.gender else TEXT
        parts.append(format_html('<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="{}">{}</text>',
                                 _n(text.x), _n(text.y), text.anchor, colour, text.text))
    for item in shapes.legend:
        colour = series_style(item.gender)["colour"]
        parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="0.8"/>'
                                 '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                                 _n(item.x), _n(item.y), _n(item.size), _n(item.size), _fill(item.gender, prefix),
                                 colour, _n(item.text_x), _n(item.text_y), TEXT, item.name))
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # every piece above is escaped

