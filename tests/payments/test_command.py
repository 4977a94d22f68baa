"""`lika payment-run` and `lika payment-import` from the command line: exit code 2 and
one Swedish line for bad input, the same services as the pages."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lika.payments.models import PaymentRun
from tests.payments.test_run import month_of_decisions  # noqa: F401 - fixture


def run_command(*args):
    out, err = StringIO(), StringIO()
    call_command("payment_run", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2026-13", "--user", "petra"], "--month ska skrivas ÅÅÅÅ-MM"),
    (["--month", "2026-12", "--user", "nobody"], "finns inte"),
    (["--month", "2026-12", "--user", "petra", "--payday", "25/11"], "--payday ska skrivas"),
    (["--user", "petra"], "ange --month"),
    (["attest", "--user", "petra"], "ange en befintlig körning"),
    (["--month", "2026-12", "--user", "alice"], "behörighet"),
    (["--month", "2026-12", "--user", "petra", "--batch", "0"], "--batch"),
    (["--month", "2026-12", "--user", "petra", "--workers", "0"], "--workers"),
])
def test_bad_input_exits_2_with_one_line(petra, alice, args, message):
    with pytest.raises(CommandError) as error:
        run_command(*args)
    assert error.value.returncode == 2 and message in str(error.value) and "\n" not in str(error.value)
    assert not PaymentRun.objects.exists(), "nothing half-made"


def test_prepare_shows_progress_then_attest_and_the_preparer_is_refused(month_of_decisions, petra, bob):  # noqa: F811
    out, err = run_command("--month", "2026-12", "--user", "petra", "--batch", "2")
    run = PaymentRun.objects.get()
    assert f"Körning {run.pk} för 2026-12" in out and "Väntar på attest" in out
    assert "[" in err and f"{run.order_count + run.hold_count}/{run.order_count + run.hold_count}" in err
    bob.can_attest_payments = True
    bob.save()
    petra.can_attest_payments = True
    petra.save()
    with pytest.raises(CommandError, match="själv har förberett"):
        run_command("attest", "--run", str(run.pk), "--user", "petra")
    out, _ = run_command("attest", "--run", str(run.pk), "--user", "bob")
    run.refresh_from_db()
    assert run.status == "attested" and "attesterad" in out


def test_an_interrupted_run_is_resumed_not_duplicated(month_of_decisions, petra):  # noqa: F811
    from lika.payments import services

    services.payment_run_create(acting_user=petra, month=month_of_decisions["couple0"].application.month)
    _out, err = run_command("--month", "2026-12", "--user", "petra", "--quiet")
    assert "Fortsätter den avbrutna körningen" in err
    assert PaymentRun.objects.count() == 1 and PaymentRun.objects.get().status == "prepared"


def test_payment_import_refuses_a_bad_file_with_one_line(tmp_path, petra):
    bad = tmp_path / "status.xml"
    bad.write_text("<CstmrPmtStsRpt><trasig", encoding="utf-8")
    for args, message in ((["--user", "nobody"], "får inte läsa in"), (["--user", "petra"], "status.xml")):
        with pytest.raises(CommandError) as error:
            call_command("payment_import", str(bad), *args, stdout=StringIO())
        assert error.value.returncode == 2 and message in str(error.value) and "\n" not in str(error.value)


def test_export_with_a_wrong_debtor_setting_exits_2_and_leaves_no_file(month_of_decisions, petra, bob,  # noqa: F811
                                                                       settings, tmp_path):
    from lika.payments import services

    settings.LIKA_PAYMENT_FILES = tmp_path
    settings.LIKA_DEBTOR_ORG_NUMBER = "21200"  # not 10 or 12 digits
    bob.can_attest_payments = True
    bob.save()
    run = services.payment_run_create(acting_user=petra, month=month_of_decisions["couple0"].application.month)
    run = services.payment_run_prepare(acting_user=petra, run=run)
    services.payment_run_attest(acting_user=bob, run=run)
    with pytest.raises(CommandError) as error:
        run_command("export", "--run", str(run.pk), "--user", "petra")
    assert error.value.returncode == 2 and "organisationsnummer" in str(error.value)
    assert "\n" not in str(error.value) and list(tmp_path.iterdir()) == []
    run.refresh_from_db()
    assert run.status == "attested"
