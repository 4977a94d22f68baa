"""Demo plans and meetings for a demo case, made through the plans services."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from . import services
from .models import Meeting, Plan, PlanActivity, ViolenceScreening

GOALS = ("Egen försörjning genom arbete", "Klara SFI nivå C", "Börja studera på Komvux",
         "Hitta en praktikplats", "Återgå i arbete efter sjukskrivning")
ACTIVITIES = (PlanActivity.Kind.SFI, PlanActivity.Kind.JOB_SEARCH, PlanActivity.Kind.WORK_TRAINING,
              PlanActivity.Kind.STUDIES, PlanActivity.Kind.REHABILITATION, PlanActivity.Kind.LABOUR_MARKET,
              PlanActivity.Kind.INTERNSHIP, PlanActivity.Kind.MUNICIPAL_JOB)
# Most activities started 20 days ago are under way, which is what the register file reports
# as a municipal labour-market measure (docs/formats.md); some are still only planned.
ONGOING_SHARE = 0.7
RESPONSIBLE = ("Arbetsförmedlingen", "Arbetsmarknadsenheten", "Komvux", "Handläggaren", "Vårdcentralen")


@dataclass(frozen=True)
class DemoPlans:
    plans: int
    meetings: int


def demo_plans(*, rng, case, worker, adults, today, plan_share) -> DemoPlans:
    plans = meetings = 0
    for person in adults:
        if rng.random() < plan_share:
            plan = services.plan_create(acting_user=worker, case=case, person=person,
                                        own_view="Vill komma ut i arbete så snart som möjligt.",
                                        follow_up_on=today + timedelta(days=rng.randint(-10, 60)))
            services.plan_goal_add(acting_user=worker, plan=plan, text=rng.choice(GOALS),
                                   target_on=today + timedelta(days=rng.randint(60, 240)))
            activity = services.plan_activity_add(
                acting_user=worker, plan=plan, kind=rng.choice(ACTIVITIES), responsible=rng.choice(RESPONSIBLE),
                starts_on=today - timedelta(days=20), follow_up_on=today + timedelta(days=rng.randint(-5, 45)))
            if rng.random() < ONGOING_SHARE:
                services.plan_activity_set_status(acting_user=worker, activity=activity,
                                                  status=PlanActivity.Status.ONGOING)
            # the plan was written some days after the case was opened (the services stamp now)
            written = min(today, case.opened_on + timedelta(days=rng.randint(3, 45)))
            moment = timezone.make_aware(datetime.combine(written, time(11, 0)))
            Plan.objects.filter(pk=plan.pk).update(created_at=moment, updated_at=moment)
            plans += 1
        services.meeting_create(acting_user=worker, case=case, held_on=today - timedelta(days=rng.randint(5, 50)),
                                kind=Meeting.Kind.INDIVIDUAL, participants=[person],
                                notes="Enskilt samtal om situationen och planen.",
                                screening_answer=ViolenceScreening.Answer.NO, support_offered=True)
        meetings += 1
    if len(adults) == 2 and rng.random() < 0.7:
        services.meeting_create(acting_user=worker, case=case, held_on=today - timedelta(days=rng.randint(1, 30)),
                                kind=Meeting.Kind.JOINT, participants=list(adults),
                                notes="Gemensamt möte om hushållets ekonomi.")
        meetings += 1
    return DemoPlans(plans, meetings)
