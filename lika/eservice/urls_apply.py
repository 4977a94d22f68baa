from django.urls import path

from . import views_apply as views

A = "e-tjanst/ansok/<int:application_id>/"

urlpatterns = [
    path("e-tjanst/ansok/", views.apply, name="eservice_apply"),
    path(A, views.application, name="eservice_application"),
    path(A + "andra/", views.application_edit, name="eservice_application_edit"),
    path(A + "bekrafta/", views.application_confirm, name="eservice_application_confirm"),
    path(A + "bilagor/", views.attachment_upload, name="eservice_attachment_upload"),
    path(A + "bilagor/<int:attachment_id>/", views.attachment_download, name="eservice_attachment"),
    # staff: the application page in case handling links here
    path("arenden/<int:case_id>/ansokningar/<int:application_id>/bilagor/<int:attachment_id>/",
         views.staff_attachment_download, name="application_attachment"),
]
