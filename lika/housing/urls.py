from django.urls import path

from . import views

urlpatterns = [
    path("boendekostnad/", views.guideline_list, name="housing_guidelines"),
    path("boendekostnad/ny/", views.guideline_new, name="housing_guideline_new"),
]
