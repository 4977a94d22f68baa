"""Forms of the case pages.  They check the shape of the input; the rules are in
the services, whose ValidationErrors the views put back on the form."""


from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.core.calculation import COST_TYPES, INCOME_TYPES
from lika.core.money import to_kronor
from lika.core.periods import PeriodError, parse_month
from lika.households.models import BankAccountChange, Language, LegalGender, Person
from lika.web.forms import ServiceErrorsMixin

from .decisions import DirectPaymentData, LineDecision
from .models import Application, DecisionLine, DecisionRecipient, SupportObstacle
from .services import Entry, PersonData, ore_from_kronor

MONEY = {"min_value": 0, "max_digits": 10, "decimal_places": 2, "localize": True}


class KronorField(forms.DecimalField):
    """Kronor as people write them: "8 200,50", "8200.50", "8 200 kr"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("kr").strip()
            for space in (" ", "\u00a0", "\u202f"):
                value = value.replace(space, "")
            value = value.replace(",", ".")
        return super().to_python(value)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHILD_ROWS = 4
CO_RESIDENT_ROWS = 2


def _checked_identity_number(text: str) -> str:
    """The number as typed, once it is a valid personnummer or samordningsnummer: checked in the
    form too, so its error comes with all the others at once (issue 17); the service checks again."""
    from lika.identity.personnummer import IdentityNumberError, parse_identity_number

    if text:
        try:
            parse_identity_number(text, today=timezone.localdate())
        except IdentityNumberError as exc:
            raise forms.ValidationError(f"Personnumret är inte giltigt: {exc}") from None
    return text


class PersonForm(ServiceErrorsMixin, forms.Form):
    identity_number = forms.CharField(label=_("Personnummer eller samordningsnummer"), max_length=13,
                                      help_text=_("ÅÅÅÅMMDD-NNNN"))
    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    legal_gender = forms.ChoiceField(label=_("Juridiskt kön"), required=False,
                                     choices=[("", _("Enligt personnumret"))] + list(LegalGender.choices))
    protected_identity = forms.BooleanField(label=_("Skyddade personuppgifter"), required=False)
    street_address = forms.CharField(label=_("Adress"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postnummer"), max_length=6, required=False)
    city = forms.CharField(label=_("Ort"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    bank_clearing = forms.CharField(label=_("Clearingnummer"), max_length=5, required=False)
    bank_account = forms.CharField(label=_("Kontonummer"), max_length=20, required=False)
    iban = forms.CharField(label=_("IBAN (konto utomlands eller i stället för clearing och konto)"),
                           max_length=42, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Språk för beslutsbrev"), required=False, choices=Language.choices,
        help_text=_("Beslutet är alltid på svenska. Med engelska eller arabiska får personen också en "
                    "översättning."))

    def clean_identity_number(self):
        return _checked_identity_number(self.cleaned_data.get("identity_number", ""))

    def has_input(self) -> bool:
        """Was anything entered for this person (bound or not, valid or not)?"""
        # the language has a value on every form (Swedish): it alone is not input
        return self.is_bound and any(str(self.data.get(self.add_prefix(name), "")).strip() for name in self.fields
                                     if name != "preferred_language")

    def person_data(self) -> PersonData:
        data = {k: v for k, v in self.cleaned_data.items() if k in PersonData.__dataclass_fields__}
        data = {k: ("" if v is None else v) for k, v in data.items()}
        data.setdefault("identity_number", "")
        return PersonData(**data)


class PersonEditForm(PersonForm):
    """Editing a person: the number is fixed; a protected address is not on the form."""

    def __init__(self, *args, hide_address=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["identity_number"]
        if hide_address:
            for name in ("street_address", "postal_code", "city"):
                del self.fields[name]


class AccountChangeForm(ServiceErrorsMixin, forms.Form):
    """Confirming or withdrawing a pending change of a bank account."""

    change = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Hur har du kontrollerat ändringen?"), required=False,
                                choices=BankAccountChange.Channel.choices, initial=BankAccountChange.Channel.COLLEAGUE)


class TransferRequestForm(ServiceErrorsMixin, forms.Form):
    identity_number = forms.CharField(label=_("Personnummer eller samordningsnummer"), max_length=13,
                                      help_text=_("ÅÅÅÅMMDD-NNNN"))
    message = forms.CharField(label=_("Meddelande till den andra enheten"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class TransferAnswerForm(ServiceErrorsMixin, forms.Form):
    accept = forms.TypedChoiceField(label=_("Svar"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
                                    choices=[("yes", _("Godkänn: vi avslutar vårt ärende för personen")),
                                             ("no", _("Avslå"))])
    answer = forms.CharField(label=_("Kommentar (krävs vid avslag)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class _PersonRowForm(ServiceErrorsMixin, forms.Form):
    """An optional row naming a person: left empty, or filled with number and both names."""

    incomplete = ""  # the message when the row is only partly filled in

    identity_number = forms.CharField(label=_("Personnummer"), max_length=13, required=False)
    first_name = forms.CharField(label=_("Förnamn"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100, required=False)

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(k) or k in self.errors
                       for k in ("identity_number", "first_name", "last_name"))

    def clean_identity_number(self):
        return _checked_identity_number(self.cleaned_data.get("identity_number", ""))

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            for key in ("identity_number", "first_name", "last_name"):
                if not data.get(key):
                    self.add_error(key, self.incomplete)
        return data

    def person_data(self, **extra) -> PersonData:
        return PersonData(identity_number=self.cleaned_data["identity_number"],
                          first_name=self.cleaned_data["first_name"], last_name=self.cleaned_data["last_name"],
                          **extra)


class ChildForm(_PersonRowForm):
    incomplete = _("Fyll i för barnet eller lämna raden tom.")

    lunch_at_home = forms.BooleanField(label=_("Äter lunch hemma (inte i förskola eller skola)"), required=False)
    days_present = forms.IntegerField(label=_("Dagar hemma per månad vid växelvis boende"), required=False,
                                      min_value=0, max_value=31)
    hemmavarande = forms.BooleanField(label=_("Hemmavarande 19–20 år (gymnasiestudier)"), required=False)

    def person_data(self) -> PersonData:
        return super().person_data(lunch_at_home=self.cleaned_data["lunch_at_home"],
                                   days_present=self.cleaned_data["days_present"],
                                   hemmavarande=self.cleaned_data["hemmavarande"])


class CoResidentForm(_PersonRowForm):
    """Someone else who shares the dwelling with her own support (an adult child who is not
    in school, a relative, a lodger): only who she is; her incomes are not asked for."""

    incomplete = _("Fyll i för personen eller lämna raden tom.")


class RegisterForm(ServiceErrorsMixin, forms.Form):
    second_adult = forms.BooleanField(label=_("Hushållet har två vuxna"), required=False)
    cohabiting = forms.BooleanField(label=_("De vuxna är gifta, registrerade partner eller sambor"), required=False)
    since = forms.DateField(label=_("Hushållet gäller från"), widget=DATE)


class MembershipAddForm(PersonForm):
    role = forms.ChoiceField(label=_("Roll"), choices=[
        ("adult", _("Vuxen")), ("child", _("Barn")),
        ("co_resident", _("Annan person i bostaden (egen försörjning)"))],
        help_text=_("Annan person i bostaden: t.ex. ett vuxet barn som inte går i skolan, en släkting eller "
                    "en inneboende. Räknas bara i antalet som delar på de gemensamma hushållskostnaderna."))
    valid_from = forms.DateField(label=_("Flyttar in"), widget=DATE)
    cohabiting = forms.BooleanField(label=_("Gift, registrerad partner eller sambo med den vuxna i hushållet"),
                                    required=False)
    lunch_at_home = forms.BooleanField(label=_("Barn: äter lunch hemma"), required=False)
    days_present = forms.IntegerField(label=_("Barn: dagar hemma per månad vid växelvis boende"),
                                      required=False, min_value=0, max_value=31)

    def person_data(self) -> PersonData:
        data = super().person_data()
        data.lunch_at_home = self.cleaned_data["lunch_at_home"]
        data.days_present = self.cleaned_data["days_present"]
        return data


class MembershipEndForm(ServiceErrorsMixin, forms.Form):
    membership = forms.TypedChoiceField(label=_("Vem flyttar ut"), coerce=int)
    last_day = forms.DateField(label=_("Sista dagen i hushållet"), widget=DATE)

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [(m.pk, f"{m.person} ({m.get_role_display().lower()})")
                                             for m in memberships]


class ApplicationForm(ServiceErrorsMixin, forms.Form):
    month = forms.CharField(label=_("Månad som ansökan gäller"), widget=forms.DateInput(attrs={"type": "month"}),
                            help_text=_("ÅÅÅÅ-MM"))
    applicant = forms.TypedChoiceField(label=_("Vem ansöker?"), coerce=int, widget=forms.RadioSelect)
    joint = forms.BooleanField(label=_("Gemensam ansökan: den andra vuxna är medsökande"), required=False)
    channel = forms.ChoiceField(label=_("Hur kom ansökan in?"), choices=Application.Channel.choices)
    received_on = forms.DateField(label=_("Inkom"), widget=DATE)
    applicant_confirmed = forms.BooleanField(label=_("Den sökande har skrivit under ansökan"), required=False,
                                             initial=True)

    # issue 17: start from the previous application (removed when there is none)
    copy_previous = forms.BooleanField(label=_("Fyll i från förra ansökan"), required=False, initial=True)

    def __init__(self, *args, adults=(), norm_years=None, previous=None, **kwargs):
        super().__init__(*args, **kwargs)
        if previous is None:
            del self.fields["copy_previous"]
        else:
            self.fields["copy_previous"].label = _(
                "Fyll i kostnader, inkomster och försörjningshinder från ansökan %(month)s") % {
                "month": f"{previous.month:%Y-%m}"}
        # in the order the household was entered: never sorted by gender
        self.fields["applicant"].choices = [(p.pk, str(p)) for p in adults]
        # issue 14: only months of a year with a riksnorm can be calculated; say which
        self.norm_years = set(norm_years) if norm_years is not None else None
        if self.norm_years:
            self.fields["month"].help_text = _("ÅÅÅÅ-MM. Månader som kan beräknas: %(months)s (år med riksnorm "
                                               "i Lika).") % {"months": calculable_months_text(self.norm_years)}

    def clean_month(self):
        try:
            month = parse_month(self.cleaned_data["month"])
        except PeriodError:
            raise forms.ValidationError(_("Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-12.")) from None
        if self.norm_years is not None and month.year not in self.norm_years:
            raise forms.ValidationError(
                _("Riksnormen för %(year)s är inte inläst, så en ansökan för %(month)s kan inte beräknas. "
                  "Välj en månad som kan beräknas (%(months)s), eller be systemadministratören läsa in "
                  "%(year)s års riksnorm när regeringen har fastställt den.")
                % {"year": month.year, "month": month_name(month),
                   "months": calculable_months_text(self.norm_years) or "—"})
        return month


def month_name(month) -> str:
    """date(2027, 1, 1) → "januari 2027" (Swedish, as the letters write it)."""
    from .letters import month_text

    return month_text(month)


def calculable_months_text(years) -> str:
    """{2017, …, 2026} → "januari 2017–december 2026"; gaps give several ranges."""
    from lika.norms.selectors import year_ranges

    return ", ".join(_("januari %(first)s–december %(last)s") % {"first": first, "last": last}
                     for first, last in year_ranges(years))


def default_application_month(today, years):
    """Next month when it can be calculated, else this month, else the last calculable
    month: in December before next year's riksnorm is loaded, December."""
    years = set(years)
    this_month = today.replace(day=1)
    next_month = (this_month.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    for month in (next_month, this_month):
        if month.year in years:
            return month
    return this_month.replace(year=max(years), month=12) if years else next_month


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Hur bekräftade personen?"), choices=Application.Channel.choices)


class EntryRowForm(forms.Form):
    type = forms.ChoiceField(label=_("Slag"), required=False)
    person = forms.ChoiceField(label=_("Vems"), required=False)
    amount = KronorField(label=_("Belopp, kr per månad"), required=False, **MONEY,
                         error_messages={"min_value": _("Beloppet kan inte vara negativt.")})
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=200)

    def __init__(self, *args, types=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "—")] + list(types)
        self.fields["person"].choices = [("", _("Hushållet"))] + [(str(p.pk), str(p)) for p in people]

    def is_blank(self):
        return not self.cleaned_data.get("type") and self.cleaned_data.get("amount") in (None, "")

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            if not data.get("type"):
                self.add_error("type", _("Välj slag."))
            if data.get("amount") is None and "amount" not in self.errors:  # one error per mistake
                self.add_error("amount", _("Ange beloppet."))
        return data

    @property
    def who(self) -> str:
        return _row_who(self)

    def entry(self) -> Entry:
        data = self.cleaned_data
        return Entry(type=data["type"], amount=ore_from_kronor(data["amount"]),
                     person_id=int(data["person"]) if data["person"] else None, note=data["note"])


class CostRowForm(EntryRowForm):
    pass


class IncomeRowForm(EntryRowForm):
    """An income; jobbstimulans follows from the case history (lika.core.job_incentive)."""


def _row_who(form) -> str:
    """The person a row belongs to, as the "Vems" list names her (the household if none)."""
    value = form.data.get(form.add_prefix("person"), "") if form.is_bound else form.initial.get("person", "")
    return dict(form.fields["person"].choices).get(str(value or ""), "") or str(_("Hushållet"))


ENTRY_FIELDS = ("type", "person", "amount", "note")
BLANK_ROWS = 2  # empty rows after the saved ones, to fill in without pressing "Lägg till"


class EntryRowsError(Exception):
    """Rows no page of ours sends (a count out of range, a button for a row that is not there)."""


def _posted_count(data, prefix) -> int:
    from lika.eservice.applying import MAX_ROWS  # the same ceiling as the e-service's rows

    raw = data.get(f"{prefix}-rows")
    if raw is None:  # a form from before issue 17: the rows that were sent
        numbers = [int(key[len(prefix):].split("-")[0]) for key in data
                   if key.startswith(prefix) and key[len(prefix):].split("-")[0].isdigit()]
        return max(numbers) + 1 if numbers else 0
    try:
        count = int(raw)
    except ValueError:
        raise EntryRowsError from None
    if not 0 <= count <= MAX_ROWS:
        raise EntryRowsError
    return count


def entry_rows_posted(data, people, prefixes=("cost", "income")) -> tuple[list, list, bool]:
    """(cost forms, income forms, whether a row button was pressed) from a posted form.

    "Lägg till kostnad" (``add=cost``) and "Ta bort" (``remove=cost-3``) are submit buttons:
    the rows come back as they were typed (unbound, so no premature errors), with one row
    more or less, each keeping its person.  Otherwise the forms are bound, to validate."""
    from lika.eservice.applying import MAX_ROWS

    add, remove = data.get("add", ""), data.get("remove", "")
    pressed = bool(add or remove)
    out = []
    for prefix, cls, types in (("cost", CostRowForm, COST_TYPES.items()),
                               ("income", IncomeRowForm, INCOME_TYPES.items())):
        count = _posted_count(data, prefix)
        if not pressed:
            out.append([cls(data, prefix=f"{prefix}{i}", types=types, people=people) for i in range(count)])
            continue
        raw = [{name: data.get(f"{prefix}{i}-{name}", "") for name in ENTRY_FIELDS} for i in range(count)]
        if add == prefix:
            if count >= MAX_ROWS:
                raise EntryRowsError
            raw.append({"person": ""})
        if remove.startswith(prefix + "-"):
            index = remove[len(prefix) + 1:]
            if not index.isdigit() or int(index) >= count:
                raise EntryRowsError
            del raw[int(index)]
        out.append([cls(prefix=f"{prefix}{i}", types=types, people=people, initial=row)
                    for i, row in enumerate(raw)])
    return out[0], out[1], pressed


def entry_forms(data, application, people, costs, incomes):
    """The cost and income rows of the application, with empty rows to fill in."""
    def rows(cls, prefix, types, items, extra_fields):
        count = len(items) + BLANK_ROWS  # issue 17: rows are added and removed with buttons
        out = []
        for i in range(count):
            initial = {}
            if i < len(items):
                item = items[i]
                initial = {"type": item.type, "person": str(item.person_id or ""), "amount": to_kronor(item.amount),
                           "note": item.note}
                initial.update({name: getter(item) for name, getter in extra_fields.items()})
            out.append(cls(data, prefix=f"{prefix}{i}", types=types, people=people, initial=initial))
        return out

    return (rows(CostRowForm, "cost", COST_TYPES.items(), costs, {}),
            rows(IncomeRowForm, "income", INCOME_TYPES.items(), incomes, {}))


class ObstacleForm(forms.Form):
    def __init__(self, *args, adults=(), initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_values = initial_values or {}
        for person in adults:
            self.fields[f"obstacle_{person.pk}"] = forms.ChoiceField(
                label=_("Försörjningshinder för %(name)s") % {"name": person}, required=False,
                choices=[("", "—")] + list(SupportObstacle.Category.choices),
                initial=initial_values.get(person.pk, ""))

    def obstacles(self) -> dict:
        return {int(k.removeprefix("obstacle_")): v for k, v in self.cleaned_data.items() if v}


class DecisionLineForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Beslut"), choices=DecisionLine.Outcome.choices,
                                initial=DecisionLine.Outcome.GRANTED)
    granted = KronorField(label=_("Beviljat belopp vid delvis bifall, kr"), required=False, **MONEY)
    reason = forms.CharField(label=_("Motivering (krävs om inte allt beviljas)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome and outcome != DecisionLine.Outcome.GRANTED and not data.get("reason", "").strip():
            self.add_error("reason", _("Skriv motiveringen när inte allt beviljas."))
        if outcome == DecisionLine.Outcome.PARTLY and data.get("granted") is None:
            self.add_error("granted", _("Ange det belopp som beviljas."))
        return data

    def line_decision(self) -> LineDecision:
        data = self.cleaned_data
        granted = ore_from_kronor(data["granted"]) if data.get("granted") is not None else None
        return LineDecision(outcome=data["outcome"], granted=granted, reason=data["reason"])

    @staticmethod
    def initial_for(proposal: LineDecision) -> dict:
        """The form's initial values from the service's proposal (lika.cases.decisions.proposed_line)."""
        return {"outcome": proposal.outcome, "reason": proposal.reason,
                "granted": to_kronor(proposal.granted) if proposal.granted is not None else None}


class PaymentForm(ServiceErrorsMixin, forms.Form):
    payment_mode = forms.ChoiceField(
        label=_("Utbetalning"), widget=forms.RadioSelect, initial="equal",
        choices=[("equal", _("Lika delar till var och en av de vuxna (huvudregel)")),
                 ("single", _("Till en av de vuxna enligt godkänt undantag (särskilda skäl)"))])
    exception = forms.TypedChoiceField(label=_("Undantag"), coerce=int, required=False, empty_value=None)
    direct_type = forms.ChoiceField(label=_("Direktbetalning: kostnad"), required=False)
    direct_payee = forms.CharField(label=_("Direktbetalning: mottagare"), required=False, max_length=200)
    direct_account = forms.CharField(label=_("Direktbetalning: bankgiro eller konto"), required=False,
                                     max_length=40)
    direct_amount = KronorField(label=_("Direktbetalning: belopp, kr"), required=False, **MONEY)
    change_reason = forms.CharField(
        label=_("Skäl till att beslutet ändras"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Till exempel ny uppgift om hyran, eller omprövning efter begäran. Skälen står i brevet "
                    "till båda de vuxna."))

    acknowledge_provisional = forms.BooleanField(
        label=_("Jag fattar beslutet med ett preliminärt belopp: beräkningen bygger på en preliminär riksnorm "
                "(tabell eller belopp som inte är fastställda i socialtjänstförordningen). Beloppet omprövas "
                "när den fastställda tabellen är inläst, och brevet säger det."),
        required=False)

    def __init__(self, *args, exceptions=(), changing=False, provisional=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not provisional:
            del self.fields["acknowledge_provisional"]
        if not changing:
            del self.fields["change_reason"]
        else:
            self.fields["change_reason"].required = True
            self.fields["change_reason"].error_messages["required"] = _(
                "Skriv skälen till att beslutet ändras (ändringsbeslut).")
        reasons = settings.LIKA_PAYMENT_EXCEPTION_REASONS
        self.fields["exception"].choices = [("", "—")] + [
            (e.pk, f"{e.recipient} – {reasons.get(e.reason, e.reason)} ({e.valid_from}–{e.valid_to})")
            for e in exceptions]
        self.fields["direct_type"].choices = [("", "—")] + list(COST_TYPES.items())

    def clean(self):
        data = super().clean()
        if data.get("payment_mode") == "single" and not data.get("exception"):
            self.add_error("exception", _("Välj det godkända undantaget."))
        if data.get("direct_type") or data.get("direct_amount"):
            for key in ("direct_type", "direct_payee", "direct_amount"):
                if not data.get(key):
                    self.add_error(key, _("Fyll i hela direktbetalningen eller lämna den tom."))
        return data

    def direct(self) -> list[DirectPaymentData]:
        data = self.cleaned_data
        if not data.get("direct_type"):
            return []
        return [DirectPaymentData(type=data["direct_type"], amount=ore_from_kronor(data["direct_amount"]),
                                  payee=data["direct_payee"].strip(), account=data["direct_account"].strip())]


class DeliveryForm(ServiceErrorsMixin, forms.Form):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Kanal"), choices=DecisionRecipient.Channel.choices)
    delivered_on = forms.DateField(label=_("Datum"), widget=DATE, initial=timezone.localdate)


class ExceptionForm(ServiceErrorsMixin, forms.Form):
    recipient = forms.TypedChoiceField(label=_("Vem ska få utbetalningen?"), coerce=int, widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Särskilda skäl"))
    reason_text = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 4}))
    valid_from = forms.DateField(label=_("Gäller från"), widget=DATE)
    valid_to = forms.DateField(label=_("Gäller till"), widget=DATE, required=False,
                               help_text=_("Lämna tomt för sex månader; därefter ska undantaget omprövas."))

    def __init__(self, *args, adults=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [(p.pk, str(p)) for p in adults]
        self.fields["reason"].choices = [("", "—")] + list(settings.LIKA_PAYMENT_EXCEPTION_REASONS.items())


class ExceptionDecisionForm(ServiceErrorsMixin, forms.Form):
    approve = forms.TypedChoiceField(label=_("Beslut"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Godkänn undantaget")), ("no", _("Avslå"))])
    decision_note = forms.CharField(label=_("Kommentar (krävs vid avslag)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class ExceptionEndForm(ServiceErrorsMixin, forms.Form):
    last_day = forms.DateField(label=_("Sista dag för undantaget"), widget=DATE, initial=timezone.localdate)


class CaseCloseForm(ServiceErrorsMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Anledning"))
    closed_on = forms.DateField(label=_("Avslutas från"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Case

        self.fields["reason"].choices = [("", "—")] + list(Case.CloseReason.choices)


class JournalForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label=_("Ny anteckning"), widget=forms.Textarea(attrs={"rows": 4}))


class PaymentMethodForm(ServiceErrorsMixin, forms.Form):
    """How a person's own half is paid (issue 14): account or utbetalningsavi."""

    method = forms.ChoiceField(label=_("Utbetalningssätt"), widget=forms.RadioSelect,
                               choices=Person.PaymentMethod.choices)
    note = forms.CharField(label=_("Varför (skrivs i journalen)"), required=False, max_length=500)
