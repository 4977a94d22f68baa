from django.urls import path

from . import views_messages as views

urlpatterns = [
    path("e-tjanst/meddelanden/", views.household_messages, name="eservice_messages"),
    path("e-tjanst/meddelanden/privat/", views.private_messages, name="eservice_messages_private"),
    path("e-tjanst/meddelanden/<int:message_id>/", views.message_detail, name="eservice_message_detail"),
    # staff: the case's messages from the e-service (access_case: the unit's case workers and enhetschef)
    path("arenden/<int:case_id>/meddelanden/", views.case_messages_staff, name="case_messages"),
]
