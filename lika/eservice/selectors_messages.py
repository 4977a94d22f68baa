"""Reading messages.  ``visible_to_resident`` is the one rule of what an adult sees:
her household's case only; its household messages written since she became an adult of
the household (a new partner does not read the earlier couple's conversation); and the
private messages that are hers (``private_to`` her).  Never the partner's private ones.
Every count and list on her pages is built on it."""

from datetime import datetime, time

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from lika.cases.models import Case

from .access import adult_membership
from .models_messages import Message, MessageRead


def visible_to_resident(person, case: Case | None):
    """The messages ``person`` may read in ``case`` (none unless it is her household's)."""
    membership = adult_membership(person)
    if case is None or membership is None or membership.household_id != case.household_id:
        return Message.objects.none()
    since = timezone.make_aware(datetime.combine(membership.valid_from, time.min))
    return (Message.objects.filter(case=case)
            .filter(Q(visibility=Message.Visibility.HOUSEHOLD, created_at__gte=since)
                    | Q(visibility=Message.Visibility.PRIVATE, private_to=person))
            .select_related("author_person", "author_user").order_by("created_at", "id"))


def _unread_by_person(queryset, person):
    return queryset.exclude(author_person=person).exclude(
        Exists(MessageRead.objects.filter(message=OuterRef("pk"), person=person)))


def household_thread(person, case):
    return visible_to_resident(person, case).filter(visibility=Message.Visibility.HOUSEHOLD)


def private_thread(person, case):
    return visible_to_resident(person, case).filter(visibility=Message.Visibility.PRIVATE)


def unread_counts(person, case) -> dict:
    """{"household": n, "private": m} of messages to her she has not read."""
    if case is None:
        return {"household": 0, "private": 0}
    unread = _unread_by_person(visible_to_resident(person, case), person)
    rows = dict(unread.values_list("visibility").annotate(n=Count("id")).order_by())
    return {"household": rows.get(Message.Visibility.HOUSEHOLD, 0), "private": rows.get(Message.Visibility.PRIVATE, 0)}


def case_messages(case):
    """All of the case's messages, for the unit's staff (private ones too)."""
    return (Message.objects.filter(case=case)
            .select_related("author_person", "author_user", "private_to", "reply_to").order_by("created_at", "id"))


def _unread_by_user(queryset, user):
    return queryset.filter(author_user__isnull=True).exclude(
        Exists(MessageRead.objects.filter(message=OuterRef("pk"), user=user)))


def _requests_open(queryset):
    """Annotates ``answered`` (a staff reply to it) and ``met`` (an individual meeting with
    her registered since): a request for an individual meeting is open while neither."""
    from lika.plans.models import Meeting

    answered = Message.objects.filter(reply_to=OuterRef("pk"), author_user__isnull=False)
    met = Meeting.objects.filter(case=OuterRef("case"), kind=Meeting.Kind.INDIVIDUAL,
                                 participants=OuterRef("author_person"), created_at__gte=OuterRef("created_at"))
    return queryset.annotate(answered=Exists(answered), met=Exists(met))


def _open_meeting_requests(queryset):
    return _requests_open(queryset.filter(kind=Message.Kind.MEETING_REQUEST)).filter(answered=False, met=False)


def case_open_meeting_requests(case):
    return list(_open_meeting_requests(Message.objects.filter(case=case)).select_related("author_person"))


def worklist_messages(user, case_ids) -> tuple[list, list]:
    """For "Mina ärenden": [(case, unread count)] of residents' messages the user has not
    read, and the open requests for an individual meeting, in the given cases (one query)."""
    rows = (_requests_open(Message.objects.filter(case_id__in=case_ids, author_person__isnull=False))
            .annotate(seen=Exists(MessageRead.objects.filter(message=OuterRef("pk"), user=user)))
            .filter(Q(seen=False) | Q(kind=Message.Kind.MEETING_REQUEST, answered=False, met=False))
            .select_related("case", "author_person").order_by("created_at", "id"))
    counts, cases, requests = {}, {}, []
    for message in rows:
        if not message.seen:
            counts[message.case_id] = counts.get(message.case_id, 0) + 1
            cases[message.case_id] = message.case
        if message.kind == Message.Kind.MEETING_REQUEST and not (message.answered or message.met):
            requests.append(message)
    unread = [(cases[pk], counts[pk]) for pk in sorted(counts, key=lambda pk: cases[pk].reference)]
    return unread, requests


def staff_unread(user, case):
    return _unread_by_user(Message.objects.filter(case=case), user)
