"""Row triggers that make one table append-only on both engines (a register whose rows
calculations and decisions rest on: a change is a new row).  PostgreSQL reuses the refusing
function ``lika_records_refuse`` of ``audit/0003_records_append_only`` (SQLSTATE 23001,
an IntegrityError); SQLite raises ABORT with the same reason.

The tests drop the SQLite triggers around Django's flush (tests/conftest.py, which reads
``sqlite``/``sqlite_names``); on PostgreSQL the flush is a TRUNCATE, which row triggers do
not see."""

from django.db import migrations


class AppendOnlyTable:
    """UPDATE and DELETE refused on ``table``; ``name`` prefixes the triggers."""

    def __init__(self, table: str, name: str, why: str):
        self.table, self.name, self.why = table, name, why
        self.sqlite = [
            f"""CREATE TRIGGER {name}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table}: UPDATE refused ({why})'); END;""",
            f"""CREATE TRIGGER {name}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table}: DELETE refused ({why})'); END;""",
        ]
        self.sqlite_names = [f"{name}_no_update", f"{name}_no_delete"]
        self.postgres = [f"""CREATE TRIGGER {name}_no_change BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION lika_records_refuse('{why}');"""]
        self.reverse = {"sqlite": [f"DROP TRIGGER {n};" for n in self.sqlite_names],
                        "postgresql": [f"DROP TRIGGER {name}_no_change ON {table};"]}

    def _run(self, schema_editor, statements: dict) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    def operation(self) -> migrations.RunPython:
        """The migration operation that makes (and, backwards, drops) the triggers."""
        return migrations.RunPython(
            lambda apps, schema_editor: self._run(schema_editor, {"sqlite": self.sqlite, "postgresql": self.postgres}),
            lambda apps, schema_editor: self._run(schema_editor, self.reverse))
