"""No code path chooses by gender (M5): legal gender is read only to store it on the
person.  Registerledare, recipients, payment order, plans and meetings never look at it.

The test reads the source: any function in the case, plans, payment-split or
calculation code that touches ``legal_gender`` (or a ``gender`` name) must be one of the
few that register a person.  A new use elsewhere fails here and has to be argued for.
"""

import ast
from pathlib import Path

import lika

ROOT = Path(lika.__file__).parent
CHECKED = [*sorted((ROOT / "cases").glob("*.py")), *sorted((ROOT / "plans").glob("*.py")),
           ROOT / "core" / "split.py", ROOT / "core" / "calculation.py", ROOT / "core" / "tariff.py"]
# Registering or editing a person: the gender is stored as entered or taken from the number.
ALLOWED = {("cases/people.py", "PersonData"), ("cases/people.py", "_person_values"), ("cases/people.py", "_person_get_or_create"),
           ("cases/people.py", "person_update"), ("cases/forms.py", "PersonForm")}


def _gender_users(path: Path) -> set[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.ClassDef):
            continue
        for inner in ast.walk(node):
            name = (inner.attr if isinstance(inner, ast.Attribute) else inner.id if isinstance(inner, ast.Name)
                    else inner.arg if isinstance(inner, ast.arg) else inner.value
                    if isinstance(inner, ast.Constant) and isinstance(inner.value, str)
                    and id(inner) not in docstrings else "")
            if "gender" in name:
                found.add((str(path.relative_to(ROOT)), node.name))
                break
    return found


def test_only_person_registration_reads_legal_gender():
    users = set().union(*(_gender_users(path) for path in CHECKED))
    assert users <= ALLOWED, f"gender used outside person registration: {sorted(users - ALLOWED)}"
    assert ("cases/people.py", "_person_values") in users, "the check must see the one real use"
