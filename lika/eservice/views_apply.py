"""Applying in the e-service: pages.  Thin: each page reads through lika.eservice.applying
(her own household only, logged), calls one service and redirects, or re-renders with a
summary of the errors at the top that says which person and which row each concerns.

The rows of incomes and costs work without JavaScript: "Lägg till" and "Ta bort" are submit
buttons that send the form back and get it again with one row more or less."""

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lika.cases import files
from lika.cases.access import can_work_with_cases
from lika.cases.forms import KronorField
from lika.cases.models import Application, ApplicationParty
from lika.cases.services import Entry
from lika.core.calculation import COST_TYPES, INCOME_TYPES
from lika.core.money import format_kronor, to_ore

from . import applying, insight
from .access import resident_case
from .models_apply import ApplicationAttachment
from .session import resident_required

HOUSEHOLD = "hh"
KINDS = ("income", "cost")
MAX_CHILDREN = 12


def _month_label(month) -> str:
    from django.utils.formats import date_format

    return date_format(month, "F Y")


# --- rows of incomes and costs --------------------------------------------------------

@dataclass
class Row:
    kind: str  # income | cost
    owner: str  # person id as text, or HOUSEHOLD
    type: str = ""
    amount: str = ""
    note: str = ""
    errors: list = field(default_factory=list)
    index: int = 0


@dataclass
class Group:
    key: str
    label: str
    incomes: list
    costs: list


def _owners(members) -> list[tuple[str, str]]:
    """(key, label) of whom rows can belong to: each member, adults first, then the household."""
    out = [(str(m.person_id), str(m.person)) for m in members]
    out.append((HOUSEHOLD, _("Gemensamt för hushållet")))
    return out


def _types(kind):
    return [(key, _(label)) for key, label in (INCOME_TYPES if kind == "income" else COST_TYPES).items()]


def _amount_text(ore: int) -> str:
    kronor = Decimal(ore) / 100
    return f"{kronor:.2f}".replace(".", ",").removesuffix(",00")


def rows_from_entries(costs, incomes) -> list[Row]:
    rows = [Row(kind="income", owner=str(e.person_id) if e.person_id else HOUSEHOLD, type=e.type,
                amount=_amount_text(e.amount), note=e.note) for e in incomes]
    rows += [Row(kind="cost", owner=str(e.person_id) if e.person_id else HOUSEHOLD, type=e.type,
                 amount=_amount_text(e.amount), note=e.note) for e in costs]
    return rows


class BadInput(Exception):
    """Input no page of ours sends (a person outside the household, a row count out of range)."""


def rows_from_post(post, owners) -> list[Row]:
    keys = {key for key, _label in owners}
    try:
        count = int(post.get("rows", "0"))
    except ValueError:
        raise BadInput(_("Formuläret är skadat. Ladda om sidan och försök igen.")) from None
    if not 0 <= count <= applying.MAX_ROWS:
        raise BadInput(_("Ansökan får ha högst %(n)s rader med inkomster och kostnader.") % {"n": applying.MAX_ROWS})
    rows = []
    for i in range(count):
        prefix = f"row-{i}-"
        kind, owner = post.get(prefix + "kind", ""), post.get(prefix + "person", "")
        if kind not in KINDS or owner not in keys:
            raise BadInput(_("En rad hör till någon som inte finns i ert hushåll. Ladda om sidan och försök igen."))
        rows.append(Row(kind=kind, owner=owner, type=post.get(prefix + "type", "")[:40],
                        amount=post.get(prefix + "amount", "")[:30], note=post.get(prefix + "note", "")[:300]))
    return rows


def _row_buttons(post, rows, owners) -> tuple[list[Row], bool]:
    """Apply an "add row" or "remove row" button; (rows, whether one was pressed)."""
    keys = {key for key, _label in owners}
    add, remove = post.get("add"), post.get("remove")
    if add:
        kind, _sep, owner = add.partition("-")
        if kind not in KINDS or owner not in keys:
            raise BadInput(_("En rad hör till någon som inte finns i ert hushåll. Ladda om sidan och försök igen."))
        if len(rows) >= applying.MAX_ROWS:
            raise BadInput(_("Ansökan får ha högst %(n)s rader med inkomster och kostnader.") % {"n": applying.MAX_ROWS})
        rows.append(Row(kind=kind, owner=owner))
        return rows, True
    if remove is not None:
        try:
            index = int(remove)
        except ValueError:
            raise BadInput(_("Formuläret är skadat. Ladda om sidan och försök igen.")) from None
        if not 0 <= index < len(rows):
            raise BadInput(_("Formuläret är skadat. Ladda om sidan och försök igen."))
        del rows[index]
        return rows, True
    return rows, False


def checked_rows(rows, owners) -> tuple[list[Entry], list[Entry], list[str]]:
    """(costs, incomes, error summary) of the rows; a row with neither type nor amount is
    skipped.  Each error names the person and the row, and is also put on the row."""
    labels = dict(owners)
    amount_field = KronorField(required=False, min_value=0, max_digits=10, decimal_places=2)
    costs, incomes, summary = [], [], []
    numbers = {}
    for i, row in enumerate(rows):
        row.index = i
        numbers[(row.owner, row.kind)] = numbers.get((row.owner, row.kind), 0) + 1
        number = numbers[(row.owner, row.kind)]
        row.errors = []
        if not row.type and not row.amount.strip():
            continue
        if row.type not in dict(_types(row.kind)):
            row.errors.append(_("Välj vad det är för inkomst.") if row.kind == "income"
                              else _("Välj vad det är för kostnad."))
        amount = None
        try:
            amount = amount_field.clean(row.amount)
        except forms.ValidationError:
            row.errors.append(_("Skriv beloppet i kronor, till exempel 1250 eller 1 250,50."))
        else:
            if amount is None:
                row.errors.append(_("Skriv beloppet i kronor."))
        if row.errors:
            what = _("Inkomst") if row.kind == "income" else _("Kostnad")
            for error in row.errors:
                summary.append((f"row-{i}-type", _("%(what)s %(number)s för %(who)s: %(error)s") % {
                    "what": what, "number": number, "who": labels[row.owner], "error": error}))
            continue
        entry = Entry(type=row.type, amount=to_ore(amount), note=row.note.strip()[:200],
                      person_id=None if row.owner == HOUSEHOLD else int(row.owner))
        (incomes if row.kind == "income" else costs).append(entry)
    return costs, incomes, summary


def groups_of(rows, owners) -> list[Group]:
    groups = {key: Group(key=key, label=label, incomes=[], costs=[]) for key, label in owners}
    for i, row in enumerate(rows):
        row.index = i
        target = groups[row.owner]
        (target.incomes if row.kind == "income" else target.costs).append(row)
    return list(groups.values())


def _rows_context(rows, owners):
    return {"groups": groups_of(rows, owners), "row_count": len(rows), "income_types": _types("income"),
            "cost_types": _types("cost")}


# --- the entry page: the first application or a new month ---------------------------

@resident_required
def apply(request):
    """Ansök: her first application (no case yet) or a new month in her household's case."""
    person = request.resident.person
    case = resident_case(person)
    if case is None:
        return _first(request)
    return _monthly(request, case)


def _default_month(months) -> str:
    """This month if she may apply for it, else the first she may."""
    this = applying.add_months(timezone.localdate().replace(day=1), 0)
    month = this if this in months else (months[0] if months else None)
    return f"{month:%Y-%m}" if month else ""


def _bad(request, template, context, message):
    context["errors"] = [(None, message)]
    return render(request, template, context, status=400)


def _monthly(request, case):
    resident = request.resident
    members = applying.members_now(case)
    owners = _owners(members)
    months = applying.month_choices(case)
    context = {"case": case, "months": [(f"{m:%Y-%m}", _month_label(m)) for m in months], "errors": [],
               "selected_month": request.POST.get("month", _default_month(months))}
    template = "eservice/apply/month.html"
    if request.method != "POST":
        rows = [Row(kind="income", owner=str(members[0].person_id) if members else HOUSEHOLD),
                Row(kind="cost", owner=HOUSEHOLD)]
        context.update(_rows_context(rows, owners))
        return render(request, template, context)
    try:
        rows = rows_from_post(request.POST, owners)
        rows, pressed = _row_buttons(request.POST, rows, owners)
    except BadInput as bad:
        context.update(_rows_context([], owners))
        return _bad(request, template, context, str(bad))
    action = request.POST.get("action")
    if action == "copy":
        costs, incomes = applying.last_application_entries(case)
        rows = rows_from_entries(costs, incomes) or rows
        if costs or incomes:
            messages.info(request, _("Uppgifterna från er senaste ansökan är ifyllda. Ändra det som inte "
                                     "stämmer för den nya månaden."))
        else:
            messages.info(request, _("Ni har ingen tidigare ansökan att kopiera."))
        pressed = True
    context.update(_rows_context(rows, owners))
    if pressed:
        return render(request, template, context)
    costs, incomes, summary = checked_rows(rows, owners)
    month = next((m for m in months if f"{m:%Y-%m}" == request.POST.get("month")), None)
    if month is None:
        summary.insert(0, ("id_month", _("Välj vilken månad du ansöker för.")))
    if not costs and not incomes and not summary:
        summary.append((None, _("Fyll i minst en inkomst eller kostnad. Har ni inga inkomster, fyll i era "
                                "kostnader.")))
    if summary:
        context["errors"] = summary
        return render(request, template, context, status=400)
    try:
        application = applying.monthly_application_submit(resident=resident, month=month, costs=costs,
                                                          incomes=incomes)
    except ValidationError as exc:
        context["errors"] = [(None, m) for m in exc.messages]
        return render(request, template, context, status=400)
    if application.parties.filter(role=ApplicationParty.Role.CO_APPLICANT).exists():
        messages.success(request, _("Ansökan är skickad. Den andra vuxna i hushållet behöver också bekräfta "
                                    "den i sin egen inloggning."))
    else:
        messages.success(request, _("Ansökan är skickad."))
    return redirect("eservice_application", application_id=application.pk)


def _child_rows(post) -> list[dict]:
    try:
        count = int(post.get("children", "0"))
    except ValueError:
        raise BadInput(_("Formuläret är skadat. Ladda om sidan och försök igen.")) from None
    if not 0 <= count <= MAX_CHILDREN:
        raise BadInput(_("Ange högst tolv barn här. Kontakta socialtjänsten om ni är fler."))
    return [{"identity_number": post.get(f"child-{i}-identity_number", "").strip()[:20],
             "first_name": post.get(f"child-{i}-first_name", "").strip()[:100],
             "last_name": post.get(f"child-{i}-last_name", "").strip()[:100],
             "lunch_at_home": bool(post.get(f"child-{i}-lunch_at_home")), "errors": []} for i in range(count)]


def _first(request):
    resident = request.resident
    months = applying.month_choices(None)
    need_name = not (resident.given_name and resident.family_name) and resident.person is None
    post = request.POST if request.method == "POST" else {}
    context = {"months": [(f"{m:%Y-%m}", _month_label(m)) for m in months], "errors": [],
               "selected_month": post.get("month", _default_month(months)),
               "need_name": need_name, "data": post, "children": []}
    template = "eservice/apply/first.html"
    if request.method != "POST":
        return render(request, template, context)
    try:
        children = _child_rows(request.POST)
        if request.POST.get("add") == "child":
            if len(children) >= MAX_CHILDREN:
                raise BadInput(_("Ange högst tolv barn här. Kontakta socialtjänsten om ni är fler."))
            children.append({"identity_number": "", "first_name": "", "last_name": "", "lunch_at_home": False,
                             "errors": []})
        remove = request.POST.get("remove")
        if remove is not None:
            try:
                del children[int(remove)]
            except (ValueError, IndexError):
                raise BadInput(_("Formuläret är skadat. Ladda om sidan och försök igen.")) from None
    except BadInput as bad:
        return _bad(request, template, context, str(bad))
    context["children"] = children
    if request.POST.get("add") or request.POST.get("remove") is not None:
        return render(request, template, context)
    errors = []
    month = next((m for m in months if f"{m:%Y-%m}" == request.POST.get("month")), None)
    if month is None:
        errors.append(("id_month", _("Välj vilken månad du ansöker för.")))
    given = request.POST.get("given_name", "").strip()[:100] if need_name else ""
    family = request.POST.get("family_name", "").strip()[:100] if need_name else ""
    if need_name and not (given and family):
        errors.append(("id_given_name", _("Skriv ditt förnamn och efternamn.")))
    partner = None
    p = {k: request.POST.get(f"partner_{k}", "").strip()[:100] for k in ("identity_number", "first_name",
                                                                         "last_name")}
    if any(p.values()):
        if not all(p.values()):
            errors.append(("id_partner_identity_number", _("Partner: fyll i personnummer, förnamn och efternamn, "
                                                        "eller lämna alla tre tomma.")))
        else:
            partner = applying.PersonInput(**p)
    kids = []
    for i, child in enumerate(children, start=1):
        if not all(child[k] for k in ("identity_number", "first_name", "last_name")):
            message = _("Barn %(n)s: fyll i personnummer, förnamn och efternamn, eller ta bort raden.") % {"n": i}
            child["errors"].append(message)
            errors.append((f"child-{i - 1}-identity_number", message))
        else:
            kids.append(applying.PersonInput(identity_number=child["identity_number"],
                                             first_name=child["first_name"], last_name=child["last_name"],
                                             lunch_at_home=child["lunch_at_home"]))
    if errors:
        context["errors"] = errors
        return render(request, template, context, status=400)
    try:
        application = applying.first_application_submit(resident=resident, month=month, partner=partner,
                                                        children=kids, given_name=given, family_name=family)
    except ValidationError as exc:
        context["errors"] = [(None, m) for m in exc.messages]
        return render(request, template, context, status=400)
    messages.success(request, _("Din ansökan är mottagen och ditt ärende är registrerat. Fyll nu i hushållets "
                                "inkomster och kostnader."))
    return redirect("eservice_application_edit", application_id=application.pk)


# --- one application ---------------------------------------------------------------

def _entries_by_owner(application, members):
    owners = _owners(members)
    costs, incomes = list(application.costs.all()), list(application.incomes.all())
    rows = rows_from_entries(costs, incomes)
    keys = {k for k, _label in owners}
    for row, entry in zip(rows, incomes + costs, strict=True):
        row.amount = format_kronor(entry.amount, decimals=False)
        if row.owner not in keys:  # a person who has moved out since: shown under the household
            row.owner = HOUSEHOLD
    return [g for g in groups_of(rows, owners) if g.incomes or g.costs]


def _detail_context(app, person, **extra):
    members = applying.memberships_in_month(app.case.household_id, app.month)
    mine = applying.party_of(app, person)
    context = {
        "application": app, "month_label": _month_label(app.month), "groups": _entries_by_owner(app, members),
        "income_types": dict(_types("income")), "cost_types": dict(_types("cost")),
        "parties": list(app.parties.select_related("person")), "mine": mine,
        "to_confirm": mine is not None and mine.role == ApplicationParty.Role.CO_APPLICANT
        and mine.confirmed_at is None and app.status != Application.Status.WITHDRAWN,
        "can_edit": app.applicant_id == person.pk and app.status == Application.Status.RECEIVED,
        "can_attach": mine is not None and app.status != Application.Status.WITHDRAWN,
        "attachments": applying.attachments_for(app, person), "kinds": ApplicationAttachment.Kind.choices,
        "errors": [], "selected_kind": "",
        # the status in plain words and the decisions she received on it (lika.eservice.insight)
        "plain": insight.plain_status(app),
        "decisions": [d for d in insight.decisions_for(person, app.case) if d.application_id == app.pk],
    }
    context.update(extra)
    return context


@require_GET
@resident_required
def application(request, application_id):
    person = request.resident.person
    app = applying.resident_application(person, application_id)
    return render(request, "eservice/apply/detail.html", _detail_context(app, person))


@resident_required
def application_edit(request, application_id):
    """The applicant changes the incomes and costs while the application is inkommen."""
    resident = request.resident
    person = resident.person
    app = applying.resident_application(person, application_id, what="Öppnar ansökan för ändring i e-tjänsten")
    if app.applicant_id != person.pk:
        raise Http404
    members = applying.memberships_in_month(app.case.household_id, app.month)
    owners = _owners(members)
    template = "eservice/apply/edit.html"
    context = {"application": app, "month_label": _month_label(app.month), "errors": []}
    if app.status != Application.Status.RECEIVED:
        messages.info(request, _("Ansökan handläggs redan och kan inte ändras här. Skriv till din handläggare."))
        return redirect("eservice_application", application_id=app.pk)
    if request.method != "POST":
        rows = rows_from_entries(list(app.costs.all()), list(app.incomes.all()))
        if not rows:
            rows = [Row(kind="income", owner=owners[0][0]), Row(kind="cost", owner=HOUSEHOLD)]
        context.update(_rows_context(rows, owners))
        return render(request, template, context)
    try:
        rows = rows_from_post(request.POST, owners)
        rows, pressed = _row_buttons(request.POST, rows, owners)
    except BadInput as bad:
        context.update(_rows_context([], owners))
        return _bad(request, template, context, str(bad))
    if request.POST.get("action") == "copy":
        costs, incomes = applying.last_application_entries(app.case)
        rows = rows_from_entries(costs, incomes) or rows
        pressed = True
    context.update(_rows_context(rows, owners))
    if pressed:
        return render(request, template, context)
    costs, incomes, summary = checked_rows(rows, owners)
    if summary:
        context["errors"] = summary
        return render(request, template, context, status=400)
    try:
        applying.application_entries_update(resident=resident, application_id=app.pk, costs=costs, incomes=incomes)
    except ValidationError as exc:
        context["errors"] = [(None, m) for m in exc.messages]
        return render(request, template, context, status=400)
    messages.success(request, _("Inkomster och kostnader är sparade."))
    return redirect("eservice_application", application_id=app.pk)


@resident_required
def application_confirm(request, application_id):
    """The medsökande confirms the joint application (POST; a GET shows the application)."""
    if request.method != "POST":  # only her own household's application (404 otherwise)
        applying.resident_application(request.resident.person, application_id)
        return redirect("eservice_application", application_id=application_id)
    try:
        applying.application_confirm_by_resident(resident=request.resident, application_id=application_id)
    except ValidationError as exc:
        person = request.resident.person
        app = applying.resident_application(person, application_id)
        return render(request, "eservice/apply/detail.html", _detail_context(
            app, person, errors=[(None, m) for m in exc.messages]), status=400)
    messages.success(request, _("Tack! Du har bekräftat ansökan."))
    return redirect("eservice_application", application_id=application_id)


@resident_required
def attachment_upload(request, application_id):
    if request.method != "POST":  # only her own household's application (404 otherwise)
        applying.resident_application(request.resident.person, application_id)
        return redirect("eservice_application", application_id=application_id)
    try:
        applying.attachment_upload(resident=request.resident, application_id=application_id,
                                   kind=request.POST.get("kind", ""), upload=request.FILES.get("file"))
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        person = request.resident.person
        app = applying.resident_application(person, application_id)
        return render(request, "eservice/apply/detail.html", _detail_context(
            app, person, errors=[("id_file", m) for m in exc.messages],
            selected_kind=request.POST.get("kind", "")), status=400)
    messages.success(request, _("Bilagan är uppladdad."))
    return redirect("eservice_application", application_id=application_id)


def _file_response(attachment, handle):
    return files.file_response(handle, name=attachment.original_name, content_type=attachment.content_type)


@require_GET
@resident_required
def attachment_download(request, application_id, attachment_id):
    attachment, handle = applying.attachment_open_for_resident(
        resident=request.resident, application_id=application_id, attachment_id=attachment_id)
    return _file_response(attachment, handle)


@require_GET
@login_required
def staff_attachment_download(request, case_id, application_id, attachment_id):
    """The staff of the case's unit download an attachment (linked from the application page)."""
    if not can_work_with_cases(request.user):
        raise PermissionDenied
    attachment, handle = applying.attachment_open_for_staff(
        user=request.user, case_id=case_id, application_id=application_id, attachment_id=attachment_id)
    return _file_response(attachment, handle)
