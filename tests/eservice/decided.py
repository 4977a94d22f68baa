"""A decided case built with the staff services (as tests/web/test_authorization_matrix.py's
``world`` does): an application for December 2026, its calculation, a decision issued to
both adults, a payment run exported, a joint meeting and each adult's own plan."""

from datetime import date

from lika.cases import decisions, services
from lika.cases.decisions import LineDecision
from lika.payments import services as payments
from lika.plans import services as plans

MONTH = date(2026, 12, 1)


def decide(case, woman, man, case_worker, *, income=0):
    application = services.application_create(acting_user=case_worker, case=case, month=MONTH, applicant=woman)
    services.application_entries_save(
        acting_user=case_worker, application=application,
        incomes=[services.Entry("salary", income, person_id=man.pk)] if income else [],
        costs=[services.Entry("housing", 700000)], obstacles={woman.pk: "unemployed", man.pk: "unemployed"})
    services.calculation_make(acting_user=case_worker, application=application)
    rows = decisions.need_lines(application.calculations.get())
    lines = [LineDecision("granted")] * len(rows)
    lines[-1] = LineDecision("partly", granted=rows[-1]["applied"] - 50000, reason="Hyran är för hög")
    decision = decisions.decision_make(acting_user=case_worker, application=application, lines=lines,
                                       acknowledge_provisional=True)
    application.refresh_from_db()
    return application, decision


def pay(month, preparer, attester, settings, tmp_path):
    settings.LIKA_PAYMENT_FILES = tmp_path
    run = payments.payment_run_prepare(acting_user=preparer,
                                       run=payments.payment_run_create(acting_user=preparer, month=month))
    run = payments.payment_run_attest(acting_user=attester, run=run)
    payments.payment_run_export(acting_user=preparer, run=run)
    return run


def meetings_and_plans(case, woman, man, case_worker):
    joint = plans.meeting_create(acting_user=case_worker, case=case, kind="joint", held_on=date(2026, 11, 20),
                                 participants=[woman, man], notes="HEMLIG-ANTECKNING-GEMENSAM")
    hers = plans.meeting_create(acting_user=case_worker, case=case, kind="individual", held_on=date(2026, 11, 21),
                                participants=[woman], notes="HEMLIG-ANTECKNING-HENNES", screening_answer="yes",
                                screening_note="HEMLIG-VÅLDSFRÅGA")
    his = plans.meeting_create(acting_user=case_worker, case=case, kind="individual", held_on=date(2026, 11, 23),
                               participants=[man], notes="HEMLIG-ANTECKNING-HANS", screening_answer="no")
    her_plan = plans.plan_create(acting_user=case_worker, case=case, person=woman)
    plans.plan_goal_add(acting_user=case_worker, plan=her_plan, text="Saras mål: körkort")
    plans.plan_activity_add(acting_user=case_worker, plan=her_plan, kind="sfi", responsible="Komvux",
                            description="Saras SFI kurs D")
    his_plan = plans.plan_create(acting_user=case_worker, case=case, person=man)
    plans.plan_goal_add(acting_user=case_worker, plan=his_plan, text="Johans mål: truckkort")
    plans.plan_activity_add(acting_user=case_worker, plan=his_plan, kind="work_training", responsible="Jobbcentrum",
                            description="Johans arbetsträning")
    return joint, hers, his
