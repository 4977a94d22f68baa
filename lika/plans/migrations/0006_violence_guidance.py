"""When the answer to the question about violence is yes (issue 17, part 6): the FREDA risk
assessment and the record of an orosanmälan, append-only on both engines (a correction is a
new row naming the one it replaces).  The triggers: ``lika.audit.append_only``; tests/conftest.py
reads SQLITE and SQLITE_NAMES."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from lika.audit.append_only import AppendOnlyTable

ASSESSMENTS = AppendOnlyTable("plans_riskassessment", "plans_riskassessment",
                              "a risk assessment never changes: record a correction as a new row")
REPORTS = AppendOnlyTable("plans_childconcernreport", "plans_childconcernreport",
                          "the record of an orosanmalan never changes: record a correction as a new row")
SQLITE = [*ASSESSMENTS.sqlite, *REPORTS.sqlite]
SQLITE_NAMES = [*ASSESSMENTS.sqlite_names, *REPORTS.sqlite_names]


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0005_corrections_goal_activity_end'),
        ('audit', '0003_records_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChildConcernReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('made', 'Orosanmälan är gjord'), ('not_made', 'Ingen orosanmälan')], max_length=10, verbose_name='orosanmälan')),
                ('reported_on', models.DateField(blank=True, null=True, verbose_name='datum för anmälan')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='skäl')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('screening', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='child_reports', to='plans.violencescreening')),
                ('supersedes', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='plans.childconcernreport')),
            ],
            options={
                'verbose_name': 'orosanmälan',
                'verbose_name_plural': 'orosanmälningar',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'made'), ('reported_on__isnull', False)), models.Q(('outcome', 'not_made'), ('reported_on__isnull', True), models.Q(('reason', ''), _negated=True)), _connector='OR'), name='child_report_date_or_reason'), models.UniqueConstraint(condition=models.Q(('supersedes__isnull', True)), fields=('screening',), name='child_report_one_first_per_screening')],
            },
        ),
        migrations.CreateModel(
            name='RiskAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('assessed_on', models.DateField(verbose_name='datum för bedömningen')),
                ('used_kortfragor', models.BooleanField(default=False, verbose_name='FREDA-kortfrågor')),
                ('used_beskrivning', models.BooleanField(default=False, verbose_name='FREDA-beskrivning')),
                ('used_farlighet', models.BooleanField(default=False, verbose_name='FREDA-farlighetsbedömning')),
                ('other_method', models.CharField(blank=True, max_length=100, verbose_name='annan standardiserad bedömningsmetod')),
                ('risk_level', models.CharField(choices=[('low', 'Låg risk'), ('medium', 'Förhöjd risk'), ('high', 'Hög risk'), ('not_assessed', 'Ej bedömd')], max_length=12, verbose_name='bedömd risk')),
                ('not_assessed_reason', models.CharField(blank=True, max_length=300, verbose_name='skäl till att risken inte är bedömd')),
                ('summary', models.TextField(verbose_name='sammanfattning')),
                ('protective_actions', models.TextField(blank=True, verbose_name='planerade skyddsåtgärder')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('screening', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='risk_assessments', to='plans.violencescreening')),
                ('supersedes', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='plans.riskassessment')),
            ],
            options={
                'verbose_name': 'riskbedömning',
                'verbose_name_plural': 'riskbedömningar',
                'ordering': ['-assessed_on', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('risk_level__in', ('low', 'medium', 'high', 'not_assessed'))), name='risk_assessment_known_level'), models.CheckConstraint(condition=models.Q(models.Q(('risk_level', 'not_assessed'), models.Q(('not_assessed_reason', ''), _negated=True)), models.Q(models.Q(('risk_level', 'not_assessed'), _negated=True), ('not_assessed_reason', '')), _connector='OR'), name='risk_assessment_reason_iff_not_assessed'), models.CheckConstraint(condition=models.Q(('risk_level', 'not_assessed'), ('used_farlighet', True), models.Q(('other_method', ''), _negated=True), _connector='OR'), name='risk_assessment_level_has_risk_instrument'), models.CheckConstraint(condition=models.Q(('summary', ''), _negated=True), name='risk_assessment_has_summary')],
            },
        ),
        ASSESSMENTS.operation(),
        REPORTS.operation(),
    ]
