"""Sponsorship pages: the administrator's register and agreement page (/bidrag/sponsring/),
the association's own agreements (/bidrag/forening/<id>/sponsring/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.core import three_r
from lika.core.sponsorship import GENDERS, band_label
from lika.web.permissions import role_required

from . import services
from . import sponsorship as sponsor
from .forms import GENDER_LABELS, ReachForm, SponsorshipForm
from .models import SponsorshipAgreement, SponsorshipReach


def _percent(share):
    value = three_r.percent(share)
    if value is None:
        return "–"
    return f"{float(value):.1f}".replace(".", ",") + "\u00a0%"


def _comparison(agreement):
    """The reach table's rows for the template, or None before an assessment."""
    comparison = sponsor.reach_comparison(agreement)
    if comparison is None:
        return None
    rows = [{"band": band_label(r.band), "cells": list(zip(r.expected, r.actual or (None,) * len(r.expected),
                                                           strict=True))} for r in comparison.rows]
    shares = [{"gender": GENDER_LABELS[g], "expected": comparison.expected_total[i],
               "expected_share": _percent(comparison.expected_share[i]),
               "actual": comparison.actual_total[i] if comparison.reported else None,
               "actual_share": _percent(comparison.actual_share[i]) if comparison.reported else None}
              for i, g in enumerate(GENDERS)]
    return {"rows": rows, "shares": shares, "reported": comparison.reported,
            "genders": [GENDER_LABELS[g] for g in GENDERS]}


def _counts(agreement, stage):
    return {(r.gender, r.age_band): r.count for r in agreement.reach.all() if r.stage == stage}


def _report_form(agreement, data=None):
    report = agreement.report if hasattr(agreement, "report") else None
    initial = ReachForm.initial_from(_counts(agreement, SponsorshipReach.Stage.ACTUAL), report.text if report else "")
    return ReachForm(data, prefix="actual", initial=initial, text_label=_("Kommentar till utfallet"),
                     text_required=False)


def _assessment_form(agreement, data=None):
    assessment = agreement.assessment if hasattr(agreement, "assessment") else None
    initial = ReachForm.initial_from(_counts(agreement, SponsorshipReach.Stage.EXPECTED),
                                     assessment.text if assessment else "")
    return ReachForm(data, prefix="expected", initial=initial, text_label=_("Bedömning"))


@role_required(Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def sponsorships(request):
    form = SponsorshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = sponsor.agreement_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Avtalet är upprättat som utkast. Gör jämställdhetsbedömningen innan det undertecknas."))
            return redirect("grants_sponsorship", agreement_id=agreement.pk)
    agreements = sponsor.agreements_for(request.user)
    return render(request, "grants/sponsorships.html", {"form": form, "agreements": agreements})


def _act(request, agreement, action):
    """Run one POSTed action; (errors, forms) for the page when it fails."""
    forms = {}
    try:
        if action == "assess":
            forms["assessment"] = form = _assessment_form(agreement, request.POST)
            if not form.is_valid():
                return [_("Bedömningen kunde inte sparas; se fälten nedan.")], forms
            sponsor.assessment_record(acting_user=request.user, agreement_id=agreement.pk,
                                      text=form.cleaned_data["text"], expected=form.counts())
            messages.success(request, _("Jämställdhetsbedömningen är sparad."))
        elif action == "sign":
            sponsor.agreement_sign(acting_user=request.user, agreement_id=agreement.pk)
            messages.success(request, _("Avtalet är undertecknat."))
        elif action == "end":
            sponsor.agreement_end(acting_user=request.user, agreement_id=agreement.pk)
            messages.success(request, _("Avtalet är avslutat."))
        elif action == "report":
            forms["report"] = form = _report_form(agreement, request.POST)
            if not form.is_valid():
                return [_("Utfallet kunde inte sparas; se fälten nedan.")], forms
            sponsor.reach_report(acting_user=request.user, agreement_id=agreement.pk, actual=form.counts(),
                                 text=form.cleaned_data["text"])
            messages.success(request, _("Utfallet är sparat."))
        else:
            return [_("Okänd åtgärd.")], forms
    except ValidationError as exc:
        return exc.messages, forms
    return None, forms


def _detail(request, agreement, template, back):
    errors, forms = [], {}
    if request.method == "POST":
        errors, forms = _act(request, agreement, request.POST.get("action", ""))
        if errors is None:
            return redirect(request.path)
        agreement = SponsorshipAgreement.objects.get(pk=agreement.pk)
    admin = request.user.has_role(*services.ADMIN_ROLES)
    draft = agreement.status == SponsorshipAgreement.Status.DRAFT
    may_report = sponsor.may_report(agreement, timezone.localdate())
    return render(request, template, {
        "agreement": agreement, "errors": errors, "back": back, "admin": admin,
        "assessment": agreement.assessment if hasattr(agreement, "assessment") else None,
        "report": agreement.report if hasattr(agreement, "report") else None,
        "comparison": _comparison(agreement),
        "assessment_form": forms.get("assessment") or (_assessment_form(agreement) if admin and draft else None),
        "report_form": forms.get("report") or (_report_form(agreement) if may_report else None),
        "genders": [GENDER_LABELS[g] for g in GENDERS],
    })


@role_required(Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def sponsorship_detail(request, agreement_id):
    agreement = sponsor.access_agreement(request.user, agreement_id)
    return _detail(request, agreement, "grants/sponsorship.html", "grants_sponsorships")


@role_required(Role.ASSOCIATION)
def association_sponsorships(request, association_id):
    association = services.own_association(request.user, association_id)
    agreements = sponsor.agreements_for(request.user)
    return render(request, "grants/association_sponsorships.html",
                  {"association": association, "agreements": agreements})


@role_required(Role.ASSOCIATION)
def association_sponsorship(request, association_id, agreement_id):
    association = services.own_association(request.user, association_id)
    agreement = sponsor.access_agreement(request.user, agreement_id, association_id=association.pk)
    if request.method == "POST" and request.POST.get("action") != "report":
        return redirect(request.path)  # the association only reports reach
    return _detail(request, agreement, "grants/sponsorship.html", None)
