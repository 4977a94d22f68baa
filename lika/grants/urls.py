from django.urls import path

from . import handling_views, views

urlpatterns = [
    path("bidrag/", views.grants_home, name="grants_home"),
    path("bidrag/forening/<int:association_id>/", views.association_detail, name="grants_association"),
    path("bidrag/forening/<int:association_id>/ansok/", views.apply, name="grants_apply"),
    path("bidrag/foreningar/", views.admin_associations, name="grants_associations"),
    path("bidrag/bidragsgivare/", views.admin_givers, name="grants_givers"),
    path("bidrag/program/", views.admin_programmes, name="grants_programmes"),
    # issue 15, handling: the officer's work list and application page, the association's own
    # application page (status, decision, withdrawal), the decision letter
    path("bidrag/handlaggning/", handling_views.worklist, name="grants_worklist"),
    path("bidrag/handlaggning/<int:grant_application_id>/", handling_views.application_handle,
         name="grants_handle"),
    path("bidrag/forening/<int:association_id>/ansokan/<int:grant_application_id>/",
         handling_views.own_application, name="grants_own_application"),
    path("bidrag/ansokan/<int:grant_application_id>/beslutsbrev.pdf", handling_views.decision_letter,
         name="grants_decision_letter"),
]
