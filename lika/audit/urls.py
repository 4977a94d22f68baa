from django.urls import path

from . import views

urlpatterns = [
    path("logg/", views.access_log, name="access_log"),
    path("admin-lika/jobb/", views.admin_jobs, name="admin_jobs"),
]
