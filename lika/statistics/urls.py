from django.urls import path

from . import views, views_comparison

urlpatterns = [
    path("statistik/", views.statistics_page, name="statistics"),
    path("statistik/export.<str:fmt>", views.statistics_export, name="statistics_export"),
    path("statistik/jamforelse/", views_comparison.comparison, name="statistics_comparison"),
]
