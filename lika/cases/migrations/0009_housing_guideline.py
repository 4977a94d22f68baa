"""Skälig boendekostnad (issue 14): the municipality's guideline (lika.housing) replaces the
cost's hand-written cap; a case worker's documented deviation is its own record; a decision
line keeps what the calculation accepted, and the database refuses a line that grants more
than that, or "bifall" on less than was applied for.

The hand-written caps: every calculation made with one keeps it in its snapshot (input and
result), and issued decisions are not touched.  For an application still to be decided,
the cap is written to the access log (by "system", with the amount) before the column goes:
its next calculation applies the guideline in force instead.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MESSAGE = ("refused (a decision line grants at most what the calculation accepted, and bifall is the whole "
           "applied amount)")
REFUSED = ("(NEW.accepted_amount IS NOT NULL AND NEW.granted_amount > NEW.accepted_amount) "
           "OR (NEW.outcome = 'granted' AND NEW.granted_amount <> NEW.applied_amount)")
# ...and, whatever accepted_amount says, a capped cost line never grants more than the amount
# its decision's calculation accepted (the snapshot's line of that rule, kronor → öre)
SQLITE_ABOVE_CAP = """(NEW.rule LIKE 'cost.%.capped' AND EXISTS (
    SELECT 1 FROM cases_decision d JOIN cases_casecalculation c ON c.id = d.calculation_id,
         json_each(c.result, '$.lines') l
    WHERE d.id = NEW.decision_id AND json_extract(l.value, '$.rule') = NEW.rule
      AND NEW.granted_amount > CAST(round(json_extract(l.value, '$.amount') * 100) AS INTEGER)))"""
POSTGRES_ABOVE_CAP = """(NEW.rule LIKE 'cost.%.capped' AND EXISTS (
    SELECT 1 FROM cases_decision d JOIN cases_casecalculation c ON c.id = d.calculation_id
    CROSS JOIN LATERAL jsonb_array_elements(c.result -> 'lines') l
    WHERE d.id = NEW.decision_id AND l ->> 'rule' = NEW.rule
      AND NEW.granted_amount > round((l ->> 'amount')::numeric * 100)))"""
SQLITE = [
    f"""CREATE TRIGGER cases_decisionline_within_accepted_insert BEFORE INSERT ON cases_decisionline
        WHEN {REFUSED} OR {SQLITE_ABOVE_CAP} BEGIN SELECT RAISE(ABORT, 'cases_decisionline: INSERT {MESSAGE}'); END;""",
    f"""CREATE TRIGGER cases_decisionline_within_accepted_update BEFORE UPDATE ON cases_decisionline
        WHEN {REFUSED} OR {SQLITE_ABOVE_CAP} BEGIN SELECT RAISE(ABORT, 'cases_decisionline: UPDATE {MESSAGE}'); END;""",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION cases_decisionline_within_accepted() RETURNS trigger AS $$
        BEGIN
          IF {REFUSED} OR {POSTGRES_ABOVE_CAP} THEN
            RAISE EXCEPTION 'cases_decisionline: % {MESSAGE}', TG_OP USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER cases_decisionline_within_accepted BEFORE INSERT OR UPDATE ON cases_decisionline
       FOR EACH ROW EXECUTE FUNCTION cases_decisionline_within_accepted();""",
]
REVERSE = {
    "sqlite": ["DROP TRIGGER cases_decisionline_within_accepted_insert;", "DROP TRIGGER cases_decisionline_within_accepted_update;"],
    "postgresql": ["DROP TRIGGER cases_decisionline_within_accepted ON cases_decisionline;",
                   "DROP FUNCTION cases_decisionline_within_accepted();"],
}
UNDECIDED = ("received", "calculated", "changing")


def log_hand_caps(apps, schema_editor):
    cost_model = apps.get_model("cases", "ApplicationCost")
    log = apps.get_model("audit", "AccessLogEntry")
    costs = (cost_model.objects.using(schema_editor.connection.alias)
             .filter(cap__isnull=False, application__status__in=UNDECIDED)
             .select_related("application__case").order_by("id"))
    for cost in costs:
        application = cost.application
        log.objects.using(schema_editor.connection.alias).create(
            actor=None, actor_name="system", action="update", object_type="application",
            object_id=str(application.pk), household_id=application.case.household_id,
            summary=(f"Handskrivet tak för {cost.type} ({cost.cap / 100:.2f} kr) ersatt av kommunens riktlinje "
                     "för skälig boendekostnad vid nästa beräkning"),
            old_values={"cost": cost.pk, "type": cost.type, "amount": cost.amount, "cap": cost.cap},
            new_values={"cap": "riktlinjen som gäller för månaden"})


def guard(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def unguard(apps, schema_editor):
    for sql in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_income_remove_job_incentive'),
        ('audit', '0003_records_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(log_hand_caps, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='applicationcost',
            name='cap',
        ),
        migrations.AddField(
            model_name='decisionline',
            name='accepted_amount',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='godtaget enligt beräkningen (öre)'),
        ),
        migrations.CreateModel(
            name='HousingDeviation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('short_time', 'Kort tid: behovet av bistånd väntas vara kortvarigt'), ('children_school', 'Barns skolgång eller förskola'), ('disability', 'Funktionsnedsättning eller sjukdom'), ('no_cheaper_housing', 'Det finns ingen billigare bostad att få'), ('other', 'Annat skäl')], max_length=20, verbose_name='skäl')),
                ('reason_text', models.TextField(verbose_name='motivering')),
                ('accepted_amount', models.BigIntegerField(blank=True, help_text='Tomt: hela boendekostnaden godtas', null=True, verbose_name='godtagen boendekostnad (öre)')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='dokumenterat')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='upphört')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='housing_deviations', to='cases.application')),
                ('ended_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'avsteg från riktlinjen för boendekostnad',
                'verbose_name_plural': 'avsteg från riktlinjen för boendekostnad',
                'ordering': ['-recorded_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('reason_text', ''), _negated=True), name='housing_deviation_states_reason'), models.CheckConstraint(condition=models.Q(('accepted_amount__isnull', True), ('accepted_amount__gt', 0), _connector='OR'), name='housing_deviation_amount_positive'), models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True)), fields=('application',), name='one_housing_deviation_in_force')],
            },
        ),
        migrations.RunPython(guard, unguard),
    ]
