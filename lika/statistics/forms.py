"""The statistics page's choice of period and unit."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Unit
from lika.core.periods import Period, PeriodError, parse_month, parse_period

KINDS = [("year", _("År")), ("tertial", _("Tertial")), ("quarter", _("Kvartal")), ("month", _("Månad")),
         ("custom", _("Egen period"))]
MONTHS = [(m, name) for m, name in enumerate(
    [_("januari"), _("februari"), _("mars"), _("april"), _("maj"), _("juni"), _("juli"), _("augusti"),
     _("september"), _("oktober"), _("november"), _("december")], start=1)]


class _Missing(Exception):
    pass


class StatisticsForm(forms.Form):
    typ = forms.ChoiceField(label=_("Typ av period"), choices=KINDS, initial="year")
    ar = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    manad = forms.TypedChoiceField(label=_("Månad"), choices=MONTHS, coerce=int, required=False)
    tertial = forms.TypedChoiceField(label=_("Tertial"), coerce=int, required=False,
                                     choices=[(1, _("1 (jan–apr)")), (2, _("2 (maj–aug)")), (3, _("3 (sep–dec)"))])
    kvartal = forms.TypedChoiceField(label=_("Kvartal"), coerce=int, required=False,
                                     choices=[(q, str(q)) for q in range(1, 5)])
    # a custom period is whole months: periods a day apart could be subtracted down to one person
    fran = forms.CharField(label=_("Från och med månad"), required=False, help_text=_("ÅÅÅÅ-MM"), max_length=32,
                           widget=forms.TextInput(attrs={"type": "month"}))
    till = forms.CharField(label=_("Till och med månad"), required=False, help_text=_("ÅÅÅÅ-MM"), max_length=32,
                           widget=forms.TextInput(attrs={"type": "month"}))
    # the units are read once per form, for both the choice and the check (with their municipality)
    enhet = forms.TypedChoiceField(label=_("Enhet"), coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        initial = {"typ": "year", "ar": today.year, "manad": today.month, "tertial": (today.month - 1) // 4 + 1,
                   "kvartal": (today.month - 1) // 3 + 1, "fran": f"{today.year}-01", "till": f"{today:%Y-%m}"}
        if data is not None and not any(key in data for key in ("typ", "ar")):
            data = None  # a first visit: the defaults
        super().__init__(data if data is not None else initial, **kwargs)
        self.units = {unit.pk: unit for unit in Unit.objects.select_related("municipality").order_by("name")}
        self.fields["enhet"].choices = [("", _("Hela kommunen")), *((pk, unit.name) for pk, unit in self.units.items())]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind, year = data["typ"], data["ar"]
        try:
            if kind == "year":
                text = str(year)
            elif kind == "month":
                text = f"{year}-{self._need('manad', data):02d}"
            elif kind == "tertial":
                text = f"{year}-T{self._need('tertial', data)}"
            elif kind == "quarter":
                text = f"{year}-Q{self._need('kvartal', data)}"
            else:
                first, last = self._month('fran', data), self._month('till', data)
                text = f"{first:%Y-%m-%d}..{Period.of_month(last.year, last.month).end:%Y-%m-%d}"
            data["period"] = parse_period(text)
        except _Missing:
            pass
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
        return data

    def _need(self, name, data):
        value = data.get(name)
        if value in (None, ""):
            self.add_error(name, _("Fyll i %(field)s för den typ av period du valt.")
                           % {"field": str(self.fields[name].label).lower()})
            raise _Missing
        return value

    def _month(self, name, data) -> date:
        text = self._need(name, data).strip()
        try:
            return parse_month(text)
        except PeriodError:
            self.add_error(name, _("Ange en hel månad som ÅÅÅÅ-MM (en egen period är hela månader)."))
            raise _Missing from None

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]

    @property
    def unit(self):
        return self.units.get(self.cleaned_data.get("enhet"))
