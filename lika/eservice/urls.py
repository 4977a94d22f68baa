from django.urls import include, path

from . import oidc, views

urlpatterns = [
    path("e-tjanst/", views.start, name="eservice_start"),
    path("e-tjanst/stod-vid-vald/", views.support, name="eservice_support"),
    path("e-tjanst/logga-in/", views.login, name="eservice_login"),
    path("e-tjanst/logga-in/e-legitimation/", oidc.start, name="eservice_oidc_start"),
    path("e-tjanst/logga-in/svar/", oidc.callback, name="eservice_oidc_callback"),
    path("e-tjanst/logga-in/test/", views.demo_login, name="eservice_demo_login"),
    path("e-tjanst/logga-ut/", views.logout, name="eservice_logout"),
    path("e-tjanst/lamna/", views.quick_exit, name="eservice_quick_exit"),
    path("e-tjanst/skyddade-uppgifter/", views.protected, name="eservice_protected"),
    path("e-tjanst/mina-sidor/", views.home, name="eservice_home"),
    path("", include("lika.eservice.urls_insight")),
    path("", include("lika.eservice.urls_apply")),
    path("", include("lika.eservice.urls_messages")),
]
urlpatterns += [path("", include("lika.eservice.urls_login"))]
