from django.contrib.auth import views as auth_views
from django.urls import path

from lika.accounts.views import LoginView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("berakna/", views.calculate, name="calculate"),
    path("riksnorm/", views.norm_list, name="norm_list"),
    path("riksnorm/ny/", views.norm_edit, name="norm_new"),
    path("riksnorm/<int:year>/", views.norm_detail, name="norm_detail"),
    path("riksnorm/<int:year>/andra/", views.norm_edit, name="norm_edit"),
    path("halsa/", views.health, name="health"),
    path("redo/", views.readiness, name="readiness"),  # issue 18
    path("stod-vid-vald/", views.violence_support, name="violence_support"),
]
