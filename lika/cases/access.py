"""The one way into case data (STYLE.md §5): every view that shows or changes a
case, a person in it, or anything hanging from it goes through ``access_case``.

- Only socialsekreterare and enhetschefer work with cases (others: 403).
- A user sees only the cases of their own unit; a case of another unit does not
  exist for them (404, so its existence is not revealed).
- Each access is written to the access log (who, when, which household, what).

A person belongs to the unit that handles her (``access_person``): while she is a
member of an open case, only that case's unit reads or changes her; another unit that
meets her number is refused with a neutral message (``refuse_person_from_elsewhere``)
that names neither her nor the unit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from lika.accounts.models import Role
from lika.audit.services import READ, access_log_write
from lika.households.models import HouseholdMembership, Person, TransferRequest

from .models import Case

CASE_ROLES = (Role.CASE_WORKER, Role.UNIT_MANAGER)


def can_work_with_cases(user) -> bool:
    return user.is_authenticated and user.has_role(*CASE_ROLES) and user.unit_id is not None


def access_case(user, case_id, *, what: str, log: bool = True) -> Case:
    """The case ``case_id`` if ``user`` may work with it; log the access as ``what``."""
    if not can_work_with_cases(user):
        raise PermissionDenied
    case = (Case.objects.select_related("unit", "household", "registerledare", "case_worker")
            .filter(pk=case_id, unit_id=user.unit_id).first())
    if case is None:
        raise Http404
    if log:
        access_log_write(actor=user, action=READ, object_type="case", object_id=case.pk,
                         household_id=case.household_id, summary=what)
    return case


NEUTRAL_REFUSAL = ("Personen kan inte registreras här: personnumret hör till ett ärende som din enhet inte "
                   "handlägger. Kontakta socialtjänstens övriga enheter på vanligt sätt. En enhetschef kan "
                   "begära att ärendet flyttas.")


def handling_unit_id(person_id) -> int | None:
    """The unit that handles the person: the unit of the open case whose household she is
    a member of now or from a coming date (the earliest such membership if, against the
    rules, there are several); None when no open case has her.  Being recorded as a
    co-resident in someone else's case (she only shares the dwelling) does not make that
    unit hers: she may apply in her own right wherever her own case is."""
    today = timezone.localdate()
    return (HouseholdMembership.objects.filter(person_id=person_id, household__case__status=Case.Status.OPEN)
            .exclude(role=HouseholdMembership.Role.CO_RESIDENT)
            .exclude(valid_to__lt=today).order_by("valid_from", "id")
            .values_list("household__case__unit_id", flat=True).first())


def handled_elsewhere(user, person) -> bool:
    """Is ``person`` handled by an open case of another unit than the user's?"""
    unit = handling_unit_id(person.pk)
    return unit is not None and unit != user.unit_id


def refuse_person_from_elsewhere(user, person) -> None:
    """A person met by number when registering or adding: refused (neutrally) when
    another unit's open case has her, and when she has skyddad identitet and has never
    been in a household of the user's unit — she is not found by lookup from outside
    (unless her unit accepted a transfer request from the user's: ``transfers``)."""
    if handled_elsewhere(user, person):
        raise ValidationError(NEUTRAL_REFUSAL)
    if person.protected_identity and not HouseholdMembership.objects.filter(
            person=person, household__unit_id=user.unit_id).exists() and not TransferRequest.objects.filter(
            person=person, to_unit_id=user.unit_id, status=TransferRequest.Status.ACCEPTED).exists():
        raise ValidationError(NEUTRAL_REFUSAL)  # unless her unit agreed to hand her over


def check_person_access(user, case, person) -> None:
    """For services: ``user`` may read and change ``person`` through ``case`` (her unit
    handles her, she is in the case's household); PermissionDenied otherwise."""
    if not can_work_with_cases(user) or case.unit_id != user.unit_id:
        raise PermissionDenied
    if not HouseholdMembership.objects.filter(person=person, household_id=case.household_id).exists():
        raise PermissionDenied
    if handled_elsewhere(user, person):
        raise PermissionDenied


def access_person(user, case_id, person_id, *, what: str) -> tuple[Case, Person]:
    """The case and one person who belongs (or belonged) to its household, if the user's
    unit handles her: a person whom another unit's open case has is not there for them
    (404, like a case of another unit).  The read is logged with the person."""
    case = access_case(user, case_id, what=what, log=False)
    person = Person.objects.filter(pk=person_id, memberships__household_id=case.household_id).distinct().first()
    if person is None or handled_elsewhere(user, person):
        raise Http404
    access_log_write(actor=user, action=READ, object_type="person", object_id=person.pk,
                     person_id=person.pk, household_id=case.household_id, summary=what)
    return case, person


access_case_person = access_person  # the earlier name, used by the plan pages
