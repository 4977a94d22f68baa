"""The population and the Realia text of the 3R analysis; a Realia version is never
changed or deleted, on both engines (``lika.audit.append_only``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from lika.audit.append_only import AppendOnlyTable

TRIGGERS = AppendOnlyTable("grants_realiatext", "grants_realia", "a Realia text never changes: save a new version")
SQLITE, SQLITE_NAMES = TRIGGERS.sqlite, TRIGGERS.sqlite_names


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0008_report_counts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("audit", "0003_records_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name='PopulationCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='år')),
                ('gender', models.CharField(choices=[('F', 'Kvinnor'), ('M', 'Män')], max_length=1, verbose_name='juridiskt kön')),
                ('age_low', models.PositiveSmallIntegerField(verbose_name='ålder från')),
                ('age_high', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='ålder till')),
                ('count', models.PositiveIntegerField(verbose_name='antal')),
                ('source', models.CharField(max_length=300, verbose_name='källa')),
                ('entered_at', models.DateTimeField(auto_now=True, verbose_name='inlagd')),
                ('entered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'folkmängd',
                'verbose_name_plural': 'folkmängd',
                'constraints': [models.UniqueConstraint(fields=('year', 'gender', 'age_low', 'age_high'), name='population_count_unique'), models.UniqueConstraint(condition=models.Q(('age_high__isnull', True)), fields=('year', 'gender', 'age_low'), name='population_count_open_unique'), models.CheckConstraint(condition=models.Q(('age_high__isnull', True), ('age_high__gte', models.F('age_low')), _connector='OR'), name='population_count_ages')],
            },
        ),
        migrations.CreateModel(
            name='RealiaText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='år')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('why', models.TextField(verbose_name='varför ser det ut så här')),
                ('measures', models.TextField(blank=True, verbose_name='åtgärder')),
                ('written_at', models.DateTimeField(auto_now_add=True, verbose_name='skriven')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='realia', to='grants.programme')),
            ],
            options={
                'verbose_name': 'realia',
                'verbose_name_plural': 'realia',
                'ordering': ['programme', 'year', 'version'],
                'constraints': [models.UniqueConstraint(fields=('programme', 'year', 'version'), name='realia_version_unique')],
            },
        ),
        TRIGGERS.operation(),
    ]
