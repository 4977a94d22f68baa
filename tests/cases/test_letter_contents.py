"""What issue 14 adds to the beslutsbrev (förvaltningslagen (2017:900) 32–33 §§): legal
references with chapter and paragraph by the law in force, the provision that makes the
decision appealable, the payment date, the masked account, the case worker's contact,
and the translations into English and Arabic beside the Swedish original."""

import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from lika.accounts.services import contact_update
from lika.audit.models import AccessLogEntry as AccessLog
from lika.cases import letter_translations as tr
from lika.cases.letters import (
    APPEAL_PROVISION_2001,
    APPEAL_PROVISION_2025,
    AVI_TEXT,
    NO_ACCOUNT_TEXT,
    decision_letter_html,
    decision_letter_pdf,
    letter_page_body,
    masked_account,
)
from lika.cases.models import Application, CaseCalculation, Decision, DecisionRecipient
from lika.cases.people import PersonData, person_update
from lika.core.household import COST_TYPES, INCOME_TYPES
from lika.core.household_json import calculation_to_dict, dumps
from lika.households.models import Person
from lika.norms.calculate import calculate_household_month
from lika.norms.models import NormTableVersion
from lika.payments.models import PaymentRun

from .test_letters import REASON_TEXT, _household, _lines, _shares, build, flat, pdf_text, section

SWEDISH_PART = re.compile(r"^(.*?)(<article class=\"translation\".*)?</body>", re.S)


def swedish_part(html: str) -> str:
    return SWEDISH_PART.match(html).group(1).rstrip()


def build_in(unit, worker, manager, month: date, decided_at: datetime):
    """An issued decision on a couple for ``month``, decided at ``decided_at`` (housing,
    electricity, dental; salary with jobbstimulans)."""
    case, adults, kids = _household(unit, worker, False, False)
    members = [{"role": "adult", "birth_date": p.birth_date.isoformat(), "cohabiting": True} for p in adults]
    members += [{"role": "child", "birth_date": kid.birth_date.isoformat()} for kid in kids]
    data = {"month": f"{month:%Y-%m}", "members": members,
            "costs": [{"type": "housing", "amount": 7500}, {"type": "electricity", "amount": 350.5},
                      {"type": "dental", "amount": 1200}],
            "incomes": [{"type": "salary", "amount": 8000, "member": 0, "job_incentive": True}],
            "payment": {"mode": "equal"}}
    calc, split = calculate_household_month(data)
    result = json.loads(dumps(calculation_to_dict(calc, split)))
    application = Application.objects.create(case=case, month=month, applicant=adults[0], created_by=worker,
                                             status=Application.Status.DECIDED)
    calculation = CaseCalculation.objects.create(
        application=application, norm_table=NormTableVersion.objects.filter(year=month.year).latest("version"),
        input=data, members=[p.pk for p in (*adults, *kids)], result=result, support=calc.support,
        provisional=calc.norm_status != "verified", created_by=worker)
    decision = Decision.objects.create(application=application, calculation=calculation,
                                       applied_amount=calc.need, granted_amount=0, prepared_by=worker,
                                       decided_by=manager, decided_at=decided_at)
    _lines(decision, calc, False)
    granted = max(0, sum(line.granted_amount for line in decision.lines.all()) - calc.counted_income)
    Decision.objects.filter(pk=decision.pk).update(granted_amount=granted)
    decision.refresh_from_db()
    _shares(decision, adults, False)
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.ISSUED)
    decision.refresh_from_db()
    recipient = DecisionRecipient.objects.create(decision=decision, person=adults[0])
    return decision, recipient


# --- legal references: chapter and paragraph, by the law in force ------------------------------

NEW = {"norm": "SoL (2025:400) 12 kap. 7 § första stycket 1 och andra stycket",
       "cost": "SoL (2025:400) 12 kap. 7 § första stycket 2",
       "other_cost": "SoL (2025:400) 12 kap. 1 § (levnadskostnader i övrigt)",
       "income": "SoL (2025:400) 12 kap. 1 §",
       "disregard": "SoL (2025:400) 12 kap. 8 § (särskild beräkningsregel, jobbstimulans)"}
OLD = {"norm": "SoL (2001:453) 4 kap. 3 § första stycket 1; SoF (2001:937) 2 kap. 1 §",
       "cost": "SoL (2001:453) 4 kap. 3 § första stycket 2",
       "other_cost": "SoL (2001:453) 4 kap. 1 § (livsföringen i övrigt)",
       "income": "SoL (2001:453) 4 kap. 1 §",
       "disregard": "SoL (2001:453) 4 kap. 1 b §"}


@pytest.mark.django_db
@pytest.mark.parametrize("month, decided_at, bases, appeal", [
    # a 2026 decision: SoL (2025:400) throughout
    (date(2026, 12, 1), datetime(2026, 11, 25, 12, 0, tzinfo=UTC), NEW, APPEAL_PROVISION_2025),
    # a 2024 decision: the old law throughout
    (date(2024, 3, 1), datetime(2024, 3, 28, 12, 0, tzinfo=UTC), OLD, APPEAL_PROVISION_2001),
    # June 2025, decided the last week before the new law
    (date(2025, 6, 1), datetime(2025, 6, 20, 12, 0, tzinfo=UTC), OLD, APPEAL_PROVISION_2001),
    # July 2025 decided in June: the month's rules are the new law's, the appeal the old
    # law's (SoL (2025:400) övergångsbestämmelse 6)
    (date(2025, 7, 1), datetime(2025, 6, 25, 12, 0, tzinfo=UTC), NEW, APPEAL_PROVISION_2001),
])
def test_each_line_and_the_appeal_name_chapter_and_paragraph_of_the_law_in_force(
        unit_a, alice, bob, month, decided_at, bases, appeal):
    decision, recipient = build_in(unit_a, alice, bob, month, decided_at)
    html = decision_letter_html(decision, recipient)
    law = section(html, "lagrum")
    for kind in ("norm", "cost", "other_cost", "disregard"):
        assert bases[kind] in law, kind
    reasons = section(html, "motivering")
    assert f"Lagrum: {bases['other_cost']}" in reasons  # dental refused: livsföringen / levnadskostnader
    assert f"Lagrum: {bases['cost']}" in reasons  # electricity partly granted
    appeal_text = section(html, "overklaga")
    assert f"Beslutet får överklagas enligt {appeal}." in appeal_text
    assert "44 § förvaltningslagen (2017:900)" in appeal_text and "tre veckor" in appeal_text
    assert "förvaltningsrätten" in appeal_text
    other = APPEAL_PROVISION_2001 if appeal == APPEAL_PROVISION_2025 else APPEAL_PROVISION_2025
    assert other not in html
    assert "32 § förvaltningslagen (2017:900)" in law


@pytest.mark.django_db
def test_no_line_of_a_2026_decision_cites_a_chapter_without_a_paragraph(make):
    built = make()
    for line in built.decision.lines.all():
        assert re.fullmatch(r"SoL \(2025:400\) 12 kap\. \d+ §.*", line.legal_basis), line.legal_basis


# --- payment date, account, case worker -----------------------------------------------------------

@pytest.fixture
def make(unit_a, alice, bob):
    def make(**options):
        return build(unit_a, alice, bob, **options)
    return make


@pytest.mark.django_db
@pytest.mark.parametrize("pay_day, expected", [
    # the 25th of November 2026 is before the decision (26 November, Stockholm): the next banking day
    (25, "Beräknad utbetalningsdag: 2026-11-26"),
    # the 28th is a Saturday: the Friday before, still ahead of the decision
    (28, "Beräknad utbetalningsdag: 2026-11-27"),
])
def test_the_payment_date_without_a_run_is_the_municipalitys_pay_day(make, settings, pay_day, expected):
    settings.LIKA_PAY_DAY = pay_day
    built = make()
    assert expected in section(decision_letter_html(built.decision, built.letter("woman")), "utbetalning")


@pytest.mark.django_db
def test_the_payment_date_is_the_runs_when_the_month_has_one(make, petra):
    built = make()
    PaymentRun.objects.create(month=date(2026, 12, 1), payday=date(2026, 11, 30), prepared_by=petra,
                              message_id="LIKA-TEST-1")
    text = section(decision_letter_html(built.decision, built.letter("man")), "utbetalning")
    assert "Utbetalningsdag: 2026-11-30." in text and "Beräknad" not in text


@pytest.mark.django_db
def test_a_run_already_sent_to_the_bank_does_not_give_the_date(make, petra):
    built = make()
    PaymentRun.objects.create(month=date(2026, 12, 1), payday=date(2026, 11, 30), prepared_by=petra,
                              message_id="LIKA-TEST-2", status=PaymentRun.Status.EXPORTED)
    assert "Beräknad utbetalningsdag" in section(decision_letter_html(built.decision, built.letter("man")),
                                                   "utbetalning")


@pytest.mark.django_db
def test_a_refused_decision_has_no_payment_date(make):
    built = make(refuse_all=True)
    assert "utbetalningsdag" not in section(decision_letter_html(built.decision, built.letter("woman")),
                                            "utbetalning").lower()


@pytest.mark.django_db
@pytest.mark.parametrize("who, shown, full", [
    ("woman", "Din del betalas till ditt bankkonto ****4560.", "1234560"),
    ("man", "Din del betalas till ditt konto (IBAN) ****7466.", "SE4550000000058398257466"),
])
def test_the_own_share_names_the_account_with_only_its_last_digits(make, who, shown, full):
    built = make()
    html = decision_letter_html(built.decision, built.letter(who))
    assert shown in section(html, "utbetalning")
    assert full not in html and full[-7:] not in html
    pdf = pdf_text(decision_letter_pdf(built.decision, built.letter(who)))
    assert shown in pdf and full not in pdf


@pytest.mark.django_db
def test_the_partners_account_is_not_on_the_letter(make):
    built = make()
    html = decision_letter_html(built.decision, built.letter("woman"))
    assert "****7466" not in html  # the man's IBAN


@pytest.mark.django_db
def test_an_adult_without_an_account_is_told_the_share_is_held(make):
    built = make()
    Person.objects.filter(pk=built.woman.pk).update(bank_clearing="", bank_account="")
    text = section(decision_letter_html(built.decision, built.letter("woman")), "utbetalning")
    assert flat(NO_ACCOUNT_TEXT) in text and "****" not in text


@pytest.mark.django_db
def test_an_adult_paid_by_utbetalningsavi_is_told_so_in_her_letter_and_its_translation(make):
    """Utbetalningsavi (docs/payments.md): the letter says how the share reaches her, never
    her address and never an account; the partner's letter still names his own account."""
    built = make()
    Person.objects.filter(pk=built.woman.pk).update(bank_clearing="", bank_account="", payment_method="avi",
                                                    preferred_language="en")
    woman = Person.objects.get(pk=built.woman.pk)
    html = decision_letter_html(built.decision, built.letter("woman"))
    text = section(html, "utbetalning")
    assert flat(AVI_TEXT) in text and "****" not in text and flat(NO_ACCOUNT_TEXT) not in text
    assert woman.street_address not in text
    translation = html[html.index('<article class="translation"'):]
    assert "payment order (utbetalningsavi)" in translation
    assert "****7466" in section(decision_letter_html(built.decision, built.letter("man")), "utbetalning")


@pytest.mark.parametrize("iban, clearing, account, text", [
    ("", "5000", "1234560", "bankkonto ****4560"),
    ("SE45 5000 0000 0583 9825 7466", "", "", "konto (IBAN) ****7466"),
    ("", "8327", "12", "bankkonto ****12"),
])
def test_masking_keeps_only_the_last_digits(iban, clearing, account, text):
    person = Person(iban=iban, bank_clearing=clearing, bank_account=account)
    assert masked_account(person)["text"] == text


@pytest.mark.django_db
def test_the_case_worker_and_how_to_reach_her_are_on_the_letter(make, alice, unit_a):
    contact_update(acting_user=None, target=alice, phone="0123-456 78", email="alice@lika.example")
    built = make()
    text = section(decision_letter_html(built.decision, built.letter("man")), "kontakt")
    assert "Din handläggare: <strong>Alice Andersson</strong>, Försörjningsstöd Norr" in text
    assert "Telefon: 0123-456 78" in text and "E-post: alice@lika.example" in text


@pytest.mark.django_db
def test_without_her_own_phone_the_units_is_given(make, alice, unit_a):
    contact_update(acting_user=None, target=unit_a, phone="0123-100 00", email="norr@lika.example")
    alice.email = ""
    alice.save()
    built = make()
    text = section(decision_letter_html(built.decision, built.letter("woman")), "kontakt")
    assert "Telefon: 0123-100 00" in text and "E-post: norr@lika.example" in text


@pytest.mark.django_db
def test_contact_details_are_checked_and_logged(alice):
    with pytest.raises(ValidationError):
        contact_update(acting_user=None, target=alice, email="inte en adress")
    with pytest.raises(ValidationError):
        contact_update(acting_user=None, target=alice, phone="ring mig")
    contact_update(acting_user=None, target=alice, phone="08-123 45")
    alice.refresh_from_db()
    assert alice.phone == "08-123 45"
    log = AccessLog.objects.filter(object_type="user", object_id=alice.pk, action="update").get()
    assert log.new_values == {"phone": "08-123 45"}


@pytest.mark.django_db
def test_an_administrator_sets_contact_details_with_a_command(alice, unit_a, capsys):
    call_command("set_contact", "--user", "alice", "--phone", "0123-456 78", "--email", "alice@lika.example")
    call_command("set_contact", "--unit", unit_a.code, "--phone", "0123-100 00")
    alice.refresh_from_db()
    unit_a.refresh_from_db()
    assert (alice.phone, alice.email, unit_a.phone) == ("0123-456 78", "alice@lika.example", "0123-100 00")
    with pytest.raises(CommandError, match="finns inte"):
        call_command("set_contact", "--user", "nobody", "--phone", "1")
    with pytest.raises(CommandError, match="e-postadress"):
        call_command("set_contact", "--user", "alice", "--email", "x")


# --- the preferred language and the translations --------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("language, notice", [
    ("en", "This is a translation of your decision letter into English"),
    ("ar", "هذه ترجمة لرسالة القرار الخاصة بك إلى اللغة العربية"),
])
def test_a_preferred_language_adds_the_translation_after_the_unchanged_swedish_letter(make, language, notice):
    built = make()
    swedish = decision_letter_html(built.decision, built.letter("woman"))
    assert "translation" not in swedish.split("</style>")[1]
    Person.objects.filter(pk=built.woman.pk).update(preferred_language=language)
    sent = decision_letter_html(built.decision, built.letter("woman"))
    assert swedish_part(sent) == swedish_part(swedish)
    assert sent.startswith('<!DOCTYPE html>\n<html lang="sv">')
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<article class="translation" id="oversattning" lang="{language}" dir="{direction}">' in sent
    translation = sent[sent.index('<article class="translation"'):]
    assert notice in translation
    # the partner prefers Swedish: her letter has no translation
    assert "<article" not in decision_letter_html(built.decision, built.letter("man"))


@pytest.mark.django_db
def test_the_arabic_translation_alone_is_a_right_to_left_document(make):
    built = make()
    html = decision_letter_html(built.decision, built.letter("woman"), language="ar")
    assert '<html lang="ar" dir="rtl">' in html
    # inserted values are isolated left to right (a date or phone number is not turned around)
    assert "بالأرقام \u20664560\u2069" in html and "\u20662026-11-26\u2069" in html
    text = flat(html.replace("\u2066", "").replace("\u2069", ""))
    for arabic in ("قرار بشأن المساعدة المعيشية (försörjningsstöd) لشهر ديسمبر 2026", "كيفية الطعن في القرار",
                   "تكلفة السكن", "موافقة جزئية", "رفض", "إليك", "حسابك المصرفي الذي ينتهي بالأرقام 4560",
                   APPEAL_PROVISION_2025, "Kvinnofridslinjen"):
        assert arabic in text, arabic
    # the case worker's free text is shown in Swedish, marked as such
    assert '<span lang="sv" dir="ltr">Tandvården är inte akut' in html


@pytest.mark.django_db
def test_the_english_translation_gives_the_same_facts(make, alice):
    contact_update(acting_user=None, target=alice, phone="0123-456 78")
    built = make()
    text = flat(decision_letter_html(built.decision, built.letter("man"), language="en"))
    for english in ("Decision on income support (försörjningsstöd) for December 2026", "Housing cost",
                    "Partly granted", "Refused", "To you", "To Sara Lind",
                    "Your share is paid to your account (IBAN) ending in 7466.",
                    "Expected payment date: 2026-11-26", "within three weeks", APPEAL_PROVISION_2025,
                    "Your case worker: Alice Andersson, Försörjningsstöd Norr", "Telephone: 0123-456 78",
                    "The decision is the Swedish letter"):
        assert english in text, english
    assert "SE4550000000058398257466" not in text


@pytest.mark.django_db
def test_the_translation_never_names_the_violence_reason(make):
    built = make(single="violence_protection")
    Person.objects.filter(pk__in=[built.woman.pk, built.man.pk]).update(preferred_language="en")
    for who in ("woman", "man"):
        html = decision_letter_html(built.decision, built.letter(who))
        translation = html[html.index('<article class="translation"'):]
        assert "Skydd mot våld" not in translation and REASON_TEXT not in translation
        assert "because there are special reasons" in translation
        assert "violence" not in section(translation.replace("<aside", "<section").replace("</aside>", "</section>"),
                                         "en-utbetalning").lower()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pdf_with_a_translation_is_deterministic_and_uses_a_font_with_the_glyphs(make, language):
    built = make()
    Person.objects.filter(pk=built.woman.pk).update(preferred_language=language)
    first = decision_letter_pdf(built.decision, built.letter("woman"))
    assert decision_letter_pdf(built.decision, built.letter("woman")) == first
    reader = PdfReader(io.BytesIO(first))
    swedish_only = PdfReader(io.BytesIO(decision_letter_pdf(built.decision, built.letter("man"))))
    assert len(reader.pages) > len(swedish_only.pages)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu-Sans" in name for name in fonts), fonts
    text = pdf_text(first)
    assert "Beslut om försörjningsstöd för december 2026" in text
    if language == "en":
        assert "This is a translation" in text


def test_both_translations_have_every_text_and_the_same_placeholders():
    en, ar = tr.TEXTS["en"], tr.TEXTS["ar"]
    assert set(en) == set(ar)
    for key, value in en.items():
        if isinstance(value, str):
            assert set(re.findall(r"{(\w+)}", value)) == set(re.findall(r"{(\w+)}", ar[key])), key
            assert re.search(r"[\u0600-\u06ff]", ar[key]), key  # real Arabic, not a copy
    assert set(en["outcomes"]) == set(ar["outcomes"]) == {"granted", "partly", "refused"}
    for rule in [f"cost.{t}" for t in COST_TYPES] + [f"income.{t}" for t in INCOME_TYPES]:
        for language in tr.LANGUAGES:
            assert tr.label_for(language, rule, "SVENSKA") != "SVENSKA", (language, rule)
    assert tr.label_for("en", "cost.housing.capped", "Boendekostnad") == "Housing cost"
    assert tr.label_for("ar", "riksnorm.household.4", "x") == "تكاليف المنزل المشتركة"


@pytest.mark.django_db
def test_the_page_shows_each_language_from_the_letter_fixed_at_issue(make):
    built = make()
    recipient = built.letter("woman")
    Person.objects.filter(pk=built.woman.pk).update(preferred_language="ar")
    recipient.letter_html = decision_letter_html(built.decision, recipient)
    recipient.save(update_fields=["letter_html"])
    swedish = letter_page_body(built.decision, recipient, "sv")
    arabic = letter_page_body(built.decision, recipient, "ar")
    assert "<style" not in swedish + arabic and "<main>" not in swedish
    assert "<article" not in swedish and 'id="beslut"' in swedish
    assert arabic.startswith('<article class="translation" id="oversattning" lang="ar" dir="rtl">')
    assert arabic in recipient.letter_html  # the text that was sent
    assert letter_page_body(built.decision, recipient, "en").startswith('<article class="translation"')


# --- the preferred language on the person -------------------------------------------------------

def _data(person, **changes):
    values = {f: getattr(person, f) for f in ("first_name", "last_name", "legal_gender", "street_address",
                                              "postal_code", "city", "phone", "email", "preferred_language")}
    values.update(changes)
    return PersonData(identity_number=person.identity_number, **values)


@pytest.mark.django_db
def test_the_case_worker_sets_the_preferred_language_and_it_is_logged(make, alice):
    built = make()
    case = built.decision.application.case
    person_update(acting_user=alice, case=case, person=built.woman, data=_data(built.woman, preferred_language="ar"))
    built.woman.refresh_from_db()
    assert built.woman.preferred_language == "ar"
    log = AccessLog.objects.filter(object_type="person", object_id=built.woman.pk, action="update").latest("id")
    assert log.old_values == {"preferred_language": "sv"} and log.new_values == {"preferred_language": "ar"}
    with pytest.raises(ValidationError):
        person_update(acting_user=alice, case=case, person=built.woman,
                      data=_data(built.woman, preferred_language="fr"))


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_language(make):
    built = make()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=built.woman.pk).update(preferred_language="xx")


@pytest.mark.django_db
def test_the_language_is_on_the_person_form(client, make, alice):
    built = make()
    client.force_login(alice)
    case = built.decision.application.case
    page = client.get(f"/arenden/{case.pk}/personer/{built.woman.pk}/").content.decode()
    assert 'name="preferred_language"' in page and "Arabiska" in page
