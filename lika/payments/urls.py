from django.urls import path

from . import views

R = "utbetalningar/<int:run_id>/"

urlpatterns = [
    path("utbetalningar/", views.payment_runs, name="payment_runs"),
    path("utbetalningar/fran-banken/", views.payment_bank_files, name="payment_bank_files"),
    path(R, views.payment_run_detail, name="payment_run_detail"),
    path(R + "fil/", views.payment_run_file, name="payment_run_file"),
    path(R + "bokforing.csv", views.payment_run_accounting, name="payment_run_accounting"),
]
