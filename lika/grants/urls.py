from django.urls import path

from . import views

urlpatterns = [
    path("bidrag/", views.grants_home, name="grants_home"),
    path("bidrag/forening/<int:association_id>/", views.association_detail, name="grants_association"),
    path("bidrag/forening/<int:association_id>/ansok/", views.apply, name="grants_apply"),
    path("bidrag/foreningar/", views.admin_associations, name="grants_associations"),
    path("bidrag/bidragsgivare/", views.admin_givers, name="grants_givers"),
    path("bidrag/program/", views.admin_programmes, name="grants_programmes"),
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
]
