"""The statistics page and its exports (analytiker, enhetschefer).  Aggregates only: no
view here reads or shows a person."""

import dataclasses
import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lika.audit.services import EXPORT, READ, access_log_write

from . import exports, persontable, refresh
from .access import can_view_statistics
from .charts import chart_svg, table_html
from .figures import build_report
from .forms import StatisticsForm

EXPORT_CACHE_SECONDS = 6 * 3600
FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.report_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.report_xlsx),
    "pdf": ("application/pdf", exports.report_pdf),
}


def _statistics_user(request):
    if not can_view_statistics(request.user):
        raise PermissionDenied
    return request.user


def _scope_text(form) -> str:
    unit = form.unit
    return f"{form.period.code} {unit.code if unit else 'hela kommunen'}"


@login_required
@require_http_methods(["GET", "POST"])
def statistics_page(request):
    user = _statistics_user(request)
    form = StatisticsForm(request.GET if request.method == "GET" else request.POST)
    if request.method == "POST":
        if form.is_valid():
            refresh.refresh_years(month.year for month in form.period.months())
            access_log_write(actor=user, action="update", object_type="statistics",
                             summary=f"Statistiken uppdaterad för {form.period.code}")
            messages.success(request, _("Statistiken är uppdaterad."))
            query = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
            return redirect(f"{request.path}?{urlencode(query)}")
        return render(request, "statistics/page.html", {"form": form, "report": None}, status=400)
    report = None
    if form.is_valid():
        report = build_report(period=form.period, unit=form.unit)
        access_log_write(actor=user, action=READ, object_type="statistics",
                         summary=f"Statistik {_scope_text(form)}")
    figures = _figure_markup(report) if report else []
    query = urlencode({key: value for key, value in request.GET.items()})
    context = {"form": form, "report": report, "figures": figures, "query": query,
               "file_tool": user.has_role(*persontable.TOOL_ROLES)}
    if report:
        context["municipality_name"] = report.municipality_name  # read already: the header needs no query
    return render(request, "statistics/page.html", context, status=200 if report else 400)


def _content_key(report) -> str:
    """What a report says, whenever and for whomever it was built: the same figures, refresh
    time and day give the same key."""
    content = repr(dataclasses.replace(report, generated_at=None)) + timezone.localdate().isoformat()
    return hashlib.sha256(content.encode()).hexdigest()


def _figure_markup(report) -> list[tuple]:
    """(figure, chart SVG, table HTML) for the page, drawn once per content and language:
    the figures are counted again for every request, but a page someone has already seen
    (the nämnd's year, a unit's quarter) is not drawn again until a figure changes."""
    key = f"statistics-page:{translation.get_language()}:{_content_key(report)}"
    markup = cache.get(key)
    if markup is None:
        markup = [(chart_svg(figure.chart, figure.key) if figure.chart else "",
                   [table_html(table) for table in figure.tables]) for figure in report.figures]
        cache.set(key, markup, timeout=EXPORT_CACHE_SECONDS)
    return [(figure, svg, tables) for figure, (svg, tables) in zip(report.figures, markup, strict=True)]


def _rendered(report, fmt, render_file) -> bytes:
    """The file of ``report``, rendered once per content: the same figures on the same day
    give the same file, so a second download (or a second member of the nämnd) does not
    typeset the PDF again.  Any change in the figures or the refresh time is a new key."""
    key = f"statistics-export:{fmt}:{_content_key(report)}"
    body = cache.get(key)
    if body is None:
        body = render_file(report)
        cache.set(key, body, timeout=EXPORT_CACHE_SECONDS)
    return body


@login_required
def statistics_export(request, fmt):
    user = _statistics_user(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if fmt not in FORMATS:
        raise Http404
    form = StatisticsForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(_("Ogiltigt urval: %(errors)s") % {"errors": errors}, status=400,
                            content_type="text/plain; charset=utf-8")
    content_type, render_file = FORMATS[fmt]
    with translation.override("sv"):  # the files are the municipality's documents: always Swedish
        report = build_report(period=form.period, unit=form.unit)
        body = _rendered(report, fmt, render_file)
    access_log_write(actor=user, action=EXPORT, object_type="statistics",
                     summary=f"Statistik {_scope_text(form)} som {fmt}")
    name = f"statistik-{report.municipality_code}-{form.period.code.replace('..', '_')}.{fmt}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
