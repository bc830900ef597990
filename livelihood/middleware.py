from django.conf import settings
from django.utils import translation
from django.utils.translation import check_for_language


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a hall tablet
    or an office PC set up in English would show English to everyone; here only the explicit
    choice (the language cookie set by /i18n/setlang/) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        supported = {code for code, _name in settings.LANGUAGES}
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch = response.get("Vary", "")
        if "Cookie" not in patch:
            response["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response


class DatabaseUnavailableMiddleware:
    """While PostgreSQL restarts, answer 503 with Retry-After instead of a 500.

    Retrying is always safe here: a ballot is either committed before the page says so, or
    not at all, and a retried code answers "already cast"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError, connection
        from django.http import HttpResponse, JsonResponse
        from django.utils.translation import gettext as _

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        connection.close_if_unusable_or_obsolete()
        message = _("The service is briefly unavailable. Nothing was lost: please try again.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(
                f'<!doctype html><meta charset="utf-8"><title>503</title><p>{message}</p>',
                status=503,
            )
        response["Retry-After"] = "2"
        return response


class RefuseNulMiddleware:
    """A NUL character anywhere a client can put text (path, query string, cookies, headers)
    is refused with 400 before any view runs.

    PostgreSQL cannot store or compare NUL in text, so `/s/%00/` or `?q=%00` used to reach a
    query and fail with a 500. Form and serializer fields refuse NUL in bodies themselves
    (Django's and DRF's CharField carry ProhibitNullCharactersValidator); this covers the rest
    in one place instead of in every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            from django.http import HttpResponseBadRequest, JsonResponse
            from django.utils.html import escape
            from django.utils.translation import gettext as _

            message = escape(_("The request holds a NUL character, which is not allowed."))
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(
                f'<!doctype html><meta charset="utf-8"><title>400</title><p>{message}</p>',
            )
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path_info or "\x00" in request.path:
        return True
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return True
    for key, value in request.COOKIES.items():
        if "\x00" in key or "\x00" in value:
            return True
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return True
    return False
