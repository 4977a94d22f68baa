"""The pain.001 written and validated side by side (lika.payments.pain001_file): the
second process's verdict is the validator's, and whatever goes wrong with that process
the file is still validated, here, before anyone may use it.  No database."""

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from lika.payments import iso20022, pain001_file
from lika.payments.iso20022 import Account, FileSummary, Pain001Invalid, Party, Transfer
from lika.payments.pain001_file import write_checked_pain001

from .test_iso20022 import CREATED, DEBTOR, PAYDAY, transfer


def header(transfers, **changes):
    values = dict(message_id="LIKA-5c1d2e3f4a5b6c7d8e9f0a1b", created_at=CREATED, debtor=DEBTOR,
                  payment_info_id="LIKA-5c1d2e3f4a5b6c7d8e9f0a1b-1", execution_date=PAYDAY,
                  count=len(transfers), total=sum(t.amount for t in transfers), transfers=iter(transfers))
    values.update(changes)
    return values


TRANSFERS = [transfer(i, amount=10_000 + i * 37) for i in range(1, 301)]


@pytest.mark.parametrize("version", ["09", "03"])
def test_the_second_process_validates_what_is_written(tmp_path, version):
    path = tmp_path / "run.xml"
    checked = write_checked_pain001(path, version=version, **header(TRANSFERS))
    assert checked.checked_in_parallel
    assert checked.summary == FileSummary(300, sum(t.amount for t in TRANSFERS))
    assert checked.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert iso20022.validate_pain001(path, version=version) == checked.summary


@pytest.fixture
def bad_writer(monkeypatch):
    """The writer writes a pain.001 whose transactions lack their end-to-end id."""
    original = iso20022.write_pain001

    def write(stream, **kwargs):
        buffer = io.BytesIO()
        summary = original(buffer, **kwargs)
        stream.write(buffer.getvalue().replace(b"EndToEndId>", b"EndToEndIdX>"))
        return summary

    monkeypatch.setattr(iso20022, "write_pain001", write)


@pytest.mark.parametrize("command", ["parallel", "no_child"])
def test_an_invalid_file_is_refused_with_its_line_and_removed(tmp_path, monkeypatch, bad_writer, command):
    if command == "no_child":
        monkeypatch.setattr(pain001_file, "validator_command", lambda version: ["/nonexistent/python"])
    path = tmp_path / "run.xml"
    with pytest.raises(Pain001Invalid, match=r"rad \d+: .*EndToEndIdX"):
        write_checked_pain001(path, version="09", **header([transfer(1)]))
    assert not path.exists()


CHILDREN_THAT_FAIL = {
    "cannot_start": ["/nonexistent/python"],
    "exits_at_once": [sys.executable, "-c", "import sys; sys.exit(3)"],
    "answers_nonsense": [sys.executable, "-c", "import sys; sys.stdin.buffer.read(); print('nonsense')"],
    "answers_a_list": [sys.executable, "-c", "import sys; sys.stdin.buffer.read(); print('[1, 2]')"],
    "crashes_after_reading": [sys.executable, "-c", "import os, sys; sys.stdin.buffer.read(); os.abort()"],
}


@pytest.mark.parametrize("kind", CHILDREN_THAT_FAIL)
def test_without_an_answer_from_the_second_process_the_file_is_validated_here(tmp_path, monkeypatch, kind):
    monkeypatch.setattr(pain001_file, "validator_command", lambda version: CHILDREN_THAT_FAIL[kind])
    path = tmp_path / "run.xml"
    checked = write_checked_pain001(path, version="09", **header(TRANSFERS))
    assert not checked.checked_in_parallel
    assert checked.summary == FileSummary(300, sum(t.amount for t in TRANSFERS))
    assert checked.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_count_that_differs_from_what_was_written_is_refused(tmp_path, monkeypatch):
    liar = [sys.executable, "-c", "import sys; sys.stdin.buffer.read(); print('{\"count\": 1, \"total\": 1}')"]
    monkeypatch.setattr(pain001_file, "validator_command", lambda version: liar)
    path = tmp_path / "run.xml"
    with pytest.raises(Pain001Invalid, match="räknas till 1 betalningar"):
        write_checked_pain001(path, version="09", **header(TRANSFERS))
    assert not path.exists()


def test_a_writing_error_removes_the_file_and_stops_the_second_process(tmp_path):
    path = tmp_path / "run.xml"
    with pytest.raises(iso20022.Iso20022Error, match="stämmer inte med filhuvudet"):
        write_checked_pain001(path, version="09", **header(TRANSFERS, count=301))
    assert not path.exists()


def test_the_second_process_answers_one_json_line(tmp_path):
    path = tmp_path / "run.xml"
    iso20022.write_pain001(path, version="03", **header([Transfer(
        "LIKA-7-1", 4_200, Party("Bo Ek", Account(bankgiro="50501055")), "Hyra")]))
    cwd = Path(__file__).parents[2]
    done = subprocess.run(pain001_file.validator_command("03"), input=path.read_bytes(), capture_output=True,
                          cwd=cwd, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, b'{"count": 1, "total": 4200}')
    wrong = subprocess.run(pain001_file.validator_command("09"), input=path.read_bytes(), capture_output=True,
                           cwd=cwd, check=False)
    assert wrong.returncode == 1 and b"namnrymd" in wrong.stdout
    assert pain001_file.main([]) == 2


def test_module_needs_no_django():
    code = ("import sys, lika.payments.pain001_file; "
            "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2]).returncode == 0
