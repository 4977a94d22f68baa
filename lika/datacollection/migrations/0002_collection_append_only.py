"""Digital inhämtning is a record of what was asked of other authorities and what they
answered, and of the case worker's choice about each answer: none of its rows is ever
changed or deleted, on both engines (``lika.audit.append_only``; tests/conftest.py reads
SQLITE/SQLITE_NAMES to open them around a test flush)."""

from django.db import migrations

from lika.audit.append_only import AppendOnlyTable

TABLES = [
    AppendOnlyTable("datacollection_collectionrequest", "collection_request",
                    "a fetch is a record: fetch again instead"),
    AppendOnlyTable("datacollection_collectionoutcome", "collection_outcome", "an answer is a record"),
    AppendOnlyTable("datacollection_collectedbenefit", "collected_benefit", "an answer is a record"),
    AppendOnlyTable("datacollection_collectedbenefitreview", "collected_review",
                    "the case worker choice is a record"),
]
SQLITE = [sql for table in TABLES for sql in table.sqlite]
SQLITE_NAMES = [name for table in TABLES for name in table.sqlite_names]


class Migration(migrations.Migration):
    dependencies = [("datacollection", "0001_collection_models"), ("audit", "0003_records_append_only")]
    operations = [table.operation() for table in TABLES]
