"""The 3R analysis pages under /bidrag/analys/ (docs/grants-analysis.md, "In Lika"):
thin views over ``analysis`` (reads), ``analysis_pages`` (tables and charts) and
``analysis_services`` (writes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lika.audit.services import READ, access_log_write
from lika.web.permissions import role_required

from . import analysis, analysis_pages, analysis_services
from .analysis_forms import PopulationEntryForm, PopulationFileForm, RealiaForm
from .analysis_models import PopulationCount
from .models import GrantApplication, GrantGiver, Programme

ROLES = analysis_services.ANALYSIS_ROLES
YEARS = range(1900, 2201)  # a year outside is no report (404), never a query error


def _year(year):
    if year not in YEARS:
        raise Http404
    return year


@role_required(*ROLES)
def home(request):
    years = (GrantApplication.objects.exclude(status=GrantApplication.Status.WITHDRAWN)
             .values("programme__giver_id", "programme__giver__name", "year")
             .annotate(n=Count("id")).order_by("programme__giver__name", "-year"))
    givers = {}
    for row in years:
        givers.setdefault((row["programme__giver_id"], row["programme__giver__name"]), []).append(row["year"])
    return render(request, "grants/analysis/home.html", {"givers": givers})


@role_required(*ROLES)
def giver(request, giver_id, year):
    _year(year)
    the_giver = get_object_or_404(GrantGiver, pk=giver_id)
    return render(request, "grants/analysis/giver.html",
                  {"giver": the_giver, "year": year, "threshold": analysis_pages.threshold(),
                   **analysis_pages.overview(the_giver, year)})


@role_required(*ROLES)
def programme(request, giver_id, year, programme_id):
    _year(year)
    the_programme = get_object_or_404(Programme.objects.select_related("giver"), pk=programme_id, giver_id=giver_id)
    latest = analysis.realia(the_programme, year)
    form = RealiaForm(initial={"based_on": latest.version if latest else 0,
                               "why": latest.why if latest else "", "measures": latest.measures if latest else ""})
    if request.method == "POST" and request.POST.get("action") == "realia":
        form = RealiaForm(request.POST)
        if form.is_valid():
            try:
                analysis_services.realia_save(acting_user=request.user, programme=the_programme, year=year,
                                              why=form.cleaned_data["why"], measures=form.cleaned_data["measures"],
                                              based_on=form.cleaned_data["based_on"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Realia är sparad som en ny version."))
                return redirect(request.path + "#realia")
    access_log_write(actor=request.user, action=READ, object_type="grants.three_r_report",
                     object_id=the_programme.pk, summary=f"3R-rapport {the_programme.name} {year}"[:300])
    return render(request, "grants/analysis/programme.html", {
        "giver": the_programme.giver, "programme": the_programme, "year": year, "form": form,
        "threshold": analysis_pages.threshold(),
        "realia": latest, "versions": analysis.realia_versions(the_programme, year),
        "last_year": analysis.realia(the_programme, year - 1),
        **analysis_pages.programme_page(the_programme.giver, the_programme, year)})


@role_required(*ROLES)
def population(request):
    action = request.POST.get("action") if request.method == "POST" else None
    upload = PopulationFileForm(request.POST if action == "import" else None,
                                request.FILES if action == "import" else None, prefix="file")
    entry = PopulationEntryForm(request.POST if action == "enter" else None, prefix="entry")
    file_errors = ()
    if action == "import" and upload.is_valid():
        parsed = analysis_services.population_import(acting_user=request.user, upload=upload.cleaned_data["file"])
        if parsed.ok:
            messages.success(request, _("Folkmängden är inläst: %(rows)s rader.") % {"rows": len(parsed.rows)})
            return redirect("three_r_population")
        file_errors = parsed.errors
    if action == "enter" and entry.is_valid():
        try:
            analysis_services.population_set(acting_user=request.user, **entry.cleaned_data)
        except ValidationError as exc:
            entry.add_error(None, exc.messages)
        else:
            messages.success(request, _("Sparat."))
            return redirect("three_r_population")
    totals = {}
    for row in PopulationCount.objects.values("year", "gender", "count", "source"):
        entry_ = totals.setdefault(row["year"], {"F": 0, "M": 0, "sources": set()})
        entry_[row["gender"]] += row["count"]
        entry_["sources"].add(row["source"])
    return render(request, "grants/analysis/population.html", {
        "upload": upload, "entry": entry, "file_errors": file_errors,
        "years": [{"year": y, "women": t["F"], "men": t["M"], "sources": sorted(t["sources"])}
                  for y, t in sorted(totals.items(), reverse=True)]})


@role_required(*ROLES)
def what_if(request, giver_id, year, programme_id):
    """Apply proposed activity-grant rules to the year's counted occasions (POSTed: no
    typed value goes into an address; nothing is stored)."""
    from datetime import date
    from fractions import Fraction

    from lika.core import three_r

    from . import services
    from .analysis_forms import WhatIfForm

    _year(year)
    the_programme = get_object_or_404(Programme.objects.select_related("giver"), pk=programme_id, giver_id=giver_id,
                                      kind=Programme.Kind.ACTIVITY)
    core = services.core_programme(the_programme) if the_programme.rule_versions.exists() else None
    version = None
    if core is not None:
        version = core.version_on(date(year, 12, 31)) or next(
            (v for v in reversed(core.versions) if v.valid_from.year <= year), None)
    context = {"giver": the_programme.giver, "programme": the_programme, "year": year, "version": version}
    if version is None:
        return render(request, "grants/analysis/what_if.html", context)
    today = analysis.rules_of(version)
    bands = [b.name for b in version.bands]
    initial = {"meeting_rate": _kr_input(version.occasion_rate), "band_low": 40,
               "cap": "" if version.cap_per_year is None else _kr_input(version.cap_per_year)}
    for (band, gender), ore in today.per_occasion.items():
        initial[f"rate_{band}_{gender}"] = _kr_input(ore)
    form = WhatIfForm(request.POST if request.method == "POST" else None, bands=bands, initial=initial)
    context["form"] = form
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        proposed = three_r.Rules(per_occasion=data["rates"],
                                 per_meeting={(analysis.MEETING_BAND, three_r.UNKNOWN): data["meeting_ore"]},
                                 cap_ore=data["cap_ore"])
        result = three_r.what_if(analysis.counted_occasions(the_programme, year), today, proposed,
                                 band_low=Fraction(data["band_low"], 100))
        hide = analysis_pages.few_participants(the_programme.giver, the_programme, year)
        context.update(result=result, rows=analysis_pages.what_if_rows(result, hide),
                       change=result.cost_change_ore, factor=analysis_pages.band_factor_text(result, hide))
    return render(request, "grants/analysis/what_if.html", context)


def _kr_input(ore: int) -> str:
    kronor, rest = divmod(ore, 100)
    return f"{kronor}" if not rest else f"{kronor},{rest:02d}"
