"""The one way into case data (STYLE.md §5): every view that shows or changes a
case, a person in it, or anything hanging from it goes through ``access_case``.

- Only socialsekreterare and enhetschefer work with cases (others: 403).
- A user sees only the cases of their own unit; a case of another unit does not
  exist for them (404, so its existence is not revealed).
- Each access is written to the access log (who, when, which household, what).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lika.accounts.models import Role
from lika.audit.services import READ, access_log_write
from lika.households.models import Person

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


def access_case_person(user, case_id, person_id, *, what: str) -> tuple[Case, Person]:
    """The case and one person who belongs (or belonged) to its household."""
    case = access_case(user, case_id, what=what, log=False)
    person = Person.objects.filter(pk=person_id, memberships__household_id=case.household_id).distinct().first()
    if person is None:
        raise Http404
    access_log_write(actor=user, action=READ, object_type="person", object_id=person.pk,
                     person_id=person.pk, household_id=case.household_id, summary=what)
    return case, person
