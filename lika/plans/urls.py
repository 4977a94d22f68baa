from django.urls import path

from . import views

C = "arenden/<int:case_id>/"

urlpatterns = [
    path(C + "planer/<int:person_id>/", views.plan_detail, name="plan_detail"),
    path(C + "moten/nytt/", views.meeting_new, name="meeting_new"),
    path(C + "moten/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
]
