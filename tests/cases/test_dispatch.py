"""Issue 17: letters that are actually sent — the day's print batch (address page first,
a protected address never in the post room's PDF), the delivery record set only when the
batch is handed to the post, the digital mailbox (file drop) and its failures, and the
`lika letters-print-batch` command."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from lika.audit.models import AccessLogEntry
from lika.cases import dispatch
from lika.cases.mailbox import FileDropMailbox, MailboxError, MailboxSender, Receipt, mailbox_sender
from lika.cases.models import DecisionRecipient, LetterDispatch, PrintBatch
from tests.cases.dispatch_helpers import couple_decided, single_decided
from tests.cases.factories import PROTECTED_ADDRESS

pytestmark = pytest.mark.django_db


def pages(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_batch_has_an_address_page_before_each_letter(unit_a, alice):
    decision, woman, man = couple_decided(unit_a, alice)
    batch, made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    assert made and batch.post_count == 2 and batch.internal_count == 0 and batch.internal_pdf is None
    texts = pages(bytes(batch.pdf))
    starts = [i for i, text in enumerate(texts) if "Utskriftsbunt" in text and "brev " in text]
    assert starts[0] == 0 and len(starts) == 2, "an address page first, one per letter"
    for start, person in zip(starts, sorted((woman, man), key=lambda p: DecisionRecipient.objects.get(
            decision=decision, person=p).pk), strict=True):
        address = texts[start]
        assert f"{person.first_name} {person.last_name}" in address
        assert "Storgatan 1" in address and "999 99 Lika" in address
        assert "Avs: Exempelby kommun, Försörjningsstöd Norr" in address
        assert "Beslut om försörjningsstöd" in texts[start + 1], "the letter follows its address page"
    assert sum(1 for t in texts if "Utskriftsbunt" in t) == 2
    assert set(LetterDispatch.objects.values_list("status", "channel")) == {("in_batch", "post")}


def test_a_protected_address_is_never_in_the_post_rooms_pdf(unit_a, alice):
    couple_decided(unit_a, alice)
    _decision, protected_woman, partner = couple_decided(unit_a, alice, protected_woman=True)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    assert (batch.post_count, batch.internal_count) == (2, 2), "her partner shares the protected address"
    post = " ".join(pages(bytes(batch.pdf)))
    internal = " ".join(pages(bytes(batch.internal_pdf)))
    assert PROTECTED_ADDRESS not in post and PROTECTED_ADDRESS not in internal
    for person in (protected_woman, partner):
        row = LetterDispatch.objects.get(recipient__person=person)
        assert row.channel == "unit" and row.route_reason == dispatch.PROTECTED_REASON
    assert post.count("Utskriftsbunt") == 2
    assert "Lämnas inte till posten" in internal and "Internt: Försörjningsstöd Norr" in internal
    assert "Ärende Ä-" in internal


def test_a_letter_without_postal_address_goes_via_the_unit(unit_a, alice):
    decision, adult = single_decided(unit_a, alice)
    adult.street_address = ""
    adult.save()
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    assert (batch.post_count, batch.internal_count, bytes(batch.pdf)) == (0, 1, b"")
    assert LetterDispatch.objects.get().route_reason == dispatch.NO_ADDRESS_REASON


def test_the_delivery_record_is_set_only_when_the_batch_is_posted(unit_a, alice, bob):
    decision, woman, man = couple_decided(unit_a, alice)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    assert not DecisionRecipient.objects.filter(delivered_on__isnull=False).exists(), "made is not sent"
    dispatch.print_batch_mark_posted(acting_user=bob, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "posted" and batch.posted_by == bob and batch.posted_at is not None
    for recipient in DecisionRecipient.objects.filter(decision=decision):
        assert (recipient.channel, recipient.delivered_on, recipient.delivery_recorded_by) == (
            "post", timezone.localdate(), bob)
    assert set(LetterDispatch.objects.values_list("status", flat=True)) == {"sent"}
    with pytest.raises(ValidationError, match="redan markerad"):
        dispatch.print_batch_mark_posted(acting_user=alice, batch=batch)
    assert AccessLogEntry.objects.filter(object_type="letter_dispatch", summary__contains="lämnat till posten",
                                         person_id=woman.pk).count() == 1


def test_a_delivery_recorded_another_way_is_kept_when_the_batch_is_posted(unit_a, alice):
    decision, woman, man = couple_decided(unit_a, alice)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    handed = DecisionRecipient.objects.get(decision=decision, person=woman)
    from lika.cases.decisions import recipient_record_delivery

    recipient_record_delivery(acting_user=alice, recipient=handed, channel="in_person",
                              delivered_on=timezone.localdate())
    dispatch.print_batch_mark_posted(acting_user=alice, batch=batch)
    handed.refresh_from_db()
    assert handed.channel == "in_person"
    assert DecisionRecipient.objects.get(decision=decision, person=man).channel == "post"


def test_one_batch_per_unit_and_day_and_later_letters_wait(unit_a, alice, bob):
    couple_decided(unit_a, alice)
    first, made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    late_decision, _w, _m = couple_decided(unit_a, alice)
    again, made_again = dispatch.print_batch_make(acting_user=bob, unit=unit_a)
    assert made and not made_again and again.pk == first.pk and PrintBatch.objects.count() == 1
    waiting = list(dispatch.letters_waiting(unit_a.pk, timezone.localdate()))
    assert {r.decision_id for r in waiting} == {late_decision.pk}
    with pytest.raises(IntegrityError), transaction.atomic():
        PrintBatch.objects.create(unit=unit_a, day=first.day, pdf=b"", pdf_sha256="")


def test_a_letter_is_in_at_most_one_live_dispatch(unit_a, alice):
    decision, _woman, _man = couple_decided(unit_a, alice)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    row = LetterDispatch.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterDispatch.objects.create(recipient=row.recipient, unit=unit_a, channel="digital_mailbox",
                                      status="sent", sent_at=timezone.now())


def test_nothing_waiting_makes_no_batch_and_a_future_day_is_refused(unit_a, alice):
    assert dispatch.print_batch_make(acting_user=alice, unit=unit_a) == (None, False)
    with pytest.raises(ValidationError):
        dispatch.print_batch_make(acting_user=alice, unit=unit_a,
                                  day=timezone.localdate() + timezone.timedelta(days=1))


def test_another_units_staff_and_other_roles_are_refused(unit_a, alice, charlie, petra):
    couple_decided(unit_a, alice)
    for user in (charlie, petra):
        with pytest.raises(PermissionDenied):
            dispatch.print_batch_make(acting_user=user, unit=unit_a)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    for call in (dispatch.print_batch_mark_posted, dispatch.print_batch_download):
        with pytest.raises(PermissionDenied):
            call(acting_user=charlie, batch=batch)
    assert PrintBatch.objects.get().status == "created"


def test_the_pdf_is_deterministic(unit_a, alice):
    couple_decided(unit_a, alice)
    day = timezone.localdate()
    items = [{"recipient": r, "channel": "post", "reason": ""}
             for r in dispatch.letters_waiting(unit_a.pk, day)]
    one = dispatch.render_batch_pdf(unit=unit_a, day=day, items=items, internal=False)
    two = dispatch.render_batch_pdf(unit=unit_a, day=day, items=items, internal=False)
    assert one == two and one.startswith(b"%PDF-")


def test_the_download_is_logged_with_every_letter(unit_a, alice):
    _decision, woman, man = couple_decided(unit_a, alice)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    pdf = dispatch.print_batch_download(acting_user=alice, batch=batch)
    assert pdf == bytes(batch.pdf)
    logged = set(AccessLogEntry.objects.filter(action="export", object_type="print_batch")
                 .values_list("person_id", flat=True))
    assert logged == {woman.pk, man.pk}
    with pytest.raises(ValidationError):
        dispatch.print_batch_download(acting_user=alice, batch=batch, internal=True)


def test_the_unit_marks_its_own_letters_sent(unit_a, alice):
    decision, woman, man = couple_decided(unit_a, alice, protected_woman=True)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    row = LetterDispatch.objects.get(recipient__person=woman)
    dispatch.print_batch_mark_posted(acting_user=alice, batch=batch)
    assert DecisionRecipient.objects.get(decision=decision, person=woman).delivered_on is None, (
        "the post room's batch does not send the unit's own pile")
    dispatch.dispatch_mark_sent_by_unit(acting_user=alice, dispatch=row)
    recipient = DecisionRecipient.objects.get(decision=decision, person=woman)
    assert (recipient.channel, recipient.delivered_on) == ("post", timezone.localdate())
    with pytest.raises(ValidationError, match="redan"):
        dispatch.dispatch_mark_sent_by_unit(acting_user=alice, dispatch=row)


# --- the digital mailbox ----------------------------------------------------------------

@pytest.fixture
def file_drop(settings, tmp_path):
    settings.LIKA_DIGITAL_MAILBOX = "file"
    settings.LIKA_DIGITAL_MAILBOX_DIR = tmp_path / "brevlada"
    settings.LIKA_DIGITAL_MAILBOX_DIR.mkdir()
    return settings.LIKA_DIGITAL_MAILBOX_DIR


def _registry(folder, *people):
    (folder / "brevlador.txt").write_text("".join(f"{p.identity_number}\n" for p in people), encoding="utf-8")


def test_a_person_with_a_mailbox_gets_the_letter_digitally(unit_a, alice, file_drop):
    decision, woman, man = couple_decided(unit_a, alice)
    _registry(file_drop, man)
    result = dispatch.dispatch_day(acting_user=alice, unit=unit_a)
    assert len(result.digital.sent) == 1 and not result.digital.failed
    assert (result.batch.post_count, result.batch.internal_count) == (1, 0)
    sent = DecisionRecipient.objects.get(decision=decision, person=man)
    assert (sent.channel, sent.delivered_on) == ("digital_mailbox", timezone.localdate())
    assert DecisionRecipient.objects.get(decision=decision, person=woman).delivered_on is None
    reference = dispatch.reference_of(sent)
    outbox = file_drop / "utkorg"
    assert sorted(p.name for p in outbox.iterdir()) == [f"{reference}.json", f"{reference}.pdf"], "no temporary file"
    envelope = json.loads((outbox / f"{reference}.json").read_text(encoding="utf-8"))
    assert envelope["format"] == "lika-digital-mailbox/1" and envelope["recipient"] == man.identity_number
    assert envelope["document"]["file"] == f"{reference}.pdf"
    pdf = (outbox / f"{reference}.pdf").read_bytes()
    assert envelope["document"]["bytes"] == len(pdf) and pdf == bytes(DecisionRecipient.objects.get(pk=sent.pk).letter)
    assert LetterDispatch.objects.get(recipient=sent).receipt.startswith(f"file:{reference}:")
    address_page = pages(bytes(result.batch.pdf))[0]
    assert f"{woman.first_name} {woman.last_name}" in address_page and man.first_name not in address_page


def test_a_protected_person_is_never_sent_to_a_digital_mailbox(unit_a, alice, file_drop):
    _decision, woman, man = couple_decided(unit_a, alice, protected_woman=True)
    _registry(file_drop, woman, man)
    result = dispatch.dispatch_day(acting_user=alice, unit=unit_a)
    assert not result.digital.sent and not (file_drop / "utkorg").exists()
    assert result.batch.internal_count == 2


class Refusing(MailboxSender):
    service = "test"

    def has_mailbox(self, identity_number):
        return True

    def send(self, identity_number, subject, pdf_bytes, reference):
        raise MailboxError("tjänsten svarar inte")


class Accepting(MailboxSender):
    service = "test"

    def has_mailbox(self, identity_number):
        return True

    def send(self, identity_number, subject, pdf_bytes, reference):
        return Receipt(service="test", id=reference, sent_at=timezone.now())


def test_a_failed_digital_send_leaves_the_letter_for_the_print_batch(unit_a, alice):
    decision, _woman, _man = couple_decided(unit_a, alice)
    result = dispatch.dispatch_day(acting_user=alice, unit=unit_a, sender=Refusing())
    assert len(result.digital.failed) == 2 and not result.digital.sent
    assert {d.failure for d in result.digital.failed} == {"tjänsten svarar inte"}
    assert result.batch.post_count == 2, "both letters go by post instead"
    assert not DecisionRecipient.objects.filter(delivered_on__isnull=False).exists()


def test_a_letter_sent_digitally_is_not_sent_again(unit_a, alice):
    couple_decided(unit_a, alice)
    first = dispatch.send_digital(acting_user=alice, unit=unit_a, day=timezone.localdate(), sender=Accepting())
    again = dispatch.send_digital(acting_user=alice, unit=unit_a, day=timezone.localdate(), sender=Accepting())
    assert len(first.sent) == 2 and not again.sent
    assert dispatch.print_batch_make(acting_user=alice, unit=unit_a) == (None, False)


def test_the_setting_chooses_the_sender(settings):
    settings.LIKA_DIGITAL_MAILBOX = ""
    assert type(mailbox_sender()) is MailboxSender and not mailbox_sender().has_mailbox("199001011234")
    settings.LIKA_DIGITAL_MAILBOX = "file"
    assert isinstance(mailbox_sender(), FileDropMailbox)
    settings.LIKA_DIGITAL_MAILBOX = "tests.cases.test_dispatch.Accepting"
    assert isinstance(mailbox_sender(), Accepting)


def test_the_file_drop_reports_an_unwritable_folder(tmp_path):
    blocked = tmp_path / "fil"
    blocked.write_text("ingen mapp")
    with pytest.raises(MailboxError, match="kan inte lämnas"):
        FileDropMailbox(blocked).send("199001011234", "Beslut", b"%PDF-1.7", "lika-beslut-1-1")
    with pytest.raises(MailboxError, match="ogiltig referens"):
        FileDropMailbox(tmp_path).send("199001011234", "Beslut", b"%PDF-1.7", "../x")


# --- the command -----------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--date", "2026-13-01"], "ÅÅÅÅ-MM-DD"),
    (["--date", "i morgon"], "ÅÅÅÅ-MM-DD"),
    (["--date", "2999-01-01"], "har inte kommit"),
    (["--unit", "finns-inte"], "finns inte"),
])
def test_the_command_refuses_bad_input_with_exit_code_2(unit_a, args, message):
    with pytest.raises(CommandError, match=message) as caught:
        call_command("letters_print_batch", *args)
    assert caught.value.returncode == 2 and "\n" not in str(caught.value)


def test_the_command_makes_the_days_batch_once(unit_a, unit_b, alice):
    couple_decided(unit_a, alice)
    out = io.StringIO()
    call_command("letters_print_batch", "--unit", "norr", stdout=out)
    assert "norr" in out.getvalue() and "skapad: 2 brev till posten, 0 via enheten" in out.getvalue()
    batch = PrintBatch.objects.get()
    assert batch.created_by is None and batch.unit == unit_a
    out = io.StringIO()
    call_command("letters_print_batch", "--date", timezone.localdate().isoformat(), stdout=out)
    assert "norr" in out.getvalue() and "fanns redan" in out.getvalue()
    assert "soder" in out.getvalue() and "inga brev att skriva ut" in out.getvalue()
    assert PrintBatch.objects.count() == 1


def test_the_batch_page_refuses_a_bad_letter_number_and_another_units_batch(client, unit_a, alice, charlie):
    couple_decided(unit_a, alice, protected_woman=True)
    batch, _made = dispatch.print_batch_make(acting_user=alice, unit=unit_a)
    client.force_login(alice)
    url = f"/utskick/{batch.pk}/"
    for number in ("abc", "", "9" * 30, "0"):
        assert client.post(url, {"action": "unit_sent", "dispatch": number}).status_code == 404
    assert client.get(f"{url}via-enheten.pdf").content.startswith(b"%PDF-")
    assert client.get(f"{url}utskriftsbunt.pdf").status_code == 404, "no letters for the post room"
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "posted"}).status_code == 404
    assert PrintBatch.objects.get().status == "created"
