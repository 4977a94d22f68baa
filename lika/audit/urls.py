from django.urls import path

from . import views

urlpatterns = [
    path("logg/", views.access_log, name="access_log"),
]
