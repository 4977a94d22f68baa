"""The case's Handlingar page (lika.cases.documents): the staff's documents and the
residents' attachments, the upload form, the download and the removal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lika.web.forms import ServiceErrorsMixin

from . import documents, files
from .access import access_case
from .models_attachments import CaseDocument


class DocumentForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Slag av handling"), choices=[("", "—"), *CaseDocument.Kind.choices],
                             error_messages={"required": gettext_lazy("Välj vad det är för handling."),
                                             "invalid_choice": gettext_lazy("Välj vad det är för handling.")})
    title = forms.CharField(label=gettext_lazy("Rubrik"), max_length=200,
                            help_text=gettext_lazy("Till exempel ”Hyresavi december”."),
                            error_messages={"required": gettext_lazy("Skriv en rubrik för handlingen.")})
    person = forms.ChoiceField(label=gettext_lazy("Avser"), required=False, error_messages={
        "invalid_choice": gettext_lazy("Välj en person i hushållet, eller hela hushållet.")})
    file = forms.FileField(label=gettext_lazy("Fil (PDF, JPEG eller PNG)"), required=False,
                           error_messages={"empty": gettext_lazy("Filen är tom."),
                                           "invalid": gettext_lazy("Välj en fil att ladda upp.")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Hela hushållet"))] + [(str(p.pk), str(p)) for p in people]
        self.fields["file"].help_text = _("Högst %(size)s MB.") % {
            "size": f"{files.max_upload_size() / (1024 * 1024):.1f}".removesuffix(".0")}


@login_required
def case_documents(request, case_id):
    """GET: the list and the upload form; POST: upload."""
    case, docs = documents.case_documents(request.user, case_id)
    people = documents.people_of(case, request.user)
    form = DocumentForm(request.POST or None, request.FILES or None, people=people)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                documents.document_upload(acting_user=request.user, case_id=case.pk, kind=data["kind"],
                                          title=data["title"], person_id=data["person"] or None,
                                          upload=request.FILES.get("file"))
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Handlingen är uppladdad."))
                return redirect("case_documents", case_id=case.pk)
        status = 400
    return render(request, "cases/documents.html", {
        "case": case, "documents": docs, "attachments": documents.application_attachments(case), "form": form,
    }, status=status)


@require_GET
@login_required
def case_document_download(request, case_id, case_document_id):
    document, handle = documents.document_open(user=request.user, case_id=case_id, document_id=case_document_id)
    return files.file_response(handle, name=document.original_name, content_type=document.content_type)


@login_required
def case_document_remove(request, case_id, case_document_id):
    """POST: remove with a reason; GET: back to the list (the other unit: 404 either way)."""
    case = access_case(request.user, case_id, what="Tar bort handling", log=False)
    if request.method != "POST":
        return redirect("case_documents", case_id=case.pk)
    try:
        documents.document_remove(acting_user=request.user, case_id=case.pk, document_id=case_document_id,
                                  reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Handlingen är borttagen. Raden finns kvar med skälet."))
    return redirect("case_documents", case_id=case.pk)
