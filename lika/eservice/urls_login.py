from django.urls import path

from . import views_login

urlpatterns = [
    path("e-tjanst/mina-uppgifter/", views_login.account, name="eservice_account"),
]
