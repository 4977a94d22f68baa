"""The e-service's own words for what the staff pages name in case-work terms: the
calculation's lines (by their rule), the outcomes, the statuses of applications and
payments, meetings and plan activities.  Plain Swedish, translated (English, Arabic):
the staff pages' strings are not reused, so a resident never reads an office term."""

from django.utils.translation import gettext_lazy as _

APPLICATION_STATUS = {
    "received": _("Mottagen"),
    "handling": _("Handläggs"),
    "decided": _("Beslut fattat"),
    "withdrawn": _("Återtagen"),
}

OUTCOMES = {
    "granted": _("Beviljat"),
    "partly": _("Delvis beviljat"),
    "refused": _("Inte beviljat"),
}

PAYMENT_STATUS = {
    "created": _("Planerad"),
    "exported": _("Skickad till banken"),
    "accepted": _("Skickad till banken"),
    "paid": _("Utbetald"),
    "rejected": _("Kunde inte betalas ut"),
    "returned": _("Kunde inte betalas ut"),
}

MEETING_KINDS = {
    "joint": _("Gemensamt möte för er båda"),
    "individual": _("Enskilt möte med dig"),
}

ACTIVITY_KINDS = {
    "sfi": _("Svenska för invandrare (SFI)"),
    "job_search": _("Söka arbete"),
    "work_training": _("Arbetsträning"),
    "studies": _("Studier"),
    "rehabilitation": _("Rehabilitering"),
    "labour_market": _("Insats för att komma i arbete"),
    "internship": _("Praktik"),
    "municipal_job": _("Anställning i kommunen"),
    "other": _("Annan aktivitet"),
}

ACTIVITY_STATUSES = {
    "planned": _("Ska börja"),
    "ongoing": _("Pågår nu"),
    "done": _("Klar"),
    "cancelled": _("Avbruten"),
}

COSTS = {
    "housing": _("Hyra eller annan boendekostnad"),
    "electricity": _("El i hemmet"),
    "home_insurance": _("Hemförsäkring"),
    "work_travel": _("Resor till arbetet"),
    "union_fees": _("Avgift till fackförening och a-kassa"),
    "childcare": _("Avgift för förskola eller fritids"),
    "medical": _("Läkarvård och medicin"),
    "dental": _("Tandvård"),
    "other": _("Andra kostnader"),
}

INCOMES = {
    "salary": _("Lön"),
    "unemployment_benefit": _("Ersättning från a-kassan"),
    "activity_support": _("Aktivitetsstöd"),
    "establishment_allowance": _("Etableringsersättning"),
    "sickness_benefit": _("Sjukpenning"),
    "activity_compensation": _("Sjukersättning eller aktivitetsersättning"),
    "parental_benefit": _("Föräldrapenning"),
    "child_allowance": _("Barnbidrag"),
    "housing_allowance": _("Bostadsbidrag"),
    "maintenance_support": _("Underhållsstöd eller underhållsbidrag"),
    "pension": _("Pension"),
    "student_aid": _("Studiestöd"),
    "tax_refund": _("Pengar tillbaka på skatten"),
    "other": _("Annan inkomst"),
}


def line_label(line: dict) -> str:
    """A calculation or decision line's name for the resident, by its rule
    (``riksnorm.personal.7-10``, ``cost.housing.capped`` …); the calculation's own Swedish
    label when the rule is not known."""
    rule = line.get("rule") or ""
    parts = rule.split(".")
    if rule.startswith("riksnorm.adults.single"):
        return str(_("Personliga kostnader för en vuxen som bor ensam"))
    if rule.startswith("riksnorm.adults.cohabiting"):
        return str(_("Personliga kostnader för er två vuxna"))
    if rule.startswith("riksnorm.personal.") and len(parts) > 2:
        return str(_("Personliga kostnader för ett barn eller en ungdom, %(ages)s år")
                   % {"ages": parts[2].replace("-", "–")})
    if rule.startswith("riksnorm.household.") and len(parts) > 2:
        if parts[2].isdigit():
            return str(_("Gemensamma kostnader för hushållet, %(n)s personer") % {"n": parts[2]})
        return str(_("Gemensamma kostnader för hushållet"))
    if rule.startswith("jobbstimulans"):
        return str(_("Jobbstimulans: en del av lönen räknas inte"))
    if rule.startswith("cost.") and len(parts) > 1 and parts[1] in COSTS:
        return str(COSTS[parts[1]])
    if rule.startswith("income.") and len(parts) > 1 and parts[1] in INCOMES:
        return str(INCOMES[parts[1]])
    return line.get("label", "")
