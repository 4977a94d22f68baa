"""Issue 17, correcting things: moving a case to another case worker or unit."""

from django.urls import path

from . import move_views

urlpatterns = [
    path("arenden/tilldela/", move_views.case_assign_many, name="case_assign_many"),
    path("arenden/overlamningar/", move_views.case_handovers, name="case_handovers"),
    path("arenden/<int:case_id>/flytta/", move_views.case_move, name="case_move"),
]
