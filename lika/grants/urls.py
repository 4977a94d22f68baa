from django.urls import path

from . import handling_views, views, views_registers, views_sponsorship

urlpatterns = [
    path("bidrag/", views.grants_home, name="grants_home"),
    path("bidrag/forening/<int:association_id>/", views.association_detail, name="grants_association"),
    path("bidrag/forening/<int:association_id>/ansok/", views.apply, name="grants_apply"),
    path("bidrag/forening/<int:association_id>/ansok/skriv-in/", views.apply_typed, name="grants_apply_typed"),
    path("bidrag/foreningar/", views.admin_associations, name="grants_associations"),
    path("bidrag/foreningar/<int:association_id>/", views.admin_association, name="grants_association_admin"),
    path("bidrag/bidragsgivare/", views.admin_givers, name="grants_givers"),
    path("bidrag/program/", views.admin_programmes, name="grants_programmes"),
    path("bidrag/program/<int:programme_id>/", views.admin_programme, name="grants_programme"),
]

# Sponsorship (sponsring): lika/grants/views_sponsorship.py
urlpatterns += [
    path("bidrag/sponsring/", views_sponsorship.sponsorships, name="grants_sponsorships"),
    path("bidrag/sponsring/<int:agreement_id>/", views_sponsorship.sponsorship_detail, name="grants_sponsorship"),
    path("bidrag/forening/<int:association_id>/sponsring/", views_sponsorship.association_sponsorships,
         name="grants_association_sponsorships"),
    path("bidrag/forening/<int:association_id>/sponsring/<int:agreement_id>/",
         views_sponsorship.association_sponsorship, name="grants_association_sponsorship"),
]

# The association's other applications and registers: lika/grants/views_registers.py
urlpatterns += [
    path("bidrag/forening/<int:association_id>/ansok/bidrag/", views_registers.apply_fixed,
         name="grants_apply_fixed"),
]
urlpatterns += [
    path("bidrag/forening/<int:association_id>/register/<int:year>/", views_registers.association_registers,
         name="grants_registers"),
    path("bidrag/forening/<int:association_id>/dokument/", views_registers.association_documents,
         name="grants_documents"),
    path("bidrag/forening/<int:association_id>/dokument/<int:document_id>/", views_registers.association_document,
         name="grants_document"),
]

# The 3R analysis (docs/grants-analysis.md, "In Lika")
from . import views_analysis  # noqa: E402

urlpatterns += [
    path("bidrag/analys/", views_analysis.home, name="three_r_home"),
    path("bidrag/analys/folkmangd/", views_analysis.population, name="three_r_population"),
    path("bidrag/analys/<int:giver_id>/<int:year>/", views_analysis.giver, name="three_r_giver"),
    path("bidrag/analys/<int:giver_id>/<int:year>/program/<int:programme_id>/", views_analysis.programme,
         name="three_r_programme"),
]
urlpatterns += [
    path("bidrag/analys/<int:giver_id>/<int:year>/program/<int:programme_id>/vad-om/", views_analysis.what_if,
         name="three_r_what_if"),
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
