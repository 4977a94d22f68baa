from django.urls import path

from . import views

C = "arenden/<int:case_id>/"

urlpatterns = [
    path(C + "planer/<int:person_id>/", views.plan_detail, name="plan_detail"),
    path(C + "moten/nytt/", views.meeting_new, name="meeting_new"),
    path(C + "moten/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
]

from . import views_booking  # noqa: E402 - issue 17: booking meetings ahead

urlpatterns += [
    path(C + "moten/boka/", views_booking.booking_new, name="booking_new"),
    path(C + "bokningar/<int:booking_id>/", views_booking.booking_detail, name="booking_detail"),
    path(C + "bokningar/<int:booking_id>/hallet/", views_booking.booking_held, name="booking_held"),
    path(C + "bokningar/<int:booking_id>/kallelse/<int:person_id>.pdf", views_booking.booking_kallelse,
         name="booking_kallelse"),
    path("kalender/", views_booking.meeting_calendar, name="meeting_calendar"),
    path("kalender/<int:user_id>/", views_booking.meeting_calendar, name="meeting_calendar_user"),
]

from . import views_corrections  # noqa: E402 - issue 17: correcting goals and activities

urlpatterns += [
    path(C + "planer/<int:person_id>/mal/<int:goal_id>/", views_corrections.goal_edit, name="plan_goal_edit"),
    path(C + "planer/<int:person_id>/aktiviteter/<int:activity_id>/", views_corrections.activity_edit,
         name="plan_activity_edit"),
]

from . import views_violence  # noqa: E402 - issue 17: when the answer about violence is yes

urlpatterns += [
    path(C + "stod/<int:screening_id>/", views_violence.violence_guidance, name="violence_guidance"),
]
