from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


worklist = case_list = case_register = case_detail = person_detail = household_edit = _todo
application_new = application_detail = decision_new = decision_detail = decision_letter = _todo
exception_new = exception_detail = journal = _todo
