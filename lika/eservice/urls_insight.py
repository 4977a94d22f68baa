"""The same insight for each adult, and the appeal (views_insight)."""

from django.urls import path

from . import views_insight as v

urlpatterns = [
    path("e-tjanst/ansokningar/", v.applications, name="eservice_applications"),
    path("e-tjanst/beslut/<int:decision_id>/", v.decision, name="eservice_decision"),
    path("e-tjanst/beslut/<int:decision_id>/beslutsbrev.pdf", v.decision_letter, name="eservice_decision_letter"),
    path("e-tjanst/beslut/<int:decision_id>/overklaga/", v.appeal_new, name="eservice_appeal_new"),
    path("e-tjanst/overklaganden/<int:appeal_id>/", v.appeal, name="eservice_appeal"),
    path("e-tjanst/utbetalningar/", v.payments, name="eservice_payments"),
    path("e-tjanst/min-plan/", v.plan, name="eservice_plan"),
    path("e-tjanst/moten/", v.meetings, name="eservice_meetings"),
    # the case worker's page for an appeal (staff, unit check through access_case)
    path("arenden/<int:case_id>/overklaganden/<int:appeal_id>/", v.staff_appeal, name="appeal_detail"),
]
