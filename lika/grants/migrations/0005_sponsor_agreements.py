"""Issue 15: sponsorship agreements (sponsring) and a kind for the grant giver (board or
municipal company).

The guarantee, on both engines: **an agreement is never signed without a gender-equality
assessment** (an assessment row and at least one expected participant).  Triggers refuse
an agreement inserted as anything but a draft, a status that moves other than draft →
signed → ended, a signed agreement without its assessment, a change of a signed
agreement's terms, and any change of the assessment or its expected reach once the
agreement is signed.  SQLite raises ABORT; PostgreSQL raises SQLSTATE 23514
(check_violation); both reach Django as an IntegrityError.  The tests drop the SQLite
triggers around Django's flush (tests/conftest.py reads ``SQLITE``/``SQLITE_NAMES``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


AGREEMENT = "grants_sponsorshipagreement"
ASSESSMENT = "grants_sponsorshipassessment"
REACH = "grants_sponsorshipreach"
NO_ASSESSMENT = "a sponsorship agreement is signed only with a gender-equality assessment"
HAS_ASSESSMENT = (f"EXISTS (SELECT 1 FROM {ASSESSMENT} a WHERE a.agreement_id = NEW.id) AND EXISTS "
                  f"(SELECT 1 FROM {REACH} r WHERE r.agreement_id = NEW.id AND r.stage = 'expected' AND r.count > 0)")
FORWARD = ("(OLD.status = NEW.status OR (OLD.status = 'draft' AND NEW.status = 'signed') "
           "OR (OLD.status = 'signed' AND NEW.status = 'ended'))")
TERMS = ("giver_id", "association_id", "activity", "amount", "counter_performance", "target_group",
         "period_from", "period_to", "created_by_id", "signed_by_id", "signed_at")
TERMS_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in TERMS)


def _status(row):
    return f"(SELECT status FROM {AGREEMENT} WHERE id = {row}.agreement_id)"


SQLITE = [
    f"""CREATE TRIGGER grants_sponsor_insert_draft BEFORE INSERT ON {AGREEMENT}
    WHEN NEW.status <> 'draft'
    BEGIN SELECT RAISE(ABORT, '{AGREEMENT}: INSERT refused (an agreement begins as a draft)'); END;""",
    f"""CREATE TRIGGER grants_sponsor_status BEFORE UPDATE ON {AGREEMENT}
    WHEN NOT {FORWARD}
    BEGIN SELECT RAISE(ABORT, '{AGREEMENT}: UPDATE refused (status goes draft, signed, ended)'); END;""",
    f"""CREATE TRIGGER grants_sponsor_sign_needs_assessment BEFORE UPDATE ON {AGREEMENT}
    WHEN NEW.status <> 'draft' AND NOT ({HAS_ASSESSMENT})
    BEGIN SELECT RAISE(ABORT, '{AGREEMENT}: UPDATE refused ({NO_ASSESSMENT})'); END;""",
    f"""CREATE TRIGGER grants_sponsor_terms_fixed BEFORE UPDATE ON {AGREEMENT}
    WHEN OLD.status <> 'draft' AND ({TERMS_CHANGED})
    BEGIN SELECT RAISE(ABORT, '{AGREEMENT}: UPDATE refused (a signed agreement keeps its terms)'); END;""",
    *(f"""CREATE TRIGGER grants_sponsor_assessment_no_{op.lower()} BEFORE {op} ON {ASSESSMENT}
    WHEN {_status(row)} <> 'draft'
    BEGIN SELECT RAISE(ABORT, '{ASSESSMENT}: {op} refused (the agreement is signed)'); END;"""
      for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))),
    *(f"""CREATE TRIGGER grants_sponsor_expected_no_{op.lower()} BEFORE {op} ON {REACH}
    WHEN {row}.stage = 'expected' AND {_status(row)} <> 'draft'
    BEGIN SELECT RAISE(ABORT, '{REACH}: {op} refused (the agreement is signed)'); END;"""
      for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))),
    f"""CREATE TRIGGER grants_sponsor_expected_stays BEFORE UPDATE ON {REACH}
    WHEN NEW.stage = 'expected' AND {_status("NEW")} <> 'draft'
    BEGIN SELECT RAISE(ABORT, '{REACH}: UPDATE refused (the agreement is signed)'); END;""",
]
SQLITE_NAMES = [sql.split()[2] for sql in SQLITE]


def _refuse(why):
    return (f"RAISE EXCEPTION '%: % refused (%)', TG_TABLE_NAME, TG_OP, '{why}' "
            "USING ERRCODE = 'check_violation';")


POSTGRES = [
    f"""CREATE FUNCTION lika_sponsor_agreement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.status <> 'draft' THEN {_refuse('an agreement begins as a draft')} END IF;
  IF TG_OP = 'UPDATE' THEN
    IF NOT {FORWARD} THEN {_refuse('status goes draft, signed, ended')} END IF;
    IF OLD.status <> 'draft' AND ({TERMS_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")}) THEN
      {_refuse('a signed agreement keeps its terms')}
    END IF;
  END IF;
  IF NEW.status <> 'draft' AND NOT ({HAS_ASSESSMENT}) THEN {_refuse(NO_ASSESSMENT)} END IF;
  RETURN NEW;
END $$;""",
    f"""CREATE TRIGGER grants_sponsor_agreement_guard BEFORE INSERT OR UPDATE ON {AGREEMENT}
    FOR EACH ROW EXECUTE FUNCTION lika_sponsor_agreement_guard();""",
    # FOR SHARE waits for a transaction that is signing the agreement and then reads the
    # status it committed, so the assessment cannot change under a signature.
    f"""CREATE FUNCTION lika_sponsor_assessment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE parents bigint[] := '{{}}'; state text;
BEGIN
  -- the assessment has no stage (NULL): it always counts; reach rows count when expected
  IF TG_OP <> 'INSERT' AND coalesce(to_jsonb(OLD)->>'stage', 'expected') = 'expected' THEN
    parents := parents || OLD.agreement_id;
  END IF;
  IF TG_OP <> 'DELETE' AND coalesce(to_jsonb(NEW)->>'stage', 'expected') = 'expected' THEN
    parents := parents || NEW.agreement_id;
  END IF;
  FOR state IN SELECT status FROM {AGREEMENT} WHERE id = ANY(parents) FOR SHARE LOOP
    IF state <> 'draft' THEN {_refuse('the agreement is signed')} END IF;
  END LOOP;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;""",
    *(f"""CREATE TRIGGER {table}_fixed BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION lika_sponsor_assessment_guard();""" for table in (ASSESSMENT, REACH)),
]
REVERSE = {
    "sqlite": [f"DROP TRIGGER {name};" for name in SQLITE_NAMES],
    "postgresql": [f"DROP TRIGGER grants_sponsor_agreement_guard ON {AGREEMENT};",
                   *(f"DROP TRIGGER {t}_fixed ON {t};" for t in (ASSESSMENT, REACH)),
                   "DROP FUNCTION lika_sponsor_agreement_guard();", "DROP FUNCTION lika_sponsor_assessment_guard();"],
}


def _run(schema_editor, statements):
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def _forwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRES})


def _backwards(apps, schema_editor):
    _run(schema_editor, REVERSE)


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0004_association_account_change'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='grantgiver',
            name='kind',
            field=models.CharField(choices=[('board', 'Nämnd'), ('company', 'Kommunalt bolag')], default='board', max_length=20, verbose_name='slag'),
        ),
        migrations.CreateModel(
            name='SponsorshipAgreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('activity', models.CharField(max_length=200, verbose_name='sponsrad verksamhet')),
                ('amount', models.BigIntegerField(verbose_name='belopp (öre)')),
                ('counter_performance', models.TextField(verbose_name='motprestation')),
                ('target_group', models.CharField(max_length=200, verbose_name='målgrupp')),
                ('period_from', models.DateField(verbose_name='avtalet gäller från')),
                ('period_to', models.DateField(verbose_name='avtalet gäller till')),
                ('status', models.CharField(choices=[('draft', 'Utkast'), ('signed', 'Undertecknat'), ('ended', 'Avslutat')], default='draft', max_length=10, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='upprättat')),
                ('signed_at', models.DateTimeField(blank=True, null=True, verbose_name='undertecknat')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='avslutat')),
                ('association', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sponsorships', to='grants.association')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('giver', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sponsorships', to='grants.grantgiver')),
                ('signed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'sponsringsavtal',
                'verbose_name_plural': 'sponsringsavtal',
                'ordering': ['-period_from', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SponsorshipAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='bedömning')),
                ('assessed_at', models.DateTimeField(verbose_name='bedömd')),
                ('agreement', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='assessment', to='grants.sponsorshipagreement')),
                ('assessed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'jämställdhetsbedömning',
                'verbose_name_plural': 'jämställdhetsbedömningar',
            },
        ),
        migrations.CreateModel(
            name='SponsorshipReach',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('expected', 'Förväntat'), ('actual', 'Utfall')], max_length=10, verbose_name='skede')),
                ('gender', models.CharField(blank=True, choices=[('F', 'Kvinna'), ('M', 'Man'), ('', 'Okänt')], max_length=1, verbose_name='juridiskt kön')),
                ('age_band', models.CharField(max_length=20, verbose_name='åldersintervall')),
                ('count', models.PositiveIntegerField(verbose_name='antal')),
                ('agreement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reach', to='grants.sponsorshipagreement')),
            ],
        ),
        migrations.CreateModel(
            name='SponsorshipReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(blank=True, verbose_name='kommentar')),
                ('reported_at', models.DateTimeField(verbose_name='rapporterad')),
                ('agreement', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='report', to='grants.sponsorshipagreement')),
                ('reported_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.AddConstraint(
            model_name='sponsorshipagreement',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='sponsorship_amount_non_negative'),
        ),
        migrations.AddConstraint(
            model_name='sponsorshipagreement',
            constraint=models.CheckConstraint(condition=models.Q(('period_from__lte', models.F('period_to'))), name='sponsorship_period_order'),
        ),
        migrations.AddConstraint(
            model_name='sponsorshipagreement',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(('signed_at__isnull', False), ('signed_by__isnull', False)), _connector='OR'), name='sponsorship_signed_by_whom'),
        ),
        migrations.AddConstraint(
            model_name='sponsorshipagreement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'ended'), _negated=True), ('ended_at__isnull', False), _connector='OR'), name='sponsorship_ended_when'),
        ),
        migrations.AddConstraint(
            model_name='sponsorshipassessment',
            constraint=models.CheckConstraint(condition=models.Q(('text', ''), _negated=True), name='sponsorship_assessment_text'),
        ),
        migrations.AddConstraint(
            model_name='sponsorshipreach',
            constraint=models.UniqueConstraint(fields=('agreement', 'stage', 'gender', 'age_band'), name='sponsorship_reach_unique'),
        ),
        migrations.RunPython(_forwards, _backwards),
    ]
