"""The association's own pages beyond the activity grant: applications for operating,
project and premises grants (and, below, the registers she keeps)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.accounts.models import Role
from lika.core.sponsorship import GENDERS
from lika.web.permissions import role_required

from . import fixed, registers, services
from .forms import GENDER_LABELS, BoardMemberForm, DocumentForm, FixedApplicationForm, ReachForm


@role_required(Role.ASSOCIATION)
def apply_fixed(request, association_id):
    association = services.own_association(request.user, association_id)
    form = FixedApplicationForm(request.POST or None, programmes=fixed.open_programmes())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = fixed.fixed_application_submit(
                acting_user=request.user, association_id=association.pk, programme=data["programme"],
                amount=data["amount"], purpose=data["purpose"], period_from=data["period_from"],
                period_to=data["period_to"], premises_hours=data["premises_hours"],
                premises_cost=data["premises_cost"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Ansökan är inskickad (nummer %(id)s).") % {"id": application.pk})
            return redirect("grants_association", association_id=association.pk)
    return render(request, "grants/apply_fixed.html", {
        "association": association, "form": form, "programmes": fixed.rules_in_force(timezone.localdate())})


# ---------------------------------------------------------------- the registers she keeps


def _registers_page(request, association, year, board_form=None, members_form=None, errors=()):
    board = list(association.board.filter(year=year).order_by("pk"))
    if members_form is None:
        members_form = ReachForm(prefix="members", text_label=None,
                                 initial=ReachForm.initial_from(registers.membership_counts(association, year)))
    summary = registers.board_summary(board)
    return render(request, "grants/registers.html", {
        "association": association, "year": year, "board": board, "errors": errors,
        "board_form": board_form or BoardMemberForm(prefix="board"), "members_form": members_form,
        "board_summary": [(GENDER_LABELS[g], n) for g, n in summary.items()],
        "genders": [GENDER_LABELS[g] for g in GENDERS],
        "members_total": sum(registers.membership_counts(association, year).values()),
    })


@role_required(Role.ASSOCIATION, Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def association_registers(request, association_id, year):
    """Board members and membership counts of one year."""
    association = registers.association_for(request.user, association_id)
    if year not in registers.YEARS:
        raise Http404
    if request.method != "POST":
        return _registers_page(request, association, year)
    action = request.POST.get("action", "")
    board_form = members_form = None
    try:
        if action == "add_member":
            board_form = BoardMemberForm(request.POST, prefix="board")
            if not board_form.is_valid():
                return _registers_page(request, association, year, board_form=board_form)
            registers.board_member_add(acting_user=request.user, association_id=association.pk, year=year,
                                       **board_form.cleaned_data)
            messages.success(request, _("Ledamoten är tillagd."))
        elif action == "remove_member":
            member = request.POST.get("member", "")
            registers.board_member_remove(acting_user=request.user, association_id=association.pk,
                                          member_id=int(member) if member.isdigit() else 0)
            messages.success(request, _("Ledamoten är borttagen."))
        elif action == "save_members":
            members_form = ReachForm(request.POST, prefix="members", text_label=None)
            if not members_form.is_valid():
                return _registers_page(request, association, year, members_form=members_form,
                                       errors=[_("Medlemsantalen kunde inte sparas; se fälten nedan.")])
            registers.membership_counts_save(acting_user=request.user, association_id=association.pk, year=year,
                                             counts=members_form.counts())
            messages.success(request, _("Medlemsantalen är sparade."))
        else:
            return _registers_page(request, association, year, errors=[_("Okänd åtgärd.")])
    except ValidationError as exc:
        if board_form is not None:
            board_form.add_error(None, exc.messages)
        return _registers_page(request, association, year, board_form=board_form, members_form=members_form,
                               errors=[] if board_form is not None else exc.messages)
    return redirect(request.path)


@role_required(Role.ASSOCIATION, Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def association_documents(request, association_id):
    association = registers.association_for(request.user, association_id)
    form = DocumentForm(request.POST or None, request.FILES or None,
                        initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            registers.document_upload(acting_user=request.user, association_id=association.pk,
                                      kind=form.cleaned_data["kind"], year=form.cleaned_data["year"],
                                      upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("Dokumentet är uppladdat."))
            return redirect(request.path)
    documents = association.documents.select_related("uploaded_by")
    return render(request, "grants/documents.html", {"association": association, "form": form,
                                                     "documents": documents})


@role_required(Role.ASSOCIATION, Role.ADMINISTRATOR, Role.GRANTS_OFFICER)
def association_document(request, association_id, document_id):
    document, handle = registers.document_open(acting_user=request.user, association_id=association_id,
                                               document_id=document_id)
    return FileResponse(handle, as_attachment=True, filename=document.file_name, content_type="application/pdf")
