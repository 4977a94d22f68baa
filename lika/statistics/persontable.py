"""K/M/T tables from a person-level file of any register (analytiker, administratörer;
docs/kpi.md, "Könsuppdelad statistik ur egen fil").

Two steps, and no person is kept:

1. The analyst uploads the file; only its header (the column names) is read and kept in
   the session, so the choices can be offered as lists.
2. The analyst chooses the gender source, up to two dimensions and the measure, and uploads
   the same file again (a browser cannot keep a chosen file between two pages; keeping the
   file on the server would keep the persons).  The whole file is checked and aggregated
   in memory (Django spools a large upload to a temporary file, which is closed — and so
   deleted — as soon as it is read); only the *protected* aggregate table is kept in the
   session, for the page and the Excel and PDF exports.

Nothing is written to the database except the access log row, which names the file, the
row count and the choices, never a value from the file.
"""

import dataclasses
import io
import zipfile
from datetime import date, datetime, time

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lika.accounts.models import Municipality, Role
from lika.accounts.settings import current as current_setting
from lika.audit.services import EXPORT, READ, access_log_write
from lika.core import disclosure, gender_table
from lika.core.limits import MAX_PERSON_FILE, check_size, size_text
from lika.core.periods import PeriodError, parse_period

from . import exports
from .charts import chart_svg, table_html
from .report import Chart, ChartSeries, Figure, Report, Row, Table

TOOL_ROLES = (Role.ANALYST, Role.ADMINISTRATOR)
SESSION_HEADER = "persontable_header"
SESSION_RESULT = "persontable_result"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(text: str) -> str:
    """A text from the uploaded file as a CSV field that no spreadsheet takes for a formula."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _csv(report: Report) -> bytes:
    """The CSV export, with every text that came from the file (labels, column and file
    names) kept from being read as a formula; Excel and PDF write them as text anyway."""
    figures = tuple(dataclasses.replace(
        figure, title=_text_cell(figure.title), tables=tuple(dataclasses.replace(
            table, caption=_text_cell(table.caption),
            rows=tuple(dataclasses.replace(row, label=_text_cell(row.label)) for row in table.rows))
            for table in figure.tables)) for figure in report.figures)
    return exports.report_csv(dataclasses.replace(report, unit_name=_text_cell(report.unit_name),
                                                  figures=figures))


FORMATS = {"csv": ("text/csv; charset=utf-8", _csv), "xlsx": (XLSX_TYPE, exports.report_xlsx),
           "pdf": ("application/pdf", exports.report_pdf)}
COUNT = "__rader__"


def _tool_user(request):
    if not (request.user.is_authenticated and request.user.has_role(*TOOL_ROLES)):
        raise PermissionDenied
    return request.user


class UploadError(ValueError):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_upload(uploaded) -> list[list[str]]:
    """The rows of an uploaded CSV or XLSX file as text; the upload is closed (a temporary
    file deleted) before this returns.  :class:`UploadError` with a Swedish line."""
    try:
        check_size(uploaded.size, MAX_PERSON_FILE)
        data = uploaded.read(MAX_PERSON_FILE + 1)
    finally:
        uploaded.close()
    check_size(len(data), MAX_PERSON_FILE)
    if data[:2] == b"PK":
        return _xlsx_rows(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadError(_("Filen är varken UTF-8-kodad CSV eller en Excelfil (.xlsx).")) from None
    if "\x00" in text:
        raise UploadError(_("Filen innehåller NUL-tecken och kan inte läsas som CSV."))
    return gender_table.csv_rows(text)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook  # only when an Excel file is uploaded
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, IndexError, ValueError,
                  OSError, TypeError, AttributeError)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable:
        raise UploadError(_("Excelfilen kan inte läsas (är den en .xlsx-fil?).")) from None
    try:
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            if len(rows) > gender_table.MAX_ROWS:
                raise gender_table.FileError(f"filen har fler än {gender_table.MAX_ROWS} rader")
            rows.append([_text(value) for value in row[:gender_table.MAX_COLUMNS + 1]])
        return rows
    except unreadable:
        raise UploadError(_("Excelfilen kan inte läsas (är den en .xlsx-fil?).")) from None
    finally:
        workbook.close()


class UploadForm(forms.Form):
    fil = forms.FileField(label=gettext_lazy("Fil (CSV eller Excel)"),
                          help_text=gettext_lazy("En rad per person eller händelse, med rubrikrad."))


class ChoiceForm(forms.Form):
    fil = forms.FileField(label=gettext_lazy("Samma fil igen"),
                          help_text=gettext_lazy("Filen sparas inte, så den behöver väljas igen."))
    kolumn_kon = forms.ChoiceField(label=gettext_lazy("Kolumn med personnummer eller kön"))
    konskalla = forms.ChoiceField(label=gettext_lazy("Kolumnen innehåller"), choices=[
        (gender_table.PERSONNUMMER, gettext_lazy("Personnummer (juridiskt kön ur näst sista siffran)")),
        (gender_table.GENDER, gettext_lazy("Kön (K, kvinna, F, M eller man)"))])
    dimension1 = forms.ChoiceField(label=gettext_lazy("Dimension 1"), required=False)
    dimension2 = forms.ChoiceField(label=gettext_lazy("Dimension 2"), required=False)
    matt = forms.ChoiceField(label=gettext_lazy("Mått"))
    period = forms.CharField(label=gettext_lazy("Period som filen avser"), max_length=32,
                             help_text=gettext_lazy("T.ex. 2026, 2026T1, 2026Q2 eller 2026-05"))

    def __init__(self, *args, header=(), **kwargs):
        super().__init__(*args, **kwargs)
        columns = [(name, name) for name in header]
        none = [("", _("(ingen)"))]
        self.fields["kolumn_kon"].choices = columns
        self.fields["dimension1"].choices = none + columns
        self.fields["dimension2"].choices = none + columns
        self.fields["matt"].choices = [(COUNT, _("Antal rader"))] + [
            (name, _("Summa av %(column)s") % {"column": name}) for name in header]
        self.fields["period"].initial = str(timezone.localdate().year)

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        dims = [data.get("dimension1"), data.get("dimension2")]
        if dims[0] and dims[0] == dims[1]:
            self.add_error("dimension2", _("Välj två olika dimensioner."))
        return data

    def spec(self) -> gender_table.Spec:
        data = self.cleaned_data
        dims = tuple(name for name in (data["dimension1"], data["dimension2"]) if name)
        measure = "" if data["matt"] == COUNT else data["matt"]
        return gender_table.Spec(data["kolumn_kon"], data["konskalla"], dims, measure)


def _stored(table: disclosure.ProtectedTable | None):
    if table is None:
        return None
    return [[row.label, *(".." if cell is disclosure.SUPPRESSED else cell for cell in row.cells)]
            for row in table.all_rows()]


def _cells(values):
    return tuple(disclosure.SUPPRESSED if value == ".." else value for value in values)


def _report(result: dict) -> Report:
    """The stored aggregate as a statistics report: the page and the exports render it."""
    dims = " × ".join(result["dimensions"]) or _("alla rader")
    measure = result["measure"]
    count_rows = tuple(Row(label, "count", _cells(values), total=label == disclosure.TOTAL_LABEL)
                       for label, *values in result["counts"])
    tables = [Table(_("Antal rader per %(dims)s") % {"dims": dims}, count_rows)]
    chart_rows = count_rows
    title = _("Antal rader")
    if result.get("persons") is not None:
        person_rows = tuple(Row(label, "count", _cells(values), total=label == disclosure.TOTAL_LABEL)
                            for label, *values in result["persons"])
        tables.insert(0, Table(_("Antal personer per %(dims)s") % {"dims": dims}, person_rows,
                               note=_("En person med rader i två grupper räknas i båda. Raderna och "
                                      "summorna döljs där antalet personer är dolt.")))
        chart_rows = person_rows
        title = _("Antal personer")
    if result["sums"] is not None:
        sum_rows = tuple(Row(label, "count", _cells(values), total=label == disclosure.TOTAL_LABEL)
                         for label, *values in result["sums"])
        tables.append(Table(_("Summa av %(column)s per %(dims)s") % {"column": measure, "dims": dims}, sum_rows,
                            note=_("En summa döljs där antalet i samma cell är dolt.")))
        chart_rows = sum_rows
        title = _("Summa av %(column)s") % {"column": measure}
    series = tuple(ChartSeries(name, gender, tuple((row.label, row.cell(gender)) for row in chart_rows
                                                   if not row.total))
                   for gender, name in (("K", _("Kvinnor")), ("M", _("Män"))))
    chart = Chart("bars", f"{title}, {dims}", "count", series)
    figure = Figure("egen-fil", _("%(title)s per %(dims)s") % {"title": title, "dims": dims},
                    _("Ur filen %(name)s (%(rows)s rader). Kön: %(source)s i kolumnen %(column)s.") % {
                        "name": result["file"], "rows": result["rows"], "source": result["source"],
                        "column": result["gender_column"]},
                    tuple(tables), chart)
    municipality = Municipality.objects.order_by("id").first()
    return Report(municipality_code=municipality.code if municipality else "0000",
                  municipality_name=settings.LIKA_MUNICIPALITY_NAME or (municipality.name if municipality else ""),
                  period=parse_period(result["period"]), unit_name=_("Egen fil: %(name)s") % {"name": result["file"]},
                  threshold=result["threshold"], figures=(figure,),
                  generated_at=datetime.fromisoformat(result["generated_at"]),
                  notes=(_("Tabellerna är räknade ur en fil som analytikern läste in; filen har inte sparats."),))


def _summary(result: dict) -> str:
    dims = ", ".join(result["dimensions"]) or "inga"
    return (f"Egen fil {result['file'][:80]}: {result['rows']} rader, kön ur {result['gender_column'][:40]}, "
            f"dimensioner {dims[:80]}, mått {result['measure'][:40] or 'antal'}")


@login_required
@require_http_methods(["GET", "POST"])
def person_table(request):
    user = _tool_user(request)
    header = request.session.get(SESSION_HEADER)
    step = request.POST.get("steg") if request.method == "POST" else None
    upload_form = UploadForm()
    choice_form = ChoiceForm(header=header) if header else None
    errors, status = [], 200
    if step == "kolumner":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            try:
                columns = gender_table.header_of(read_upload(upload_form.cleaned_data["fil"]))
            except (UploadError, gender_table.FileError, ValueError) as exc:
                errors, status = [(None, str(exc))], 400
            else:
                request.session[SESSION_HEADER] = columns
                request.session.pop(SESSION_RESULT, None)
                return redirect("person_table")
        else:
            status = 400
    elif step == "tabell" and header:
        choice_form = ChoiceForm(request.POST, request.FILES, header=header)
        if choice_form.is_valid():
            uploaded = choice_form.cleaned_data["fil"]
            name = uploaded.name[:120]
            try:
                rows = read_upload(uploaded)
                result = gender_table.aggregate(rows, choice_form.spec(), today=timezone.localdate())
            except (UploadError, gender_table.FileError, ValueError) as exc:
                errors, status = [(None, str(exc))], 400
            else:
                del rows
                if not result.ok:
                    errors, status = list(result.errors), 400
                    if result.more_errors:
                        errors.append((None, _("… och %(count)s fel till.") % {"count": result.more_errors}))
                else:
                    threshold = current_setting("statistics_threshold")
                    protected = gender_table.protect(result.cells, threshold=threshold)
                    spec = choice_form.spec()
                    stored = {
                        "file": name, "rows": result.rows, "gender_column": spec.gender_column,
                        "source": _("personnummer") if spec.gender_source == gender_table.PERSONNUMMER else _("kön"),
                        "dimensions": list(spec.dimensions), "measure": spec.sum_column,
                        "period": choice_form.cleaned_data["period"].code, "threshold": threshold,
                        "generated_at": timezone.now().isoformat(),
                        "counts": _stored(protected.counts), "sums": _stored(protected.sums),
                        "persons": _stored(protected.persons)}
                    request.session[SESSION_RESULT] = stored  # aggregates only: protected cells
                    access_log_write(actor=user, action=READ, object_type="statistics_file",
                                     summary=_summary(stored))
                    return redirect("person_table")
        else:
            status = 400
    elif step == "borja_om":
        request.session.pop(SESSION_HEADER, None)
        request.session.pop(SESSION_RESULT, None)
        return redirect("person_table")
    elif request.method == "POST":
        status = 400
    stored = request.session.get(SESSION_RESULT)
    report = figure = svg = None
    tables = []
    if stored and not errors:
        report = _report(stored)
        figure = report.figures[0]
        svg = chart_svg(figure.chart, figure.key)
        tables = [table_html(table) for table in figure.tables]
    return render(request, "statistics/person_table.html", {
        "upload_form": upload_form, "choice_form": choice_form, "header": header, "file_errors": errors,
        "report": report, "figure": figure, "svg": svg, "tables": tables,
        "size_limit": size_text(MAX_PERSON_FILE), "row_limit": gender_table.MAX_ROWS,
    }, status=status)


@login_required
@require_http_methods(["GET"])
def person_table_export(request, fmt):
    user = _tool_user(request)
    if fmt not in FORMATS:
        raise Http404
    stored = request.session.get(SESSION_RESULT)
    if not stored:
        return HttpResponse(_("Det finns ingen tabell att ladda ner; läs in en fil först."), status=400,
                            content_type="text/plain; charset=utf-8")
    content_type, render_file = FORMATS[fmt]
    with translation.override("sv"):
        body = render_file(_report(stored))
    access_log_write(actor=user, action=EXPORT, object_type="statistics_file",
                     summary=f"{_summary(stored)} som {fmt}")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="konsuppdelad-tabell.{fmt}"'
    return response
