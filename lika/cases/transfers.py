"""Asking for a person's case to move to one's own unit (issue #13).  A case worker
who is refused a person is told to contact the other units; an enhetschef can also
ask here.  Asking tells nothing: the answer is the same whether the number is in
Lika, handled elsewhere or unknown, and the asking unit's list shows every request
it made.  The unit responsible for the person sees the request with her name and
answers it; when it agrees it closes its case (or ends her membership) in the usual
way, and an accepted request lets the asking unit register her even if she has
skyddad identitet (``refuse_person_from_elsewhere``)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lika.accounts.models import Role
from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.households.models import HouseholdMembership, Person, TransferRequest

from .access import handling_unit_id
from .people import _checked_identity

SENT = ("Begäran är registrerad. Om personnumret hör till ett ärende på en annan enhet får den enheten "
        "begäran och svarar här.")


def _manager(user) -> None:
    if not (user.is_authenticated and user.has_role(Role.UNIT_MANAGER) and user.unit_id is not None):
        raise PermissionDenied


def responsible_unit_id(person_id) -> int | None:
    """Who answers for the person: the unit handling her open case, else the unit of
    the household she was last a member of."""
    unit = handling_unit_id(person_id)
    if unit is not None:
        return unit
    return (HouseholdMembership.objects.filter(person_id=person_id).order_by("-valid_from", "-id")
            .values_list("household__unit_id", flat=True).first())


@transaction.atomic
def transfer_request(*, acting_user, identity_number: str, message: str = "") -> None:
    """Ask, as enhetschef, for the case of the person with ``identity_number`` to move to
    the own unit.  Returns nothing, whatever the number is (see the module's text)."""
    _manager(acting_user)
    number = _checked_identity(identity_number, timezone.localdate()).number
    if len(message) > 1000:
        raise ValidationError({"message": "Meddelandet får vara högst 1 000 tecken."})
    person = Person.objects.filter(identity_number=number).first()
    if person is not None and responsible_unit_id(person.pk) in (None, acting_user.unit_id):
        person = None  # nothing to ask for; recorded like any other number
    try:
        with transaction.atomic():
            TransferRequest.objects.create(identity_number=number, person=person, to_unit_id=acting_user.unit_id,
                                           message=message.strip(), requested_by=acting_user)
    except IntegrityError:  # the same number is already asked for: once is enough
        pass
    access_log_write(actor=acting_user, action=CREATE, object_type="transfer_request",
                     summary="Begäran om flytt av ärende till enheten")


def transfers_incoming(user) -> list[TransferRequest]:
    """Requests about persons the user's unit answers for (the manager's list)."""
    _manager(user)
    rows = (TransferRequest.objects.filter(person__isnull=False).exclude(to_unit_id=user.unit_id)
            .select_related("person", "to_unit", "requested_by", "decided_by").order_by("status", "-requested_at"))
    return [r for r in rows[:200] if responsible_unit_id(r.person_id) == user.unit_id
            or r.decided_by_id is not None and r.decided_by.unit_id == user.unit_id]


def transfers_outgoing(user) -> list[TransferRequest]:
    """The unit's own requests: the number as typed and the answer, never the name."""
    _manager(user)
    return list(TransferRequest.objects.filter(to_unit_id=user.unit_id).select_related("requested_by")
                .order_by("-requested_at")[:200])


@transaction.atomic
def transfer_answer(*, acting_user, request: TransferRequest, accept: bool, answer: str = "") -> TransferRequest:
    """Answer a request about a person the own unit answers for (locked, status re-read)."""
    _manager(acting_user)
    request = TransferRequest.objects.select_for_update().get(pk=request.pk)
    if request.person_id is None or responsible_unit_id(request.person_id) != acting_user.unit_id:
        raise PermissionDenied
    if request.status != TransferRequest.Status.REQUESTED:
        raise ValidationError("Begäran är redan besvarad.")
    if not accept and not answer.strip():
        raise ValidationError({"answer": "Skriv varför när begäran avslås."})
    request.status = TransferRequest.Status.ACCEPTED if accept else TransferRequest.Status.DECLINED
    request.decided_by, request.decided_at, request.answer = acting_user, timezone.now(), answer.strip()[:1000]
    request.save(update_fields=["status", "decided_by", "decided_at", "answer"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="transfer_request", object_id=request.pk,
                     person_id=request.person_id, summary=f"Begäran om flytt av ärende: {request.get_status_display()}",
                     old={"status": "requested"}, new={"status": request.status, "to_unit": request.to_unit_id})
    return request
