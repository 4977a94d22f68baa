from django.urls import path

from . import admin_views as views

urlpatterns = [
    path("admin-lika/anvandare/", views.user_list, name="admin_users"),
    path("admin-lika/anvandare/ny/", views.user_new, name="admin_user_new"),
    path("admin-lika/anvandare/<int:user_id>/", views.user_edit, name="admin_user_edit"),
    path("admin-lika/enheter/", views.unit_list, name="admin_units"),
    path("admin-lika/enheter/<int:unit_id>/", views.unit_edit, name="admin_unit_edit"),
    path("installningar/", views.settings_page, name="admin_settings"),
]
