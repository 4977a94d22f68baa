from django.urls import path

from . import views

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
