"""The payment run: create, prepare (resumable), attest (four eyes), export.

Preparing works in batches, each in its own transaction: a batch either lands whole
or not at all, and a share that already has an order is never picked again, so a run
that dies halfway is simply started again.  The database's partial unique constraint
(one live order per decision share) makes paying twice impossible even if two
processes prepare at once.
"""

import os
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta
from itertools import chain
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Sum
from django.utils import timezone

from lika.accounts.models import Role
from lika.accounts.settings import current as current_setting
from lika.audit.services import CREATE, EXPORT, UPDATE, access_log_write
from lika.cases.decisions import SHARED_ACCOUNT
from lika.cases.models import Decision, DecisionShare, PaymentException
from lika.cases.people import month_end
from lika.core.limits import os_reason, shown
from lika.core.settlement import settle
from lika.households.models import (
    BankAccountChange,
    HouseholdMembership,
    Person,
    persons_with_hidden_address,
)
from lika.identity.bank import (
    BankAccountError,
    account_key,
    parse_bank_account,
    parse_bankgiro,
    parse_iban,
)

from .bankdays import default_payday, payday_problem
from .models import FAILED, GrantPaymentOrder, PaymentHold, PaymentOffset, PaymentOrder, PaymentRun

BATCH = 5000
PREPARE_ROLES = (Role.PAYMENT_OFFICER,)


def _pending(run: PaymentRun):
    """The run's shares still to prepare: eligible, and not held back by this run."""
    return eligible_shares(run.month).exclude(Exists(PaymentHold.objects.filter(run=run, share=OuterRef("pk"))))


def eligible_shares(month: date):
    """Shares of the decisions in force for ``month`` that are first decisions on their
    application (a changed decision is settled by ``changed_decisions_to_settle``) and
    have no order yet."""
    ordered = PaymentOrder.objects.filter(share=OuterRef("pk"))
    return (DecisionShare.objects
            .filter(decision__status=Decision.Status.ISSUED, decision__superseded_at__isnull=True,
                    decision__supersedes__isnull=True, decision__application__month=month, amount__gt=0)
            .exclude(Exists(ordered)).order_by("id"))


def run_payday(month: date, payday: date | None = None) -> date:
    """The payment day for a run of ``month``: the one asked for, checked, or the
    municipality's pay day moved to the banking day before it."""
    today = timezone.localdate()
    if payday is None:
        return default_payday(month, pay_day=current_setting("pay_day", on=month), today=today)
    problem = payday_problem(payday, today=today)
    if problem:
        raise ValidationError({"payday": problem})
    return payday


@transaction.atomic
def payment_run_create(*, acting_user, month: date, payday: date | None = None) -> PaymentRun:
    """A new run for ``month``, prepared by a payment officer."""
    if not acting_user.has_role(*PREPARE_ROLES):
        raise PermissionDenied
    month = month.replace(day=1)
    payday = run_payday(month, payday)
    busy = "En körning för månaden förbereds redan: fortsätt den i stället."
    if PaymentRun.objects.filter(month=month, status=PaymentRun.Status.PREPARING).exists():
        raise ValidationError(busy)
    try:
        with transaction.atomic():  # the partial unique constraint decides between two at once
            run = PaymentRun.objects.create(month=month, payday=payday, prepared_by=acting_user,
                                            message_id=f"LIKA-{uuid.uuid4().hex[:24]}")
    except IntegrityError:
        raise ValidationError(busy) from None
    access_log_write(actor=acting_user, action=CREATE, object_type="payment_run", object_id=run.pk,
                     summary=f"Utbetalningskörning {month:%Y-%m} skapad",
                     new={"month": f"{month:%Y-%m}", "payday": payday.isoformat()})
    return run


def payment_run_prepare(*, acting_user, run: PaymentRun, progress: Callable[[int, int], None] | None = None,
                        batch: int = BATCH, max_batches: int | None = None, workers: int = 1,
                        _after_batch: Callable[[int], None] | None = None) -> PaymentRun:
    """Create the orders (and holds) of ``run``, batch by batch.  Safe to call again after
    a crash or with ``max_batches`` (the UI prepares a few batches per request).

    With ``workers`` > 1, on PostgreSQL and outside a transaction, the shares are split
    into that many ranges prepared by as many processes at once (``lika.payments.parallel``);
    elsewhere, and for a run smaller than two batches, one process prepares them all."""
    if run.status != PaymentRun.Status.PREPARING:
        raise ValidationError("Körningen är redan förberedd.")
    if acting_user.pk != run.prepared_by_id:
        raise PermissionDenied
    pending = _pending(run)
    left = pending.aggregate(count=Count("pk"), first=Min("pk"), last=Max("pk"))
    done = run.orders.count() + run.holds.count()
    PaymentRun.objects.filter(pk=run.pk).update(progress_total=done + left["count"], progress_done=done)
    if left["count"] and workers > 1 and max_batches is None and _after_batch is None and left["count"] > batch:
        from .parallel import can_prepare_in_processes, prepare_in_processes

        if can_prepare_in_processes():
            prepare_in_processes(run, left["first"], left["last"], workers=workers, batch=batch, progress=progress)
            settle_changed_decisions(run, acting_user)
            _prepare_grants(run, acting_user)
            return _finish(acting_user, run)
    total = done + left["count"]
    batches = 0
    for made in prepare_range(run, 0, None, batch=batch):
        done += made
        if progress:
            progress(done, max(done, total))
        if _after_batch:
            _after_batch(done)
        batches += 1
        if max_batches is not None and batches >= max_batches:
            run.refresh_from_db()
            return run
    settle_changed_decisions(run, acting_user)
    _prepare_grants(run, acting_user)
    return _finish(acting_user, run)


def _prepare_grants(run, acting_user) -> int:
    """Issue 15: the grant decisions still to pay, in the same run (grant_orders)."""
    from .grant_orders import prepare_grant_orders

    made = prepare_grant_orders(run, acting_user)
    if made:
        PaymentRun.objects.filter(pk=run.pk).update(progress_done=F("progress_done") + made,
                                                    progress_total=F("progress_total") + made)
    return made


def run_totals(run) -> tuple[int, int]:
    """(count, total öre) of the run's orders: income support and grants (issue 15)."""
    from .grant_orders import grant_totals

    grants, grant_total = grant_totals(run)
    return run.orders.count() + grants, (run.orders.aggregate(total=Sum("amount"))["total"] or 0) + grant_total


def prepare_range(run: PaymentRun, after: int, last: int | None, *, batch: int = BATCH):
    """Prepare the run's pending shares with ``after`` < id <= ``last`` (no upper bound
    when None), one transaction per batch; yields the number made by each batch."""
    pending = _pending(run)
    if last is not None:
        pending = pending.filter(pk__lte=last)
    shared_retry = None
    while True:
        # keyset pagination: each batch starts after the last share seen, so a batch's
        # query does not re-scan what is done; the anti-join still skips shares already
        # ordered (after a crash, by another process)
        shares = _shares(pending.filter(pk__gt=after)[:batch])
        if not shares:
            return
        try:
            with transaction.atomic():
                made = _prepare_batch(run, shares)
                PaymentRun.objects.filter(pk=run.pk).update(progress_done=F("progress_done") + made)
        except IntegrityError as exc:
            # another process prepared some of these shares at the same moment (the
            # database kept each share's one live order); read the batch again without them
            if _is_duplicate(exc):
                continue
            # an adult's account changed between reading the batch and checking it, so that
            # the database found two halves going into one account (migration 0006): read the
            # batch again, once (the check then holds them)
            if "gemensamt konto" in str(exc) and shared_retry != after:
                shared_retry = after
                continue
            raise
        after = shares[-1].pk
        yield made


def _is_duplicate(exc: IntegrityError) -> bool:
    """A unique constraint said no (not a check or a trigger)."""
    code = getattr(exc.__cause__, "sqlstate", None)
    return code == "23505" or (code is None and "UNIQUE constraint failed" in str(exc))


class _Person(NamedTuple):
    first_name: str
    last_name: str
    iban: str
    bank_clearing: str
    bank_account: str
    protected_identity: bool
    payment_method: str = Person.PaymentMethod.ACCOUNT
    street_address: str = ""
    postal_code: str = ""
    city: str = ""
    address_hidden: bool = False  # her own protection or a protected member of her household

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class _Share(NamedTuple):
    """What preparing needs of a share, read as plain values: no model instances, no
    calculation JSON beyond the member list (the run reads every share of a month)."""

    pk: int
    decision_id: int
    amount: int
    person_id: int | None
    person: _Person | None
    direct_payee: str
    direct_account: str
    members: list
    household_id: int
    paid_persons: int = 2  # adults the decision pays: "din del" only when it is split (issue 17)


SHARE_FIELDS = ("pk", "decision_id", "amount", "person_id", "person__first_name", "person__last_name",
                "person__iban", "person__bank_clearing", "person__bank_account", "person__protected_identity",
                "person__payment_method", "person__street_address", "person__postal_code", "person__city",
                "direct_payee", "direct_account", "decision__calculation__members",
                "decision__application__case__household_id")
ORDER_COLUMNS = ("run_id", "share_id", "decision_id", "person_id", "payee_name", "iban", "clearing", "account",
                 "bankgiro", "amount", "remittance", "end_to_end_id", "status", "status_reason", "created_at",
                 "method", "account_key", "street_address", "postal_code", "city")


def _shares(queryset) -> list[_Share]:
    """Two queries: the shares of ``queryset`` with what preparing needs, and whose
    address is protected (an utbetalningsavi never goes there)."""
    from django.db.models import Subquery

    paid = (DecisionShare.objects.filter(decision=OuterRef("decision"), person__isnull=False)
            .values("decision").annotate(n=Count("pk")).values("n"))
    rows = list(queryset.annotate(paid_persons=Subquery(paid)).values_list(*SHARE_FIELDS, "paid_persons"))
    # only an utbetalningsavi needs to know (a few persons): the common case costs no query
    hidden = persons_with_hidden_address({row[3] for row in rows if row[10] == Person.PaymentMethod.AVI})
    out = []
    for (pk, decision_id, amount, person_id, first, last, iban, clearing, account, protected, method, street,
         postal_code, city, payee, direct_account, members, household_id, paid_persons) in rows:
        person = None if person_id is None else _Person(first, last, iban, clearing, account, protected, method,
                                                        street, postal_code, city, person_id in hidden)
        out.append(_Share(pk, decision_id, amount, person_id, person, payee, direct_account, members, household_id,
                          paid_persons or 0))
    return out


# --- two halves into one account (issue 14) ------------------------------------------



_SEPARATORS = str.maketrans("", "", " -.")


def _registered_key(iban: str, clearing: str, account: str, method: str) -> str:
    """The account a person's half would be paid into, however written ("" for none or an
    utbetalningsavi).  Normalised as ``parse_iban``/``parse_bank_account`` do (separators
    out) without their checks, which ``_account_of`` makes anyway: for a valid account the
    key is the order's ``account_key``; an invalid one is held for that reason."""
    if method != Person.PaymentMethod.ACCOUNT:
        return ""
    if iban:
        return account_key(iban=iban.translate(_SEPARATORS).upper())
    account = (account or "").translate(_SEPARATORS)
    return account_key(clearing=(clearing or "").translate(_SEPARATORS), account=account) if account else ""


def shared_account_exceptions(decision_ids) -> set[int]:
    """Of ``decision_ids``, those whose case has an approved exception "gemensamt konto"
    covering the decision's month (one query)."""
    covered = PaymentException.objects.filter(
        case_id=OuterRef("application__case_id"), reason=SHARED_ACCOUNT,
        status=PaymentException.Status.APPROVED, valid_from__lte=OuterRef("application__month"),
        valid_to__gte=OuterRef("application__month"))
    return set(Decision.objects.filter(pk__in=set(decision_ids)).filter(Exists(covered))
               .values_list("pk", flat=True))


def shared_accounts(decision_ids) -> dict[int, set[int]]:
    """Per decision of ``decision_ids``: the adults whose halves would go into an account
    another adult of the same decision is paid into too (same clearing and account after
    normalisation, same IBAN, or an IBAN of the other's clearing and account), unless an
    approved exception "gemensamt konto" covers the month.  Every person share of the
    decisions is read, not only a batch's (the two halves may fall in two batches)."""
    by_decision: dict[int, dict[str, set[int]]] = {}
    for decision_id, person_id, iban, clearing, account, method in (
            DecisionShare.objects.filter(decision_id__in=set(decision_ids), person__isnull=False, amount__gt=0)
            .values_list("decision_id", "person_id", "person__iban", "person__bank_clearing",
                         "person__bank_account", "person__payment_method")):
        key = _registered_key(iban, clearing, account, method)
        if key:
            by_decision.setdefault(decision_id, {}).setdefault(key, set()).add(person_id)
    out = {decision_id: {p for persons in keys.values() if len(persons) > 1 for p in persons}
           for decision_id, keys in by_decision.items()}
    out = {decision_id: persons for decision_id, persons in out.items() if persons}
    for decision_id in shared_account_exceptions(out):
        del out[decision_id]
    return out


def _shared_account_text(share) -> str:
    return (f"{share.person}: samma konto som den andra vuxna i beslutet. Hushållets delar stoppas tills var och "
            "en har ett eget konto (eller utbetalningsavi) eller ett undantag \"gemensamt konto\" är godkänt")


def _lock_in_force(shares) -> set[int]:
    """Lock the batch's decisions against being superseded while their orders are
    written (decision_make writes ``superseded_at`` under the same row lock), and return
    those still in force, read again after the lock."""
    ids = {share.decision_id for share in shares}
    return set(Decision.objects.select_for_update(no_key=True)
               .filter(pk__in=ids, status=Decision.Status.ISSUED, superseded_at__isnull=True)
               .values_list("pk", flat=True))


def _prepare_batch(run, shares) -> int:
    in_force = _lock_in_force(shares)
    shares = [share for share in shares if share.decision_id in in_force]
    last_day = month_end(run.month)
    members, co_residents, latest = {}, {}, {}
    for household_id, person_id, role in (HouseholdMembership.objects
                                          .filter(household_id__in={s.household_id for s in shares},
                                                  valid_from__lte=last_day)
                                          .exclude(valid_to__lt=run.month).order_by("id")
                                          .values_list("household_id", "person_id", "role")):
        latest[household_id, person_id] = role  # the row in force at the month's end, as the calculation
    for (household_id, person_id), role in latest.items():
        # a co-resident (docs/casework.md) is no member: she counts only in the dwelling's size
        group = co_residents if role == HouseholdMembership.Role.CO_RESIDENT else members
        group.setdefault(household_id, set()).add(person_id)
    dwelling = dict(Decision.objects.filter(pk__in={s.decision_id for s in shares})
                    .values_list("pk", "calculation__input__household_size"))
    now = timezone.now()
    changed = accounts_changed_recently({s.person_id for s in shares}, now)
    shared = shared_accounts({s.decision_id for s in shares})  # under the decisions' locks
    orders, holds = [], []
    for share in shares:
        size = len(share.members) + len(co_residents.get(share.household_id, ()))
        if set(share.members) != members.get(share.household_id, set()) \
                or (dwelling.get(share.decision_id) or len(share.members)) != size:
            holds.append(_hold(run, share, PaymentHold.Reason.COMPOSITION_CHANGED,
                               "Hushållets sammansättning för månaden skiljer sig från beslutets beräkning"))
            continue
        _order_or_hold(run, share, changed, now, orders, holds, shared=shared.get(share.decision_id, ()))
    _insert_orders(orders)
    PaymentHold.objects.bulk_create(holds)
    return len(orders) + len(holds)


# --- changed decisions (ändringsbeslut): pay only what is still owed ------------------

def changed_decisions_to_settle(run: PaymentRun):
    """Ids of the decisions in force for the run's month that changed an earlier decision
    and are not settled yet: never settled, or settled with an amount still owed to a
    payee whose share has no order and is not held back by this run."""
    owed = PaymentOffset.objects.filter(decision=OuterRef("pk"), to_pay__gt=0).exclude(
        Exists(PaymentOrder.objects.filter(share=OuterRef("share")))).exclude(
        Exists(PaymentHold.objects.filter(run=run, share=OuterRef("share"))))
    return (Decision.objects
            .filter(status=Decision.Status.ISSUED, superseded_at__isnull=True, supersedes__isnull=False,
                    application__month=run.month)
            .filter(~Exists(PaymentOffset.objects.filter(decision=OuterRef("pk"))) | Exists(owed))
            .order_by("pk").values_list("pk", flat=True))


def settle_changed_decisions(run: PaymentRun, acting_user) -> int:
    """Settle each changed decision of the run's month in its own transaction."""
    made = 0
    for decision_id in list(changed_decisions_to_settle(run)):
        with transaction.atomic():
            made += _settle(run, decision_id, acting_user)
    return made


def payee_key(person_id, direct_payee) -> tuple:
    return ("person", person_id) if person_id is not None else ("direct", direct_payee)


def _settle(run, decision_id, acting_user) -> int:
    """Offsets of one changed decision (first time) and the orders or holds for what is
    owed.  The decision is locked and read again; so are the application's earlier
    orders, so a bank return cannot slip between counting and paying."""
    from lika.cases.services import journal_write

    decision = (Decision.objects.select_for_update(no_key=True, of=("self",))
                .select_related("application__case")
                .filter(pk=decision_id, status=Decision.Status.ISSUED, superseded_at__isnull=True).first())
    if decision is None:
        return 0
    shares = {payee_key(s.person_id, s.direct_payee): s for s in decision.shares.all()}
    offsets = list(decision.payment_offsets.all())
    now = timezone.now()
    if not offsets:
        earlier = {}
        for order in (PaymentOrder.objects.select_for_update(of=("self",))
                      .filter(decision__application_id=decision.application_id)
                      .exclude(status__in=FAILED).select_related("share").order_by("pk")):
            key = payee_key(order.share.person_id, order.share.direct_payee)
            paid, ids = earlier.get(key, (0, []))
            earlier[key] = (paid + order.amount, [*ids, order.pk])
        settled = settle({key: share.amount for key, share in shares.items()},
                         {key: paid for key, (paid, _ids) in earlier.items()})
        for key in sorted(settled, key=repr):
            amounts = settled[key]
            offsets.append(PaymentOffset(
                run=run, decision=decision, share=shares.get(key),
                person_id=key[1] if key[0] == "person" else None,
                direct_payee=key[1] if key[0] == "direct" else "", earlier_paid=amounts.earlier_paid,
                to_pay=amounts.to_pay, overpaid=amounts.overpaid, counted_orders=earlier.get(key, (0, []))[1],
                created_at=now))
        PaymentOffset.objects.bulk_create(offsets)
        overpaid = [o for o in offsets if o.overpaid]
        if overpaid:
            journal_write(acting_user=acting_user, case=decision.application.case, text=(
                f"Ändringsbeslutet för {decision.application.month:%Y-%m} beviljar mindre än det som redan har "
                "betalats ut: " + "; ".join(f"{_payee_name(o)} {format_kronor(o.overpaid)} kr för mycket"
                                            for o in overpaid)
                + ". Ta ställning till om det ska återkrävas enligt socialtjänstlagen."))
        access_log_write(actor=acting_user, action=CREATE, object_type="payment_offset", object_id=decision.pk,
                         household_id=decision.application.case.household_id,
                         summary=f"Avräkning av ändringsbeslut {decision.application.month:%Y-%m}",
                         new={"run": run.pk, "offsets": [[o.person_id, o.direct_payee, o.earlier_paid, o.to_pay,
                                                          o.overpaid] for o in offsets]})
    owing = [o for o in offsets if o.to_pay > 0 and o.share_id is not None]
    taken = set(PaymentOrder.objects.filter(share_id__in=[o.share_id for o in owing]).values_list("share_id", flat=True))
    held = set(PaymentHold.objects.filter(run=run, share_id__in=[o.share_id for o in owing])
               .values_list("share_id", flat=True))
    todo = [o for o in owing if o.share_id not in taken and o.share_id not in held]
    if not todo:
        return 0
    plain = {s.pk: s for s in _shares(DecisionShare.objects.filter(pk__in=[o.share_id for o in todo]))}
    changed = accounts_changed_recently({s.person_id for s in plain.values()}, now)
    shared = shared_accounts([decision.pk]).get(decision.pk, ())
    orders, holds = [], []
    for offset in todo:
        share = plain[offset.share_id]._replace(amount=offset.to_pay)
        _order_or_hold(run, share, changed, now, orders, holds, changed_decision=True, shared=shared)
    _insert_orders(orders)
    PaymentHold.objects.bulk_create(holds)
    made = len(orders) + len(holds)
    PaymentRun.objects.filter(pk=run.pk).update(progress_done=F("progress_done") + made,
                                                progress_total=F("progress_total") + made)
    return made


def _payee_name(offset) -> str:
    return str(offset.person) if offset.person_id else offset.direct_payee


def _order_or_hold(run, share, changed, now, orders, holds, *, changed_decision=False, shared=()) -> None:
    """Add the share's order row (its ``amount``) to ``orders``, or its hold to ``holds``
    when the account changed recently, cannot be paid to, or is the other adult's too
    (``shared``: the persons of the decision paid into one account without an exception)."""
    if share.person_id in changed:
        holds.append(_hold(run, share, PaymentHold.Reason.ACCOUNT_CHANGED, _account_changed_text(share.person)))
        return
    account, problem = _account_of(share)
    if problem is not None:
        holds.append(_hold(run, share, *problem))
        return
    if share.person_id in shared:
        holds.append(_hold(run, share, PaymentHold.Reason.SHARED_ACCOUNT, _shared_account_text(share)))
        return
    orders.append((run.pk, share.pk, share.decision_id, share.person_id,
                   str(share.person) if share.person else share.direct_payee,
                   account.get("iban", ""), account.get("clearing", ""), account.get("account", ""),
                   account.get("bankgiro", ""), share.amount, _remittance(run.month, share, changed=changed_decision),
                   f"LIKA-{share.pk}-1", PaymentOrder.Status.CREATED, "", now,
                   account.get("method", Person.PaymentMethod.ACCOUNT), account.get("account_key", ""),
                   account.get("street_address", ""), account.get("postal_code", ""), account.get("city", "")))


def _insert_orders(rows) -> None:
    """PostgreSQL: COPY (the fastest way in); elsewhere one bulk INSERT.  The unique
    constraints hold either way."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        # psycopg's COPY runs beside Django's cursor wrapper: its errors are wrapped here so
        # a unique violation is Django's IntegrityError like any other
        with connection.cursor() as cursor, connection.wrap_database_errors:
            copy_sql = f"COPY payments_paymentorder ({', '.join(ORDER_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    PaymentOrder.objects.bulk_create(PaymentOrder(**dict(zip(ORDER_COLUMNS, row, strict=True))) for row in rows)


def _hold(run, share, reason, detail):
    return PaymentHold(run=run, share_id=share.pk, decision_id=share.decision_id, reason=reason,
                       detail=detail[:200], amount=share.amount)


def _remittance(month, share, *, changed: bool = False) -> str:
    suffix = ", ändrat beslut" if changed else ""
    if share.person_id is not None:
        # "din del" only when the decision is split between the adults; one recipient gets it all
        part = ", din del" if getattr(share, "paid_persons", 2) > 1 else ""
        return f"Försörjningsstöd {month:%Y-%m}{part}{suffix}"
    return f"Försörjningsstöd {month:%Y-%m}, direktbetalning{suffix}"


def _account_of(share) -> tuple[dict, tuple | None]:
    """Where to pay (the order's account or avi fields), or the reason to hold the share
    back.  ``share.person`` is a ``_Person`` or a ``Person``."""
    person = share.person
    if person is None:
        try:
            return {"bankgiro": parse_bankgiro(share.direct_account).replace("-", "")}, None
        except (BankAccountError, ValueError):
            return {}, (PaymentHold.Reason.INVALID_ACCOUNT, f"Bankgiro för {share.direct_payee} saknas eller är ogiltigt")
    if person.payment_method == Person.PaymentMethod.AVI:
        return _avi_of(person)
    try:
        if person.iban:
            iban = parse_iban(person.iban)
            return {"iban": iban, "account_key": account_key(iban=iban)}, None
        if person.bank_clearing or person.bank_account:
            parsed = parse_bank_account(person.bank_clearing, person.bank_account)
            return {"clearing": parsed.clearing, "account": parsed.number,
                    "account_key": account_key(clearing=parsed.clearing, account=parsed.number)}, None
    except BankAccountError as exc:
        return {}, (PaymentHold.Reason.INVALID_ACCOUNT, f"{person}: {exc}")
    if person.protected_identity:
        return {}, (PaymentHold.Reason.PROTECTED_NO_CHANNEL,
                    f"{person} har skyddade personuppgifter och inget konto: utbetalningsavi skickas inte")
    return {}, (PaymentHold.Reason.NO_ACCOUNT, f"{person} har inget konto registrerat")


def _avi_of(person) -> tuple[dict, tuple | None]:
    """An utbetalningsavi to the person's address, never to a protected one: a person
    whose address is hidden (her own skyddade personuppgifter or a protected member of
    her household) is held, and the case worker arranges the payment through the unit
    (docs/payments.md, "Utbetalningsavi")."""
    if person.protected_identity or person.address_hidden:
        return {}, (PaymentHold.Reason.PROTECTED_ADDRESS,
                    f"{person}: skyddad adress, ingen utbetalningsavi. Ordna utbetalningen via enheten "
                    "(t.ex. ett eget konto, registrerat med fyra ögon)")
    street, postal_code, city = (person.street_address or "").strip(), (person.postal_code or "").strip(), \
        (person.city or "").strip()
    if not (street and postal_code and city):
        return {}, (PaymentHold.Reason.NO_ADDRESS, f"{person}: utbetalningsavi vald men adressen är ofullständig")
    return {"method": Person.PaymentMethod.AVI, "street_address": street, "postal_code": postal_code,
            "city": city}, None


def accounts_changed_recently(person_ids, now) -> set[int]:
    """Of ``person_ids``, those whose bank account was changed (confirmed) within
    ``LIKA_ACCOUNT_CHANGE_HOLD_DAYS`` before ``now``: their shares are held (one query)."""
    days = current_setting("account_change_hold_days", on=timezone.localdate(now))
    ids = {pk for pk in person_ids if pk is not None}
    if days <= 0 or not ids:
        return set()
    return set(BankAccountChange.objects.filter(person_id__in=ids, status=BankAccountChange.Status.CONFIRMED,
                                                confirmed_at__gte=now - timedelta(days=days))
               .values_list("person_id", flat=True))


def _account_changed_text(person) -> str:
    return (f"{person}: kontot har ändrats de senaste {current_setting('account_change_hold_days')} dagarna; "
            "betalas i en senare körning")


def _finish(acting_user, run) -> PaymentRun:
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A run adds a month of rows at once; fresh statistics keep the planner from
        # choosing nested loops for the reconciliation and the export (docs/benchmarks.md).
        # ANALYZE is for the tables' owner: the runtime role calls a function of the owner's
        # that analyzes these two tables only (lika/audit/migrations/0003, docs/operations.md).
        with connection.cursor() as cursor:
            cursor.execute("SELECT lika_analyze_payment_tables()")
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update().get(pk=run.pk)
        run.order_count, run.total = run_totals(run)
        run.hold_count = run.holds.count() + run.grant_holds.count()
        run.status = PaymentRun.Status.PREPARED
        run.progress_done = run.progress_total = run.order_count + run.hold_count
        run.save(update_fields=["order_count", "total", "hold_count", "status", "progress_done", "progress_total"])
        access_log_write(actor=acting_user, action=UPDATE, object_type="payment_run", object_id=run.pk,
                         summary=f"Körning {run.month:%Y-%m} förberedd: {run.order_count} ordrar, "
                                 f"{run.hold_count} stoppade",
                         new={"orders": run.order_count, "total": run.total, "holds": run.hold_count})
    return run


def reconciliation(run: PaymentRun) -> list[dict]:
    """Per decision in the run: granted support against what is paid (its live orders,
    in any run) plus what this run holds back plus, for a changed decision, what the
    earlier decisions had paid net of any overpayment (its offsets).  An empty list means
    everything adds up.

    One query with grouped joins that returns only the decisions that do not add up, so
    a run of 100 000 decisions does not bring 100 000 rows to Python (docs/benchmarks.md).
    Plain SQL that SQLite and PostgreSQL both run."""
    orders, holds = PaymentOrder._meta.db_table, PaymentHold._meta.db_table
    offsets, decisions = PaymentOffset._meta.db_table, Decision._meta.db_table
    failed = ", ".join(["%s"] * len(FAILED))
    query = f"""
        WITH in_run AS (SELECT decision_id FROM {orders} WHERE run_id = %s
                        UNION SELECT decision_id FROM {holds} WHERE run_id = %s
                        UNION SELECT decision_id FROM {offsets} WHERE run_id = %s),
             paid AS (SELECT o.decision_id, SUM(o.amount) AS amount FROM {orders} o
                      WHERE o.status NOT IN ({failed})
                        AND o.decision_id IN (SELECT decision_id FROM in_run)
                      GROUP BY o.decision_id),
             held AS (SELECT decision_id, SUM(amount) AS amount FROM {holds} WHERE run_id = %s
                      GROUP BY decision_id),
             settled AS (SELECT decision_id, SUM(earlier_paid - overpaid) AS amount FROM {offsets}
                         WHERE decision_id IN (SELECT decision_id FROM in_run) GROUP BY decision_id)
        SELECT d.id, d.granted_amount, COALESCE(paid.amount, 0), COALESCE(held.amount, 0),
               COALESCE(settled.amount, 0)
        FROM in_run JOIN {decisions} d ON d.id = in_run.decision_id
        LEFT JOIN paid ON paid.decision_id = d.id LEFT JOIN held ON held.decision_id = d.id
        LEFT JOIN settled ON settled.decision_id = d.id
        WHERE d.granted_amount <> COALESCE(paid.amount, 0) + COALESCE(held.amount, 0)
                                  + COALESCE(settled.amount, 0)"""
    with connection.cursor() as cursor:
        cursor.execute(query, [run.pk, run.pk, run.pk, *FAILED, run.pk])
        out = [{"pk": pk, "granted_amount": int(granted), "paid": int(paid), "held": int(held),
                "settled": int(settled)}
               for pk, granted, paid, held, settled in sorted(cursor.fetchall())]
    from .grant_orders import grant_reconciliation, grant_totals

    out += grant_reconciliation(run)
    live = (run.orders.exclude(status__in=FAILED).aggregate(total=Sum("amount"))["total"] or 0) + grant_totals(run)[1]
    if live != run.total and run.status != PaymentRun.Status.EXPORTED:
        out.append({"pk": None, "granted_amount": run.total, "paid": live, "held": 0, "settled": 0})
    return out


@transaction.atomic
def payment_run_attest(*, acting_user, run: PaymentRun) -> PaymentRun:
    """Attest: someone else than the preparer, with attesträtt, on a reconciled run."""
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if not (acting_user.is_active and acting_user.can_attest_payments):
        raise PermissionDenied
    if acting_user.pk == run.prepared_by_id:
        raise ValidationError("Du kan inte attestera en körning som du själv har förberett.")
    if run.status != PaymentRun.Status.PREPARED:
        raise ValidationError("Bara en förberedd körning kan attesteras.")
    if reconciliation(run):
        raise ValidationError("Avstämningen visar differenser: körningen kan inte attesteras.")
    run.status, run.attested_by, run.attested_at = PaymentRun.Status.ATTESTED, acting_user, timezone.now()
    run.save(update_fields=["status", "attested_by", "attested_at"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="payment_run", object_id=run.pk,
                     summary=f"Körning {run.month:%Y-%m} attesterad", old={"status": "prepared"},
                     new={"status": "attested"})
    return run


def payment_run_export(*, acting_user, run: PaymentRun, version: str = "09") -> str:
    """Write the attested run as pain.001 (validated against the XSD before it is
    kept) and mark its orders exported.  Returns the file's path."""
    if not acting_user.has_role(*PREPARE_ROLES) and not acting_user.can_attest_payments:
        raise PermissionDenied
    run = PaymentRun.objects.get(pk=run.pk)  # the status as it is now, not as the caller saw it
    if run.status != PaymentRun.Status.ATTESTED:
        raise ValidationError("Bara en attesterad körning kan exporteras.")
    if version not in ("09", "03"):
        raise ValidationError("Versionen ska vara 09 eller 03.")
    problem = payday_problem(run.payday, today=timezone.localdate())
    if problem:
        raise ValidationError(f"{problem} Ändra körningens utbetalningsdag innan den exporteras.")
    if reconciliation(run):
        raise ValidationError("Avstämningen visar differenser: körningen exporteras inte.")
    from . import iso20022
    from .pain001_file import write_checked_pain001

    folder = settings.LIKA_PAYMENT_FILES
    name = f"pain.001.001.{version}-{run.month:%Y-%m}-{run.pk}.xml"
    final, temporary = folder / name, folder / f".{name}.tmp"
    debtor = iso20022.Party(name=settings.LIKA_DEBTOR_NAME, org_number=settings.LIKA_DEBTOR_ORG_NUMBER,
                            account=iso20022.Account(iban=settings.LIKA_DEBTOR_IBAN, bic=settings.LIKA_DEBTOR_BIC))
    live = run.orders.exclude(status__in=FAILED).order_by("id")
    orders, avis = live.exclude(method=Person.PaymentMethod.AVI), live.filter(method=Person.PaymentMethod.AVI)
    grants = run.grant_orders.exclude(status__in=FAILED).order_by("id")  # issue 15: the same block
    count = orders.count() + grants.count()
    total = (orders.aggregate(s=Sum("amount"))["s"] or 0) + (grants.aggregate(s=Sum("amount"))["s"] or 0)
    avi_count, avi_total = avis.count(), avis.aggregate(s=Sum("amount"))["s"] or 0
    if count + avi_count == 0:
        raise ValidationError("Körningen har inga betalningsordrar: ingen fil skapas.")
    transfers = (iso20022.Transfer(
        end_to_end_id=e2e, amount=amount, remittance=remittance,
        creditor=iso20022.Party(name=name, account=iso20022.Account(
            iban=iban, clearing=clearing, number=number, bankgiro=bankgiro)))
        for e2e, amount, remittance, name, iban, clearing, number, bankgiro in orders.values_list(
            "end_to_end_id", "amount", "remittance", "payee_name", "iban", "clearing", "account", "bankgiro",
        ).iterator(chunk_size=BATCH * 5))
    grant_transfers = (iso20022.Transfer(
        end_to_end_id=e2e, amount=amount, remittance=remittance,
        creditor=iso20022.Party(name=name, account=iso20022.Account(clearing=clearing, number=number,
                                                                    bankgiro=bankgiro)))
        for e2e, amount, remittance, name, clearing, number, bankgiro in grants.values_list(
            "end_to_end_id", "amount", "remittance", "payee_name", "clearing", "account", "bankgiro").iterator())
    transfers = chain(transfers, grant_transfers)
    # utbetalningsavier: a second block (PmtMtd CHK) with the payee's postal address
    avi_transfers = (iso20022.Transfer(
        end_to_end_id=e2e, amount=amount, remittance=remittance,
        creditor=iso20022.Party(name=name, account=iso20022.Account(),
                                address=iso20022.PostalAddress(street=street, postal_code=postal_code, town=city)))
        for e2e, amount, remittance, name, street, postal_code, city in avis.values_list(
            "end_to_end_id", "amount", "remittance", "payee_name", "street_address", "postal_code", "city",
        ).iterator(chunk_size=BATCH))
    # written and validated against the XSD side by side, on two cores (pain001_file); a
    # full disk or a folder that cannot be written is one line (Iso20022Error), and no file
    # is left behind: the temporary file is removed by write_checked_pain001
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the file itself is 0600 (pain001_file)
        checked = write_checked_pain001(temporary, version=version, message_id=run.message_id,
                                        created_at=timezone.now(), debtor=debtor,
                                        payment_info_id=f"{run.message_id}-1", execution_date=run.payday,
                                        count=count, total=total, transfers=transfers, avi_count=avi_count,
                                        avi_total=avi_total, avi_transfers=avi_transfers,
                                        avi_payment_info_id=f"{run.message_id}-2")
        os.replace(temporary, final)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(temporary)
        raise iso20022.Iso20022Error(f"betalfilen kan inte skrivas i {folder}: {os_reason(exc)}; "
                                     "körningen är inte exporterad") from None
    digest = checked.sha256
    try:
        with transaction.atomic():
            run.status, run.exported_at, run.file_version = PaymentRun.Status.EXPORTED, timezone.now(), version
            run.file_name, run.file_sha256 = name, digest
            run.save(update_fields=["status", "exported_at", "file_version", "file_name", "file_sha256"])
            access_log_write(actor=acting_user, action=EXPORT, object_type="payment_run", object_id=run.pk,
                             summary=f"Körning {run.month:%Y-%m} exporterad som pain.001.001.{version}",
                             new={"file": name, "sha256": digest, "orders": count + avi_count,
                                  "total": total + avi_total, "avi": avi_count})
    except BaseException:
        # a file under its final name means "exported": never one the database does not know
        with suppress(OSError):
            os.unlink(final)
        raise
    return str(final)


@transaction.atomic
def payment_run_mark_sent(*, acting_user, run: PaymentRun) -> PaymentRun:
    """Issue 17: record that the exported file was really sent to the bank (who, when).
    Under the run's lock, read again: refused before the file exists and the second time."""
    if not acting_user.has_role(*PREPARE_ROLES) and not (acting_user.is_active and acting_user.can_attest_payments):
        raise PermissionDenied
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.status != PaymentRun.Status.EXPORTED:
        raise ValidationError("Bara en körning med skapad betalfil kan markeras som skickad till banken.")
    if run.sent_to_bank_at is not None:
        raise ValidationError("Körningen är redan markerad som skickad till banken.")
    run.sent_to_bank_at, run.sent_to_bank_by = timezone.now(), acting_user
    run.save(update_fields=["sent_to_bank_at", "sent_to_bank_by"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="payment_run", object_id=run.pk,
                     summary=f"Betalfilen för {run.month:%Y-%m} skickad till banken",
                     new={"file": run.file_name, "sha256": run.file_sha256,
                          "sent_to_bank_at": run.sent_to_bank_at.isoformat()})
    return run


@transaction.atomic
def payment_run_set_payday(*, acting_user, run: PaymentRun, payday: date) -> PaymentRun:
    """Move a run's payment day before it is exported (e.g. it was attested too late)."""
    if not acting_user.has_role(*PREPARE_ROLES):
        raise PermissionDenied
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.status == PaymentRun.Status.EXPORTED:
        raise ValidationError("Körningen är redan exporterad: utbetalningsdagen kan inte ändras.")
    problem = payday_problem(payday, today=timezone.localdate())
    if problem:
        raise ValidationError({"payday": problem})
    old = run.payday
    run.payday = payday
    run.save(update_fields=["payday"])
    access_log_write(actor=acting_user, action=UPDATE, object_type="payment_run", object_id=run.pk,
                     summary=f"Körning {run.month:%Y-%m}: ny utbetalningsdag",
                     old={"payday": old.isoformat()}, new={"payday": payday.isoformat()})
    return run


def accounting_rows(run: PaymentRun) -> list[list[str]]:
    """The accounting file: the municipality's codes and totals per kind of payment."""
    rows = [["konto", "ansvar", "verksamhet", "slag", "antal", "belopp"]]
    kinds = {"person": ("Till enskild", run.orders.filter(person__isnull=False)),
             "direct": ("Direktbetalning", run.orders.filter(person__isnull=True)),
             "grant": ("Föreningsbidrag", run.grant_orders.all())}
    for label, orders in kinds.values():
        agg = orders.aggregate(total=Sum("amount"))
        rows.append([settings.LIKA_ACCOUNTING_ACCOUNT, settings.LIKA_ACCOUNTING_RESPONSIBILITY,
                     settings.LIKA_ACCOUNTING_ACTIVITY, label, str(orders.count()), format_kronor(agg["total"] or 0)])
    rows.append(["", "", "", "Summa", str(run.order_count), format_kronor(run.total)])
    return rows


def format_kronor(ore: int) -> str:
    return f"{ore // 100},{ore % 100:02d}"


# --- what the bank says back ---------------------------------------------------------

STATUS_MAP = {"ACSC": PaymentOrder.Status.PAID, "ACCC": PaymentOrder.Status.PAID,
              "ACSP": PaymentOrder.Status.ACCEPTED, "ACCP": PaymentOrder.Status.ACCEPTED,
              "ACTC": PaymentOrder.Status.ACCEPTED, "ACWC": PaymentOrder.Status.ACCEPTED,
              "PDNG": None, "RCVD": None, "RJCT": PaymentOrder.Status.REJECTED}
# An order keeps "created" when its run is exported (the run records the file); the
# bank's answers move it on.  Rewriting 150 000 rows just to say "sent" cost seconds.
OPEN_AT_BANK = (PaymentOrder.Status.CREATED, PaymentOrder.Status.EXPORTED, PaymentOrder.Status.ACCEPTED,
                PaymentOrder.Status.PAID)


class BankAnswer(NamedTuple):
    """What a file from the bank says about one payment order."""

    end_to_end_id: str
    status: str | None  # the order's new status; None: no news (PDNG)
    reason: str
    amount: int | None = None  # öre (SEK) when the file carries it: must be the order's
    message_id: str = ""  # pain.002: the pain.001's MsgId when given: must be the order's run's
    kind: str = "Statusen"  # how the message names it: "Statusen" or "Returen"


def _sek(ore: int) -> str:
    return f"{ore // 100:,}".replace(",", " ") + f",{ore % 100:02d} SEK"


def _mismatch(answer: BankAnswer, order: PaymentOrder) -> str | None:
    """Why ``answer`` cannot be about ``order`` (one Swedish line), or None when it matches."""
    if answer.amount is not None and answer.amount != order.amount:
        return (f"{answer.kind} för {answer.end_to_end_id} gäller {_sek(answer.amount)} men ordern är "
                f"{_sek(order.amount)}: filen läses inte in.")
    if answer.message_id and answer.message_id != order.run.message_id:
        return (f"{answer.kind} för {answer.end_to_end_id} gäller betalfilen {' '.join(answer.message_id.split())[:35]} men ordern "
                f"skickades i {order.run.message_id}: filen läses inte in.")
    return None


@transaction.atomic
def payment_statuses_apply(*, acting_user, updates) -> dict:
    """Apply the bank's answers: ``updates`` are :class:`BankAnswer` (or tuples of its
    first three fields: end_to_end_id, new status, reason).  Every answer about a known
    order is checked against it first (amount, original message): one that does not match
    refuses the whole file with ``ValidationError`` naming the order, and nothing is
    changed.  A rejected or returned payment is noted in the case journal so the case
    worker sees it, and can then be re-issued once.  Returns counts per outcome; a
    reference Lika never sent (another system's payment on the same account) is counted
    as unknown."""
    from lika.cases.services import journal_write

    answers = [BankAnswer(*update) for update in updates]
    counts = {"updated": 0, "unchanged": 0, "unknown": 0}
    references = sorted({a.end_to_end_id for a in answers})
    orders = {}
    for start in range(0, len(references), BATCH):  # in slices: SQLite limits a query's parameters
        orders.update((o.end_to_end_id, o) for o in PaymentOrder.objects.filter(
            end_to_end_id__in=references[start:start + BATCH]).select_related("decision__application__case", "run"))
    grant_references = [r for r in references if r.startswith("LIKA-G") and r not in orders]
    for start in range(0, len(grant_references), BATCH):  # issue 15: grant orders share the file
        orders.update((o.end_to_end_id, o) for o in GrantPaymentOrder.objects.filter(
            end_to_end_id__in=grant_references[start:start + BATCH]).select_related("run"))
    for answer in answers:  # the whole file is checked before anything is written
        order = orders.get(answer.end_to_end_id)
        problem = _mismatch(answer, order) if order is not None else None
        if problem:
            raise ValidationError(problem)
    for end_to_end_id, status, reason, *_ in answers:
        order = orders.get(end_to_end_id)
        if order is None:
            counts["unknown"] += 1
            continue
        at_bank = order.status in OPEN_AT_BANK and (order.status != PaymentOrder.Status.CREATED
                                                     or order.run.status == PaymentRun.Status.EXPORTED)
        if status is None or order.status == status or not at_bank:
            counts["unchanged"] += 1
            continue
        old = order.status
        order.status, order.status_reason, order.status_at = status, (reason or "")[:200], timezone.now()
        order.save(update_fields=["status", "status_reason", "status_at"])
        if isinstance(order, GrantPaymentOrder):
            # a failed grant payment is paid again by the next run (no live order is left)
            access_log_write(actor=acting_user, action=UPDATE, object_type="grant_payment_order", object_id=order.pk,
                             summary=f"Bidragsbetalning {order.end_to_end_id}: {order.get_status_display().lower()}",
                             old={"status": old}, new={"status": status, "reason": order.status_reason})
            counts["updated"] += 1
            continue
        case = order.decision.application.case
        access_log_write(actor=acting_user, action=UPDATE, object_type="payment_order", object_id=order.pk,
                         person_id=order.person_id, household_id=case.household_id,
                         summary=f"Betalning {order.end_to_end_id}: {order.get_status_display().lower()}",
                         old={"status": old}, new={"status": status, "reason": order.status_reason})
        if status in FAILED:
            journal_write(acting_user=acting_user, case=case, text=(
                f"Utbetalningen {order.run.month:%Y-%m} till {order.payee_name} ({format_kronor(order.amount)} kr) "
                f"{order.get_status_display().lower()}: {order.status_reason or 'ingen orsak angiven'}. "
                "Kontrollera kontouppgiften; betalningen kan sedan skickas igen en gång."))
        counts["updated"] += 1
    return counts




def payment_file_import(*, acting_user, text: str) -> dict:
    """A pain.002 status report, a camt.054 notification or a returns CSV from the bank."""
    from . import iso20022

    stripped = text.lstrip()
    if stripped.startswith("<"):
        if "pain.002" in stripped[:2000] or "CstmrPmtStsRpt" in stripped:
            try:
                statuses = iso20022.read_pain002(text.encode())
            except iso20022.FileRejected as rejected:
                # the bank refused the whole file (or a block): every payment in it is rejected
                run = PaymentRun.objects.filter(message_id=rejected.original_message_id).first()
                if run is None:
                    raise ValidationError(f"Banken avvisade filen {shown(rejected.original_message_id)}, "
                                          "men ingen körning har det meddelande-id:t.") from None
                reason = " ".join(filter(None, [rejected.reason_code, rejected.reason_text])) or "Filen avvisad"
                updates = [(e2e, PaymentOrder.Status.REJECTED, reason)
                           for e2e in chain(run.orders.values_list("end_to_end_id", flat=True),
                                            run.grant_orders.values_list("end_to_end_id", flat=True))]
                return payment_statuses_apply(acting_user=acting_user, updates=updates)
            updates = [BankAnswer(s.end_to_end_id, STATUS_MAP.get(s.status),
                                  " ".join(filter(None, [s.reason_code, s.reason_text])), s.amount,
                                  s.original_message_id) for s in statuses]
            return payment_statuses_apply(acting_user=acting_user, updates=updates)
        returned = iso20022.read_camt054_returns(text.encode())
    else:
        returned = iso20022.read_returns_csv(text)
    # a return carries its amount (SEK: the readers refuse other currencies), never the message
    updates = [BankAnswer(r.end_to_end_id, PaymentOrder.Status.RETURNED,
                          " ".join(filter(None, [r.reason_code, r.reason_text])), r.amount, "", "Returen")
               for r in returned]
    return payment_statuses_apply(acting_user=acting_user, updates=updates)


def _refuse_reissue_after_change(order: PaymentOrder) -> None:
    """A returned payment on a decision that has since been changed is owed only if the
    changed decision in force counted it as paid when it was settled; otherwise the new
    decision pays (or has paid) that money itself, and paying it again would pay twice."""
    decision = Decision.objects.select_for_update(no_key=True).get(pk=order.decision_id)
    if decision.superseded_at is None:
        return
    current = Decision.objects.filter(application_id=decision.application_id, status=Decision.Status.ISSUED,
                                      superseded_at__isnull=True).first()
    key = payee_key(order.share.person_id, order.share.direct_payee)
    counted = current is not None and any(
        payee_key(o.person_id, o.direct_payee) == key and order.pk in o.counted_orders
        for o in current.payment_offsets.all())
    if not counted:
        raise ValidationError(f"Beslutet för betalningen {order.end_to_end_id} har ändrats: det som återstår "
                              "betalas genom det nya beslutet, inte genom att skicka den här betalningen igen.")


@transaction.atomic
def payment_order_reissue(*, acting_user, order: PaymentOrder, run: PaymentRun) -> PaymentOrder:
    """Pay a rejected or returned order again, to the person's account as it is now, in a
    run that is not yet attested.  Each failed order is re-issued at most once."""
    if not acting_user.has_role(*PREPARE_ROLES):
        raise PermissionDenied
    order = (PaymentOrder.objects.select_for_update(of=("self",)).select_related("share__person", "share__decision")
             .get(pk=order.pk))
    if order.status not in FAILED:
        raise ValidationError("Bara en avvisad eller returnerad betalning kan skickas igen.")
    if PaymentOrder.objects.filter(reissue_of=order).exists():
        raise ValidationError("Betalningen är redan skickad igen.")
    _refuse_reissue_after_change(order)
    if run.status not in (PaymentRun.Status.PREPARING, PaymentRun.Status.PREPARED):
        raise ValidationError("Välj en körning som inte är attesterad.")
    if order.share.person_id in accounts_changed_recently({order.share.person_id}, timezone.now()):
        raise ValidationError(f"Kan inte skickas igen: {_account_changed_text(order.share.person)}")
    account, problem = _account_of(order.share)
    if problem is not None:
        raise ValidationError(f"Kan inte skickas igen: {problem[1]}")
    if order.share.person_id in shared_accounts([order.decision_id]).get(order.decision_id, ()):
        raise ValidationError(f"Kan inte skickas igen: {_shared_account_text(order.share)}")
    attempt = PaymentOrder.objects.filter(share=order.share).count() + 1
    new = PaymentOrder.objects.create(
        run=run, share=order.share, decision=order.decision, person=order.person, payee_name=order.payee_name,
        amount=order.amount, remittance=order.remittance, end_to_end_id=f"LIKA-{order.share_id}-{attempt}",
        reissue_of=order, **account)
    if run.status == PaymentRun.Status.PREPARED:
        count, total = run_totals(run)
        PaymentRun.objects.filter(pk=run.pk).update(order_count=count, total=total)
    access_log_write(actor=acting_user, action=CREATE, object_type="payment_order", object_id=new.pk,
                     person_id=new.person_id, household_id=order.decision.application.case.household_id,
                     summary=f"Betalningen {order.end_to_end_id} skickas igen som {new.end_to_end_id}",
                     new={"run": run.pk, "amount": new.amount})
    return new
