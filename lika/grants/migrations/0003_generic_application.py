"""Issue 15: the application table holds every programme kind (operating, project and
premises grants beside activity grants), so it is renamed and gains the purpose and
premises hours; its status gains assessment, decision and withdrawal."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("grants", "0002_grantsapp_rule_version_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("ActivityGrantApplication", "GrantApplication"),
        migrations.AlterModelOptions(
            name="grantapplication",
            options={"verbose_name": "bidragsansökan", "verbose_name_plural": "bidragsansökningar"},
        ),
        migrations.AddField(
            model_name="grantapplication", name="purpose",
            field=models.TextField(blank=True, verbose_name="ändamål"),
        ),
        migrations.AddField(
            model_name="grantapplication", name="premises_hours",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name="lokaltimmar"),
        ),
        migrations.AlterField(
            model_name="grantapplication", name="result",
            field=models.JSONField(blank=True, default=dict, verbose_name="beräkning"),
        ),
        migrations.AlterField(
            model_name="grantapplication", name="status",
            field=models.CharField(choices=[("submitted", "Inskickad"), ("assessment", "Under bedömning"),
                                            ("decided", "Beslutad"), ("withdrawn", "Återtagen")],
                                   default="submitted", max_length=20, verbose_name="status"),
        ),
    ]
