from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("lika.cases.urls")),
    path("", include("lika.plans.urls")),
    path("", include("lika.audit.urls")),
    path("", include("lika.payments.urls")),
    path("", include("lika.statistics.urls")),
    path("", include("lika.housing.urls")),
    path("", include("lika.grants.urls")),
    path("", include("lika.eservice.urls")),
    path("", include("lika.datacollection.urls")),
    path("", include("lika.accounts.admin_urls")),
    path("", include("lika.api.urls")),
    path("", include("lika.web.urls")),
]
