from django.urls import include, path

from . import housing_views, transfer_views, views, withdraw_views

C = "arenden/<int:case_id>/"

urlpatterns = [
    path("mina-arenden/", views.worklist, name="worklist"),
    path("arenden/", views.case_list, name="case_list"),
    path("arenden/nytt/", views.case_register, name="case_register"),
    path("arenden/flytt/", transfer_views.transfers, name="transfers"),
    path(C, views.case_detail, name="case_detail"),
    path(C + "personer/<int:person_id>/", views.person_detail, name="person_detail"),
    path(C + "hushall/", views.household_edit, name="household_edit"),
    path(C + "ansokningar/ny/", views.application_new, name="application_new"),
    path(C + "ansokningar/<int:application_id>/", views.application_detail, name="application_detail"),
    path(C + "ansokningar/<int:application_id>/beslut/", views.decision_new, name="decision_new"),
    path(C + "ansokningar/<int:application_id>/boendekostnad/", housing_views.housing_deviation,
         name="housing_deviation"),
    path(C + "ansokningar/<int:application_id>/aterta/", withdraw_views.application_withdraw,
         name="application_withdraw"),
    path(C + "beslut/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path(C + "beslut/<int:decision_id>/brev/<int:person_id>.pdf", views.decision_letter, name="decision_letter"),
    path(C + "beslut/<int:decision_id>/brev/<int:person_id>/<slug:lang>/", views.decision_letter_page,
         name="decision_letter_page"),
    path(C + "undantag/nytt/", views.exception_new, name="exception_new"),
    path(C + "undantag/<int:exception_id>/", views.exception_detail, name="exception_detail"),
    path(C + "journal/", views.journal, name="journal"),
    path("", include("lika.cases.urls_dispatch")),  # issue 17: utskick
]

from . import urls_attachments  # noqa: E402  issue 17, attachments

urlpatterns += urls_attachments.urlpatterns
from . import urls_corrections  # noqa: E402 - issue 17: moving a case

urlpatterns += urls_corrections.urlpatterns
