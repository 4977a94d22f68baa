"""Moving a case (issue 17): to another case worker of the same unit, or to another unit.

- Within the unit the enhetschef assigns cases (one or several from the case list) to a
  case worker of the unit, or to nobody; a case worker may take a case that has none.
- To another unit the enhetschef of the case's unit hands the case over with a message
  (``CaseHandover``); the other unit's enhetschef accepts it (the case and its household
  move, the case worker is cleared, and the old unit no longer finds the case: 404) or
  declines it with a reason.  The sender may withdraw it while it waits.  One open
  handover per case: the database has the constraint, the services lock the case.

Every service reads the case again under a row lock (the case before the handover, in
that order everywhere) and writes the access log: the sender's row when the case is
sent, the receiver's rows when it is answered."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lika.accounts.models import Role, Unit, User
from lika.audit.services import CREATE, UPDATE, access_log_write
from lika.households.models import Household

from .access import CASE_ROLES, can_work_with_cases
from .models import Case
from .models_corrections import CaseHandover

MESSAGE_MAX = 1000


def is_manager(user) -> bool:
    return user.is_authenticated and user.has_role(Role.UNIT_MANAGER) and user.unit_id is not None


def _manager(user) -> None:
    if not is_manager(user):
        raise PermissionDenied(_("Bara enhetschefen flyttar ärenden."))


def unit_workers(unit_id) -> list[User]:
    """The unit's active case workers and managers: those a case can be assigned to."""
    return list(User.objects.filter(unit_id=unit_id, role__in=CASE_ROLES, is_active=True)
                .order_by("first_name", "last_name", "id"))


def other_units(user) -> list[Unit]:
    """The units of the user's municipality a case can be handed over to."""
    unit = user.unit
    return list(Unit.objects.filter(municipality_id=unit.municipality_id).exclude(pk=unit.pk).order_by("name"))


def _worker_id(user):
    return user.pk if user is not None else None


def _log_case(acting_user, case, summary, old, new):
    access_log_write(actor=acting_user, action=UPDATE, object_type="case", object_id=case.pk,
                     household_id=case.household_id, summary=summary, old=old, new=new)


def _locked_case(acting_user, case_id) -> Case:
    """The case as it is now, locked; refused unless it is the user's unit's and open."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or case.unit_id != acting_user.unit_id:
        raise PermissionDenied(_("Ärendet finns inte på din enhet."))
    if case.status != Case.Status.OPEN:
        raise ValidationError(_("Ärende %(ref)s är avslutat och kan inte flyttas.") % {"ref": case.reference})
    return case


# --- within the unit ---------------------------------------------------------------

def case_assign(*, acting_user, case_ids, case_worker: User | None) -> list[Case]:
    """The enhetschef gives the cases ``case_ids`` to ``case_worker`` (None: to nobody).
    All or none: a case of another unit or a closed one refuses the whole assignment."""
    _manager(acting_user)
    case_ids = sorted({int(pk) for pk in case_ids})
    if not case_ids:
        raise ValidationError({"cases": _("Välj minst ett ärende.")})
    if case_worker is not None and not (case_worker.unit_id == acting_user.unit_id
                                        and case_worker.has_role(*CASE_ROLES)):
        raise ValidationError({"case_worker": _("Välj en handläggare på din enhet.")})
    changed = []
    with transaction.atomic():
        for case_id in case_ids:  # locked in id order: two assignments never wait on each other in a circle
            case = _locked_case(acting_user, case_id)
            if case.case_worker_id == _worker_id(case_worker):
                continue
            old = {"case_worker": case.case_worker_id}
            case.case_worker = case_worker
            case.save(update_fields=["case_worker"])
            _log_case(acting_user, case, "Ärendet fördelat till handläggare" if case_worker else
                      "Ärendet saknar nu handläggare", old, {"case_worker": _worker_id(case_worker)})
            changed.append(case)
    return changed


def case_take(*, acting_user, case: Case) -> Case:
    """A case worker takes a case of her unit that has no case worker."""
    if not can_work_with_cases(acting_user):
        raise PermissionDenied
    with transaction.atomic():
        current = _locked_case(acting_user, case.pk)
        if current.case_worker_id == acting_user.pk:
            return current
        if current.case_worker_id is not None:
            raise ValidationError(_("Ärendet har redan en handläggare. Enhetschefen kan fördela om det."))
        current.case_worker = acting_user
        current.save(update_fields=["case_worker"])
        _log_case(acting_user, current, "Handläggaren tog ärendet", {"case_worker": None},
                  {"case_worker": acting_user.pk})
    return current


# --- to another unit ---------------------------------------------------------------

def _already_sent() -> str:
    return _("Ärendet är redan överlämnat till en annan enhet och väntar på svar.")


def handover_send(*, acting_user, case: Case, to_unit: Unit | None, message: str) -> CaseHandover:
    """The enhetschef hands the case over to ``to_unit`` with a message."""
    _manager(acting_user)
    message = (message or "").strip()
    errors = {}
    if to_unit is None or to_unit.pk == acting_user.unit_id \
            or to_unit.municipality_id != acting_user.unit.municipality_id:
        errors["to_unit"] = [_("Välj en annan enhet i kommunen.")]
    if not message:
        errors["message"] = [_("Skriv ett meddelande till den mottagande enheten: varför ärendet flyttas.")]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [_("Meddelandet får vara högst %(n)s tecken.") % {"n": MESSAGE_MAX}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_case(acting_user, case.pk)
        if CaseHandover.objects.filter(case=current, status=CaseHandover.Status.SENT).exists():
            raise ValidationError(_already_sent())
        try:
            with transaction.atomic():
                handover = CaseHandover.objects.create(case=current, from_unit_id=current.unit_id, to_unit=to_unit,
                                                       message=message, sent_by=acting_user)
        except IntegrityError:  # the constraint: one open handover per case
            raise ValidationError(_already_sent()) from None
        access_log_write(actor=acting_user, action=CREATE, object_type="case_handover", object_id=handover.pk,
                         household_id=current.household_id, summary="Ärendet överlämnat till en annan enhet",
                         new={"case": current.pk, "from_unit": current.unit_id, "to_unit": to_unit.pk})
    return handover


def _locked_handover(handover_id) -> tuple[Case, CaseHandover]:
    """The handover's case and the handover, locked in that order, read again."""
    case_id = CaseHandover.objects.filter(pk=handover_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case_id)
    handover = CaseHandover.objects.select_for_update().get(pk=handover_id)
    return case, handover


def handover_answer(*, acting_user, handover: CaseHandover, accept: bool, answer: str = "") -> CaseHandover:
    """The receiving unit's enhetschef accepts the case (it moves to her unit, without a
    case worker) or declines it with a reason."""
    _manager(acting_user)
    answer = (answer or "").strip()
    if len(answer) > MESSAGE_MAX:
        raise ValidationError({"answer": _("Svaret får vara högst %(n)s tecken.") % {"n": MESSAGE_MAX}})
    if not accept and not answer:
        raise ValidationError({"answer": _("Skriv varför ärendet inte tas emot.")})
    with transaction.atomic():
        case, handover = _locked_handover(handover.pk)
        if handover.to_unit_id != acting_user.unit_id:
            raise PermissionDenied
        if handover.status != CaseHandover.Status.SENT:
            raise ValidationError(_("Överlämningen är redan besvarad eller återkallad. Läs sidan igen."))
        if accept and (case.unit_id != handover.from_unit_id or case.status != Case.Status.OPEN):
            raise ValidationError(_("Ärendet har ändrats sedan det överlämnades och kan inte tas emot."))
        now = timezone.now()
        handover.status = CaseHandover.Status.ACCEPTED if accept else CaseHandover.Status.DECLINED
        handover.answered_by, handover.answered_at, handover.answer = acting_user, now, answer
        handover.save(update_fields=["status", "answered_by", "answered_at", "answer"])
        access_log_write(actor=acting_user, action=UPDATE, object_type="case_handover", object_id=handover.pk,
                         household_id=case.household_id,
                         summary="Överlämnat ärende mottaget" if accept else "Överlämnat ärende avböjt",
                         old={"status": CaseHandover.Status.SENT.value}, new={"status": handover.status})
        if accept:
            old = {"unit": case.unit_id, "case_worker": case.case_worker_id}
            case.unit_id, case.case_worker = handover.to_unit_id, None
            case.save(update_fields=["unit", "case_worker"])
            Household.objects.filter(pk=case.household_id).update(unit_id=handover.to_unit_id)
            _log_case(acting_user, case, "Ärendet flyttat till enheten", old,
                      {"unit": handover.to_unit_id, "case_worker": None})
    return handover


def handover_withdraw(*, acting_user, handover: CaseHandover) -> CaseHandover:
    """The sending unit's enhetschef takes back a handover that has no answer yet."""
    _manager(acting_user)
    with transaction.atomic():
        case, handover = _locked_handover(handover.pk)
        if handover.from_unit_id != acting_user.unit_id or case.unit_id != acting_user.unit_id:
            raise PermissionDenied
        if handover.status != CaseHandover.Status.SENT:
            raise ValidationError(_("Överlämningen är redan besvarad eller återkallad. Läs sidan igen."))
        handover.status = CaseHandover.Status.WITHDRAWN
        handover.answered_by, handover.answered_at = acting_user, timezone.now()
        handover.save(update_fields=["status", "answered_by", "answered_at"])
        access_log_write(actor=acting_user, action=UPDATE, object_type="case_handover", object_id=handover.pk,
                         household_id=case.household_id, summary="Överlämningen av ärendet återkallad",
                         old={"status": "sent"}, new={"status": "withdrawn"})
    return handover


def open_handover(case: Case) -> CaseHandover | None:
    return CaseHandover.objects.filter(case=case, status=CaseHandover.Status.SENT).select_related("to_unit").first()


def handovers_incoming(user) -> list[CaseHandover]:
    """Handovers to the user's unit: the open ones first, then the last answered."""
    _manager(user)
    rows = list(CaseHandover.objects.filter(to_unit_id=user.unit_id)
                .select_related("case__registerledare", "from_unit", "sent_by", "answered_by")
                .order_by("-sent_at", "-id")[:200])
    return sorted(rows, key=lambda h: h.status != CaseHandover.Status.SENT)  # stable: newest first in each


def handovers_outgoing(user) -> list[CaseHandover]:
    _manager(user)
    return list(CaseHandover.objects.filter(from_unit_id=user.unit_id)
                .select_related("case", "to_unit", "sent_by", "answered_by").order_by("-sent_at")[:200])
