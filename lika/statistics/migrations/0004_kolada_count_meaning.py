"""``ImportedKpiValue.count`` keeps Kolada's meaning (the municipalities behind a value, 1
for one municipality).  Rows imported from Lika's version 1 files held a number of people
there: that number is dropped (set to null) before the constraint is added."""

from django.db import migrations, models


def drop_people(apps, schema_editor):
    ImportedKpiValue = apps.get_model("statistics", "ImportedKpiValue")
    ImportedKpiValue.objects.exclude(count__isnull=True).exclude(count=1).update(count=None)


class Migration(migrations.Migration):

    dependencies = [
        ("statistics", "0003_day_tables"),
    ]

    operations = [
        migrations.RunPython(drop_people, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="importedkpivalue",
            constraint=models.CheckConstraint(condition=models.Q(("count__isnull", True), ("count", 1), _connector="OR"),
                                              name="imported_kpi_count_is_kolada_s"),
        ),
    ]
