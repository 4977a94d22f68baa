"""Issue 17, attachments: the case's Handlingar (lika.cases.document_views)."""

from django.urls import path

from . import document_views

C = "arenden/<int:case_id>/handlingar/"

urlpatterns = [
    path(C, document_views.case_documents, name="case_documents"),
    path(C + "<int:case_document_id>/fil/", document_views.case_document_download, name="case_document_download"),
    path(C + "<int:case_document_id>/ta-bort/", document_views.case_document_remove, name="case_document_remove"),
]
