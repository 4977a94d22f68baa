from django.http import Http404


def access_log(request):
    raise Http404
