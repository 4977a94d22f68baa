"""Messages with the case worker: the household conversation (the same insight for both
adults), the private channel (write to the case worker without the other adult seeing it,
ask for an individual meeting), and the staff page under the case.  Thin: the rules are in
services_messages and selectors_messages."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lika.audit.services import READ, access_log_write
from lika.cases.access import access_case

from .access import household_adults, resident_case
from .actor import eservice_actor
from .models_messages import BODY_MAX, Message
from .selectors_messages import (
    case_messages,
    case_open_meeting_requests,
    household_thread,
    private_thread,
    staff_unread,
    unread_counts,
    visible_to_resident,
)
from .services_messages import message_write, message_write_staff, messages_mark_read
from .session import resident_required


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _log_read(person, case, *, private: bool):
    """Her read, on her alone when it is of the private channel (see services_messages)."""
    access_log_write(actor=eservice_actor(), action=READ, object_type="message", object_id="",
                     person_id=person.pk, household_id=None if private else case.household_id,
                     summary="Invånaren läste meddelanden i e-tjänsten")


def _resident_page(request, template, thread, *, write, private: bool, extra=None):
    """A resident's message page: GET shows the thread (and marks it read), POST writes."""
    person = request.resident.person
    case = resident_case(person)
    context = {"case": case, "body": "", "errors": [], "body_max": BODY_MAX, **(extra or {})}
    status = 200
    if request.method == "POST":
        if case is None:
            raise Http404
        try:
            write(person, request.POST)
        except ValidationError as exc:
            context["errors"], context["body"] = _errors(exc), str(request.POST.get("body", ""))[:BODY_MAX]
            status = 400
        else:
            flash.success(request, _("Ditt meddelande är skickat."))
            return redirect(request.path)
    if case is not None:
        rows = list(thread(person, case))
        _log_read(person, case, private=private)
        messages_mark_read([m for m in rows if m.author_person_id != person.pk], person=person)
        context.update(thread=rows, unread=unread_counts(person, case))
    return render(request, template, context, status=status)


@resident_required
@require_http_methods(["GET", "POST"])
def household_messages(request):
    """The household's conversation with the case worker: both adults see the same."""
    def write(person, data):
        message_write(person=person, body=data.get("body", ""))

    return _resident_page(request, "eservice/messages/household.html", household_thread, write=write, private=False)


@resident_required
@require_http_methods(["GET", "POST"])
def private_messages(request):
    """The private channel: to the case worker without the other adult seeing it, and a
    request for an individual meeting."""
    def write(person, data):
        action = data.get("action", "message")
        if action not in ("message", "meeting"):
            raise ValidationError(_("Okänt val. Försök igen."))
        message_write(person=person, body=data.get("body", ""), private=True, meeting_request=action == "meeting")

    return _resident_page(request, "eservice/messages/private.html", private_thread, write=write, private=True)


@resident_required
@require_http_methods(["GET", "POST"])
def message_detail(request, message_id):
    """One message and its replies; a reply keeps its visibility.  A message she may not
    see (another household's, the partner's private one) does not exist for her."""
    person = request.resident.person
    case = resident_case(person)
    visible = visible_to_resident(person, case)
    message = visible.filter(pk=message_id).first()
    if message is None:
        raise Http404
    context = {"case": case, "message": message, "body": "", "errors": [], "body_max": BODY_MAX}
    status = 200
    if request.method == "POST":
        try:
            message_write(person=person, body=request.POST.get("body", ""), reply_to_id=message.pk)
        except ValidationError as exc:
            context["errors"], context["body"] = _errors(exc), str(request.POST.get("body", ""))[:BODY_MAX]
            status = 400
        else:
            flash.success(request, _("Ditt meddelande är skickat."))
            return redirect("eservice_message_detail", message_id=message.pk)
    replies = list(visible.filter(reply_to=message))
    _log_read(person, case, private=message.is_private)
    messages_mark_read([m for m in [message, *replies] if m.author_person_id != person.pk], person=person)
    context["replies"] = replies
    return render(request, "eservice/messages/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_messages_staff(request, case_id):
    """Staff: the case's messages, the private ones marked; reply (privately to a private
    message), or write to the household."""
    case = access_case(request.user, case_id, what="Läst meddelanden från e-tjänsten")
    errors, body, reply_to = [], "", None
    status = 200
    if request.method == "POST":
        reply_to = request.POST.get("reply_to") or None
        try:
            if reply_to is not None and not (str(reply_to).isdigit() and len(str(reply_to)) <= 18):
                raise ValidationError(_("Meddelandet du svarar på finns inte i ärendet."))
            message_write_staff(acting_user=request.user, case=case, body=request.POST.get("body", ""),
                                reply_to_id=int(reply_to) if reply_to else None)
        except ValidationError as exc:
            errors, body, status = _errors(exc), str(request.POST.get("body", ""))[:BODY_MAX], 400
        else:
            flash.success(request, _("Meddelandet är skickat."))
            return redirect("case_messages", case_id=case.pk)
    unread = set(staff_unread(request.user, case).values_list("pk", flat=True))
    rows = list(case_messages(case))
    messages_mark_read([m for m in rows if m.pk in unread], user=request.user)
    return render(request, "eservice/staff/case_messages.html", {
        "case": case, "thread": rows, "unread": unread, "errors": errors, "body": body,
        "reply_to": str(reply_to or ""), "body_max": BODY_MAX, "adults": household_adults(case),
        "meeting_requests": case_open_meeting_requests(case),
        "private": Message.Visibility.PRIVATE,
    }, status=status)
