"""Writing a pain.001 and checking it against the XSD at the same time, on two cores.

``write_checked_pain001(path, version=..., **header)`` writes the file with
``iso20022.write_pain001`` and feeds the very same bytes, as they are written, to a
second Python process that runs ``iso20022.validate_pain001`` on them (this module's
``python -m`` entry, reading standard input).  Writing and validating each take about
as long; side by side they take the time of the slower one instead of the sum
(docs/benchmarks.md).  The SHA-256 of the file is computed on the way too.

The check is never skipped: when the second process cannot be started, dies, or does
not answer, the file is validated here afterwards, as before.  A file the validator
refuses raises ``Pain001Invalid`` with its line, and the caller throws the file away.

Plain Python and lxml, no Django (an import contract says so), so that the second
process starts in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass

from . import iso20022

__all__ = ["CheckedFile", "private_file_create", "write_checked_pain001"]


def private_file_create(path):
    """Open ``path`` for writing as a new file with mode 0600 (readable by Lika's own user
    only, from the moment it exists; a leftover of a killed run is replaced, not reused
    with its old mode)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")

# How long to wait for the second process once everything is written (it is at most a
# few seconds behind the writer; this is only a guard against a hung child).
ANSWER_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class CheckedFile:
    summary: iso20022.FileSummary  # what the validator counted in the file
    sha256: str
    checked_in_parallel: bool  # False when the file was validated afterwards, here


def validator_command(version: str) -> list[str]:
    return [sys.executable, "-m", __name__, version]


class _Tee:
    """A binary stream that writes to the file, the hash and (while it lives) the child."""

    def __init__(self, file, digest, child):
        self.file, self.digest, self.child = file, digest, child

    def write(self, data) -> int:
        self.file.write(data)
        self.digest.update(data)
        if self.child is not None:
            try:
                self.child.stdin.write(data)
            except (BrokenPipeError, OSError, ValueError):
                self.child = _stop(self.child)
        return len(data)

    def flush(self) -> None:
        self.file.flush()


def _start(version: str):
    try:
        return subprocess.Popen(validator_command(version), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, bufsize=1 << 16)
    except OSError:
        return None


def _stop(child) -> None:
    if child is not None:
        child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout):
            try:
                stream.close()
            except (BrokenPipeError, OSError):
                pass
    return None


def _answer(child) -> dict | None:
    """The child's verdict, or None if it gave none (then the caller validates here)."""
    try:
        output, _ = child.communicate(timeout=ANSWER_TIMEOUT_SECONDS)  # closes its stdin first
    except (OSError, ValueError, subprocess.TimeoutExpired):
        _stop(child)
        return None
    if child.returncode not in (0, 1):
        return None
    try:
        answer = json.loads(output)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def write_checked_pain001(path, *, version: str, **header) -> CheckedFile:
    """Write ``path`` (see ``iso20022.write_pain001`` for ``header``) and validate it
    against the XSD of ``version``.  On any error the file is removed and the error
    raised: ``Iso20022Error`` from writing, ``Pain001Invalid`` from validating."""
    digest = hashlib.sha256()
    child = _start(version)
    try:
        with private_file_create(path) as file:
            tee = _Tee(file, digest, child)
            written = iso20022.write_pain001(tee, version=version, **header)
        child = tee.child  # None if it went away while writing
        answer = _answer(child) if child is not None else None
        child = None
        if answer is None:
            summary, parallel = iso20022.validate_pain001(path, version=version), False
        elif "error" in answer:
            raise iso20022.Pain001Invalid(str(answer["error"]))
        else:
            summary, parallel = iso20022.FileSummary(int(answer["count"]), int(answer["total"])), True
        if summary != written:
            raise iso20022.Pain001Invalid(
                f"filen räknas till {summary.count} betalningar och {summary.total} öre men "
                f"{written.count} betalningar och {written.total} öre skrevs")
    except BaseException:
        _stop(child)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        raise
    return CheckedFile(summary=summary, sha256=digest.hexdigest(), checked_in_parallel=parallel)


def main(argv: list[str]) -> int:
    """The second process: validate standard input, answer one JSON line on stdout."""
    if len(argv) != 1:
        print(json.dumps({"usage": "python -m lika.payments.pain001_file VERSION < FILE"}))
        return 2
    try:
        summary = iso20022.validate_pain001(sys.stdin.buffer, version=argv[0])
    except iso20022.Iso20022Error as error:  # Pain001Invalid, or an unknown version
        print(json.dumps({"error": str(error)}))
        return 1
    print(json.dumps({"count": summary.count, "total": summary.total}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
