"""/api/v1/: the integration API (docs/api.md).  Ids in paths are read by the views
(lika.api.views._object_id), so any text there is a JSON 404, never a server error; an
address under /api/ that matches nothing is a JSON 404 too."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from . import admin_views, views
from .errors import json_not_found

urlpatterns = [
    path("api/v1/schema/", SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[]),
         name="api_schema"),
    path("api/v1/docs/", admin_views.api_docs, name="api_docs"),
    path("api/v1/cases/", views.CaseList.as_view(), name="api_cases"),
    path("api/v1/cases/<str:case_id>/", views.CaseDetail.as_view(), name="api_case"),
    path("api/v1/cases/<str:case_id>/applications/", views.CaseApplications.as_view(), name="api_case_applications"),
    path("api/v1/cases/<str:case_id>/decisions/", views.CaseDecisions.as_view(), name="api_case_decisions"),
    path("api/v1/cases/<str:case_id>/payment-orders/", views.CasePaymentOrders.as_view(),
         name="api_case_payment_orders"),
    path("api/v1/applications/<str:application_id>/", views.ApplicationDetail.as_view(), name="api_application"),
    path("api/v1/calculations/<str:calculation_id>/", views.CalculationDetail.as_view(), name="api_calculation"),
    path("api/v1/decisions/<str:decision_id>/", views.DecisionDetail.as_view(), name="api_decision"),
    path("api/v1/payment-orders/<str:order_id>/", views.PaymentOrderDetail.as_view(), name="api_payment_order"),
    path("api/v1/events/", views.Events.as_view(), name="api_events"),
    path("api/v1/grant-events/", views.GrantEvents.as_view(), name="api_grant_events"),
    path("api/v1/key-figures/", views.KeyFigures.as_view(), name="api_key_figures"),
    path("api/v1/grants/attendance/", views.AttendanceUpload.as_view(), name="api_attendance"),
    re_path(r"^api/", json_not_found, name="api_not_found"),
    path("admin-lika/api-klienter/", admin_views.client_list, name="admin_api_clients"),
    path("admin-lika/api-klienter/<int:client_id>/", admin_views.client_detail, name="admin_api_client"),
]
