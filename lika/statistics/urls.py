from django.urls import path

from . import persontable, views, views_comparison

urlpatterns = [
    path("statistik/", views.statistics_page, name="statistics"),
    path("statistik/export.<str:fmt>", views.statistics_export, name="statistics_export"),
    path("statistik/jamforelse/", views_comparison.comparison, name="statistics_comparison"),
    path("statistik/egen-fil/", persontable.person_table, name="person_table"),
    path("statistik/egen-fil/export.<str:fmt>", persontable.person_table_export, name="person_table_export"),
]
