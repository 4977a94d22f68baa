"""Issue 17, utskick: the unit's page for the day's letters (docs/casework.md)."""

from django.urls import path

from . import dispatch_views

urlpatterns = [
    path("utskick/", dispatch_views.dispatch_overview, name="dispatch_overview"),
    path("utskick/<int:batch_id>/", dispatch_views.print_batch_detail, name="print_batch_detail"),
    path("utskick/<int:batch_id>/utskriftsbunt.pdf", dispatch_views.print_batch_pdf, name="print_batch_pdf"),
    path("utskick/<int:batch_id>/via-enheten.pdf", dispatch_views.print_batch_internal_pdf,
         name="print_batch_internal_pdf"),
]
