"""Reading the access log: "who has looked at this person?"

An enhetschef sees the entries about the households and persons of their own
unit's cases, and what the users of their unit have done; a systemadministratör
sees everything.  Nobody else searches the log (the view refuses them).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lika.accounts.models import Role, User
from lika.cases.models import Case
from lika.households.models import HouseholdMembership, Person

from .models import AccessLogEntry

SEARCH_ROLES = (Role.UNIT_MANAGER, Role.ADMINISTRATOR)

ACTION_LABELS = {
    "read": _("Läsning"),
    "create": _("Nytt"),
    "update": _("Ändring"),
    "export": _("Export"),
    "login": _("Inloggning"),
    "login_failed": _("Misslyckad inloggning"),
}
OBJECT_TYPE_LABELS = {
    "case": _("Ärende"),
    "person": _("Person"),
    "household": _("Hushåll"),
    "application": _("Ansökan"),
    "decision": _("Beslut"),
    "journal": _("Journal"),
    "norm_table": _("Riksnorm"),
    "user": _("Användare"),
    "unit": _("Enhet"),
    "access_log": _("Åtkomstlogg"),
    "statistics": _("Statistik"),
    "statistics_comparison": _("Jämförelse med andra kommuner"),
    "kpi_export": _("Nyckeltal, export"),
    "kpi_import": _("Nyckeltal, import"),
    "municipality_setting": _("Kommunens inställning"),
    # issue 17: every kind of row the log holds has a plain Swedish name (no internal codes on screen)
    "appeal": _("Överklagande"),
    "applications": _("Ansökningar"),
    "bank_account_change": _("Ändring av bankkonto"),
    "calculation": _("Beräkning"),
    "case_list": _("Ärendelista"),
    "decision_letter": _("Beslutsbrev"),
    "decision_recipient": _("Mottagare av beslut"),
    "demo_seed": _("Demodata"),
    "grant_payment_order": _("Utbetalning av föreningsbidrag"),
    "housing_deviation": _("Avsteg från riktlinjen för boendekostnad"),
    "housing_guideline": _("Riktlinje för boendekostnad"),
    "meeting": _("Möte"),
    "meetings": _("Möten"),
    "membership": _("Hushållsmedlem"),
    "message": _("Meddelande"),
    "overview": _("Översikt"),
    "payment_exception": _("Undantag för utbetalning"),
    "payment_offset": _("Avräkning av utbetalning"),
    "payment_order": _("Betalningsorder"),
    "payment_run": _("Utbetalningskörning"),
    "payments": _("Utbetalningar"),
    "plan": _("Genomförandeplan"),
    "plangoal": _("Mål i genomförandeplan"),
    "planactivity": _("Aktivitet i genomförandeplan"),
    "protected_address": _("Skyddad adress"),
    "resident": _("Invånare"),
    "resident_contact": _("Invånarens kontaktuppgifter"),
    "socialstyrelsen_exits": _("Avslutade ärenden till Socialstyrelsen"),
    "statistics_file": _("Statistikfil"),
    "transfer_list": _("Flytt av ärenden"),
    "transfer_request": _("Begäran om flytt av ärende"),
    "violencescreening": _("Frågan om våld"),
    "worklist": _("Mina ärenden"),
    # issue 17, when the answer about violence is yes: rows about her alone (no household)
    "violence_guidance": _("Stöd efter fråga om våld"),
    "risk_assessment": _("Riskbedömning (FREDA)"),
    "child_concern_report": _("Uppgift om orosanmälan"),
    "datacollection": _("Digital inhämtning"),  # issue 17: a query to other authorities about her
}


def object_label(object_type: str) -> str:
    """The plain Swedish name of a kind of log row; never the internal code."""
    return str(OBJECT_TYPE_LABELS.get(object_type, _("Annan uppgift")))


def can_search_access_log(user) -> bool:
    return user.is_authenticated and user.has_role(*SEARCH_ROLES)


def _sees_everything(user) -> bool:
    return user.has_role(Role.ADMINISTRATOR)


def _unit_household_ids(unit_id):
    return Case.objects.filter(unit_id=unit_id).values("household_id")


def _unit_person_ids(unit_id):
    return HouseholdMembership.objects.filter(household__case__unit_id=unit_id).values("person_id")


def _scope(user) -> Q | None:
    """What ``user`` may see of the log: None for everything."""
    if _sees_everything(user):
        return None
    unit_id = user.unit_id
    return (Q(household_id__in=_unit_household_ids(unit_id))
            | Q(person_id__in=_unit_person_ids(unit_id))
            | Q(actor_id__in=User.objects.filter(unit_id=unit_id).values("pk")))


def person_by_identity_number(number: str) -> Person | None:
    """The person with this 12-digit number, whoever may see them."""
    return Person.objects.filter(identity_number=number).first()


def _person_household_ids(user, person) -> list[int] | None:
    """The households ``person`` belonged to, or None if ``user`` may not search for them."""
    household_ids = list(HouseholdMembership.objects.filter(person_id=person.pk)
                         .order_by().values_list("household_id", flat=True).distinct())
    if _sees_everything(user):
        return household_ids
    if not Case.objects.filter(unit_id=user.unit_id, household_id__in=household_ids).exists():
        return None
    return household_ids


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def access_log_search(*, user, identity_number: str = "", username: str = "", action: str = "",
                      date_from: date | None = None, date_to: date | None = None
                      ) -> QuerySet[AccessLogEntry]:
    """The entries ``user`` may see that match the filters, newest first.

    With ``identity_number`` (12 digits): the entries about that person or about a
    household they belonged to (case reads are logged per household).  An unknown
    number gives no entries, and so does a person outside an enhetschef's unit:
    the search does not reveal that they exist.
    """
    entries = AccessLogEntry.objects.select_related("actor").order_by("-at", "-id")
    if not can_search_access_log(user) or (not _sees_everything(user) and user.unit_id is None):
        return entries.none()
    if identity_number:
        person = person_by_identity_number(identity_number)
        household_ids = _person_household_ids(user, person) if person is not None else None
        if household_ids is None:
            return entries.none()
        entries = entries.filter(Q(person_id=person.pk) | Q(household_id__in=household_ids))
    scope = _scope(user)
    if scope is not None:
        entries = entries.filter(scope)
    if username:
        entries = entries.filter(actor_id__in=User.objects.filter(username__iexact=username).values("pk"))
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__gte=_day_start(date_from))
    if date_to:
        entries = entries.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return entries


# --- Showing the rows of one page ------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class LogRow:
    entry: AccessLogEntry
    action_label: str
    object_label: str
    case_reference: str = ""
    person: Person | None = None
    changes: list[Change] = field(default_factory=list)


def access_log_rows(*, user, entries) -> list[LogRow]:
    """The page's entries ready to show: the case and person each one is about
    (only those ``user`` may see) and old and new values as readable text.
    Two queries however many rows."""
    entries = list(entries)
    household_ids = {e.household_id for e in entries if e.household_id is not None}
    person_ids = {e.person_id for e in entries if e.person_id is not None}
    cases = Case.objects.filter(household_id__in=household_ids)
    persons = Person.objects.filter(pk__in=person_ids)
    if not _sees_everything(user):
        cases = cases.filter(unit_id=user.unit_id)
        persons = persons.filter(pk__in=_unit_person_ids(user.unit_id))
    references = dict(cases.values_list("household_id", "reference")) if household_ids else {}
    people = {p.pk: p for p in persons} if person_ids else {}
    return [LogRow(entry=e,
                   action_label=str(ACTION_LABELS.get(e.action, e.action)),
                   object_label=object_label(e.object_type),
                   case_reference=references.get(e.household_id, ""),
                   person=people.get(e.person_id),
                   changes=changes_of(e.old_values, e.new_values))
            for e in entries]


def changes_of(old, new) -> list[Change]:
    """Old and new values, flattened to one readable line per field.  When both
    are there only the fields that changed are listed."""
    if old is None and new is None:
        return []
    old_flat = dict(_flatten(old)) if old is not None else {}
    new_flat = dict(_flatten(new)) if new is not None else {}
    names = list(old_flat) + [name for name in new_flat if name not in old_flat]
    both = old is not None and new is not None
    return [Change(name, old_flat.get(name, "—"), new_flat.get(name, "—"))
            for name in names if not both or old_flat.get(name) != new_flat.get(name)]


def _flatten(value, prefix=""):
    if isinstance(value, dict):
        if not value:
            yield prefix or str(_("värde")), "—"
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for number, item in enumerate(value, 1):
            yield from _flatten(item, f"{prefix}[{number}]")
    else:
        yield prefix or str(_("värde")), _text(value)


def _text(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return str(_("ja"))
    if value is False:
        return str(_("nej"))
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    return str(value)
