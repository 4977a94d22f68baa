import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lika.audit.models import AccessLogEntry
from lika.norms import selectors
from lika.norms.files import shipped_tables
from lika.norms.models import NormTableVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def official_2026(tmp_path):
    data = shipped_tables()[2026].as_dict()
    data.update(status="verified", source="SFS 2025:9999 (fiktivt i testet)", estimated=[])
    path = tmp_path / "riksnorm-2026.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_administrator_loads_the_official_table(admin_user, official_2026, capsys):
    call_command("load_norm_table", str(official_2026), user="ada", note="Förordningen för 2026")
    table = selectors.norm_table_for_year(2026)
    assert (table.status, table.version) == ("verified", 2)
    assert AccessLogEntry.objects.filter(actor=admin_user, object_type="norm_table").exists()
    assert "version 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("user", "content", "message"),
    [
        ("nobody", None, "finns inte"),
        ("alice", None, "administratörer"),
        ("ada", "{bad", "ogiltig JSON"),
        ("ada", json.dumps({"year": 2026, "status": "verified"}), "källa"),
    ],
)
def test_bad_loads_are_refused_with_exit_2_and_change_nothing(admin_user, alice, official_2026, user, content,
                                                            message):
    if content is not None:
        official_2026.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as info:
        call_command("load_norm_table", str(official_2026), user=user, note="x")
    assert info.value.returncode == 2
    assert NormTableVersion.objects.filter(year=2026).count() == 1


def test_a_missing_file(admin_user, tmp_path):
    with pytest.raises(CommandError, match="kan inte läsa"):
        call_command("load_norm_table", str(tmp_path / "nope.json"), user="ada", note="x")
