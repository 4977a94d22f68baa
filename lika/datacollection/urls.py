from django.urls import path

from . import views

urlpatterns = [
    path("arenden/<int:case_id>/ansokningar/<int:application_id>/digital-inhamtning/", views.collection,
         name="collection"),
]
