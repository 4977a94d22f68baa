"""The trial calculation form: builds the same JSON household-month as ``lika calculate``."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lika.core.calculation import COST_TYPES, INCOME_TYPES
from lika.core.household_json import InputError

CHILD_ROWS = 6
INCOME_ROWS = 6
MONEY = {"min_value": 0, "max_digits": 10, "decimal_places": 2, "required": False}


class ServiceErrorsMixin:
    """For forms whose input a service checks: ``add_service_error`` puts the service's
    ValidationError on the fields it names, the rest above the form."""

    def add_service_error(self, exc) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class CalculationForm(forms.Form):
    month = forms.CharField(label=_("Månad"), widget=forms.DateInput(attrs={"type": "month"}),
                            help_text=_("ÅÅÅÅ-MM"))
    adult1_birth_date = forms.DateField(label=_("Vuxen 1, födelsedatum"),
                                        widget=forms.DateInput(attrs={"type": "date"}))
    adult2_birth_date = forms.DateField(label=_("Vuxen 2, födelsedatum"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    cohabiting = forms.BooleanField(label=_("De vuxna är gifta, registrerade partner eller sambor"),
                                    required=False)
    # SoF (2001:937) 2 kap. 1 §: others who share the dwelling make the household's share
    # of the common household costs smaller (common(n) × members / n)
    other_persons = forms.IntegerField(
        label=_("Andra personer som delar bostaden (egen försörjning)"), required=False, min_value=0,
        max_value=20, help_text=_("T.ex. ett vuxet barn som inte går i gymnasiet, en släkting eller en inneboende. "
                                  "Hushållet får sin andel av de gemensamma hushållskostnaderna."))
    payment_mode = forms.ChoiceField(
        label=_("Utbetalning"), initial="equal",
        choices=[("equal", _("Lika delar till var och en av de vuxna")),
                 ("single", _("Till en part (särskilda skäl)"))],
        widget=forms.RadioSelect)
    payment_recipient = forms.ChoiceField(label=_("Mottagare"), required=False,
                                          choices=[("0", _("Vuxen 1")), ("1", _("Vuxen 2"))])
    payment_reason = forms.ChoiceField(label=_("Särskilda skäl"), required=False)
    payment_reason_text = forms.CharField(label=_("Motivering"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_reason"].choices = [("", "—")] + list(
            settings.LIKA_PAYMENT_EXCEPTION_REASONS.items())
        for i in range(1, CHILD_ROWS + 1):
            self.fields[f"child{i}_birth_date"] = forms.DateField(
                label=_("Barn %(n)s, födelsedatum") % {"n": i}, required=False,
                widget=forms.DateInput(attrs={"type": "date"}))
            # the same question, the same way round, as when the household is registered (issue 17)
            self.fields[f"child{i}_lunch_at_home"] = forms.BooleanField(
                label=_("Äter lunch hemma (inte i förskola eller skola)"), required=False, initial=True)
            self.fields[f"child{i}_days"] = forms.IntegerField(
                label=_("Dagar hemma per månad vid växelvis boende"), required=False, min_value=0, max_value=31)
            self.fields[f"child{i}_hemmavarande"] = forms.BooleanField(
                label=_("Hemmavarande 19–20 år (gymnasiestudier)"), required=False)
            self.fields[f"child{i}_exempt_used"] = forms.DecimalField(
                label=_("Egen arbetsinkomst som redan inte räknats i år, kr"), **MONEY)
        # Jobbstimulans follows from the history (lika.core.job_incentive); the trial page has
        # none, so the user states it (docs/calculate.md, "Jobbstimulans").
        for n in (1, 2):
            self.fields[f"adult{n}_support_months"] = forms.IntegerField(
                label=_("Vuxen %(n)s: månader i följd med försörjningsstöd före månaden") % {"n": n},
                required=False, min_value=0, max_value=1200)
            self.fields[f"adult{n}_incentive_used"] = forms.IntegerField(
                label=_("Vuxen %(n)s: månader av jobbstimulansens 24 som redan gått") % {"n": n},
                required=False, min_value=0, max_value=24)
        for key, label in COST_TYPES.items():
            self.fields[f"cost_{key}"] = forms.DecimalField(label=label, **MONEY)
        self.fields["cost_housing_cap"] = forms.DecimalField(
            label=_("Högsta godtagbara boendekostnad, om annan än kommunens riktlinje"), **MONEY)
        members = [("", _("Hushållet")), ("0", _("Vuxen 1")), ("1", _("Vuxen 2"))] + [
            (f"c{i}", _("Barn %(n)s") % {"n": i}) for i in range(1, CHILD_ROWS + 1)]
        for i in range(1, INCOME_ROWS + 1):
            self.fields[f"income{i}_type"] = forms.ChoiceField(
                label=_("Inkomst %(n)s, slag") % {"n": i}, required=False,
                choices=[("", "—")] + list(INCOME_TYPES.items()))
            self.fields[f"income{i}_member"] = forms.ChoiceField(label=_("Vems"), required=False,
                                                                  choices=members)
            self.fields[f"income{i}_amount"] = forms.DecimalField(label=_("Belopp"), **MONEY)

    def add_input_error(self, message: str) -> None:
        """Show a calculation error at its field, naming members as the form does."""
        if message.startswith("month: "):
            rest = message.removeprefix("month: ")
            self.add_error("month", rest[:1].upper() + rest[1:])
            return
        fields = getattr(self, "member_fields", [])
        field = None

        def name(match):
            nonlocal field
            index = int(match[1] or match[2])
            if index >= len(fields):
                return match[0]
            field = fields[index][0]
            return str(fields[index][1])

        message = re.sub(r"medlem (\d+)|members\[(\d+)\](?:\.\w+)?:?", name, message)
        self.add_error(field, message[:1].upper() + message[1:])

    def children(self):
        return [[self[f"child{i}_{f}"] for f in ("birth_date", "lunch_at_home", "days", "hemmavarande", "exempt_used")]
                for i in range(1, CHILD_ROWS + 1)]

    def costs(self):
        return [self[f"cost_{key}"] for key in COST_TYPES] + [self["cost_housing_cap"]]

    def incomes(self):
        return [[self[f"income{i}_{f}"] for f in ("type", "member", "amount")]
                for i in range(1, INCOME_ROWS + 1)]

    def history(self):
        return [self[f"adult{n}_{f}"] for n in (1, 2) for f in ("support_months", "incentive_used")]

    def household_month(self) -> dict:
        """The cleaned form as the ``lika calculate`` input dict."""
        data = self.cleaned_data
        cohabiting = bool(data["cohabiting"] and data.get("adult2_birth_date"))
        # (form field, name) of each member, in the order of the JSON members list
        self.member_fields = [("adult1_birth_date", _("Vuxen 1"))]
        if data.get("adult2_birth_date"):
            self.member_fields.append(("adult2_birth_date", _("Vuxen 2")))
        def history(n):
            return {"consecutive_support_months": data.get(f"adult{n}_support_months") or 0,
                    "period_months_used": data.get(f"adult{n}_incentive_used") or 0}

        members = [{"role": "adult", "birth_date": data["adult1_birth_date"].isoformat(),
                    "cohabiting": cohabiting, "job_incentive": history(1)}]
        if data.get("adult2_birth_date"):
            members.append({"role": "adult", "birth_date": data["adult2_birth_date"].isoformat(),
                            "cohabiting": cohabiting, "job_incentive": history(2)})
        child_index = {}
        for i in range(1, CHILD_ROWS + 1):
            if data.get(f"child{i}_birth_date"):
                child = {"role": "child", "birth_date": data[f"child{i}_birth_date"].isoformat(),
                         "lunch_at_home": data[f"child{i}_lunch_at_home"],
                         "hemmavarande": data[f"child{i}_hemmavarande"]}
                if data.get(f"child{i}_days") is not None:
                    child["days_present"] = data[f"child{i}_days"]
                if data.get(f"child{i}_exempt_used") is not None:
                    child["work_income_exempt_used"] = data[f"child{i}_exempt_used"]
                child_index[f"c{i}"] = len(members)
                members.append(child)
                self.member_fields.append((f"child{i}_birth_date", _("Barn %(n)s") % {"n": i}))
        costs = []
        for key in COST_TYPES:
            if data.get(f"cost_{key}"):
                cost = {"type": key, "amount": data[f"cost_{key}"]}
                if key == "housing" and data.get("cost_housing_cap") is not None:
                    cost["cap"] = data["cost_housing_cap"]
                costs.append(cost)
        incomes = []
        for i in range(1, INCOME_ROWS + 1):
            if data.get(f"income{i}_type") and data.get(f"income{i}_amount") is not None:
                income = {"type": data[f"income{i}_type"], "amount": data[f"income{i}_amount"]}
                who = data.get(f"income{i}_member")
                if who and who.startswith("c"):
                    if who not in child_index:
                        raise InputError(f"incomes[{len(incomes)}].member: barn {who[1:]} finns inte i hushållet")
                    income["member"] = child_index[who]
                elif who:
                    income["member"] = int(who)
                incomes.append(income)
        payment = {"mode": data["payment_mode"]}
        if payment["mode"] == "single":
            payment.update(recipient=int(data.get("payment_recipient") or 0),
                           reason=data.get("payment_reason", ""),
                           reason_text=data.get("payment_reason_text", ""))
        out = {"month": data["month"], "members": members, "costs": costs, "incomes": incomes,
               "payment": payment}
        if data.get("other_persons"):
            out["household_size"] = len(members) + data["other_persons"]
        return out


class NormTableForm(forms.Form):
    """Every cell of a year's riksnorm, for an administrator to add or correct."""

    year = forms.IntegerField(label=_("År"), min_value=1990, max_value=2200)
    status = forms.ChoiceField(label=_("Status"), choices=[
        ("verified", _("Fastställd (enligt socialtjänstförordningen)")),
        ("provisional", _("Preliminär (uppskattning)"))])
    source = forms.CharField(label=_("Källa"), max_length=500,
                             help_text=_("T.ex. SFS-nummer för förordningsändringen"))
    note = forms.CharField(label=_("Anledning till ändringen"), widget=forms.Textarea(attrs={"rows": 2}))

    SECTIONS = [
        ("personal", _("Personliga kostnader, barn och ungdomar"),
         [("0", "0 år"), ("1-2", "1–2 år"), ("3", "3 år"), ("4-6", "4–6 år"), ("7-10", "7–10 år"),
          ("11-14", "11–14 år"), ("15-18", "15–18 år"), ("19-20", "19–20 år")]),
        ("personal_without_lunch", _("Personliga kostnader utan lunch 5 dagar/vecka"),
         [("0", "0 år"), ("1-2", "1–2 år"), ("3", "3 år"), ("4-6", "4–6 år")]),
        ("adults", _("Personliga kostnader, vuxna"), [("single", _("Ensamstående")), ("cohabiting", _("Sambor"))]),
        ("household", _("Gemensamma hushållskostnader"),
         [(str(n), _("%(n)s personer") % {"n": n} if n > 1 else _("1 person")) for n in range(1, 8)]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section, _title, cells in self.SECTIONS:
            for key, label in cells:
                self.fields[f"{section}.{key}"] = forms.DecimalField(
                    label=label, min_value=1, max_digits=9, decimal_places=2)
                self.fields[f"estimated.{section}.{key}"] = forms.BooleanField(
                    label=_("uppskattat"), required=False)

    def sections(self):
        return [(title, [(self[f"{section}.{key}"], self[f"estimated.{section}.{key}"]) for key, _l in cells])
                for section, title, cells in self.SECTIONS]

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        initial = {"year": data["year"], "status": data["status"], "source": data["source"]}
        for section, _title, cells in cls.SECTIONS:
            for key, _label in cells:
                initial[f"{section}.{key}"] = data[section][key]
                initial[f"estimated.{section}.{key}"] = f"{section}.{key}" in data.get("estimated", [])
        return initial

    def table_data(self) -> dict:
        data = self.cleaned_data
        out = {"year": data["year"], "status": data["status"], "source": data["source"], "estimated": []}
        for section, _title, cells in self.SECTIONS:
            out[section] = {key: str(data[f"{section}.{key}"]) for key, _l in cells}
            out["estimated"] += [f"{section}.{key}" for key, _l in cells if data[f"estimated.{section}.{key}"]]
        return out
