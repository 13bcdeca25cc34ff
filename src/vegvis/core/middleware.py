"""The interface language: Norwegian bokmål unless the user has chosen English with the language button.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a case handler with an English browser
would get English pages they never asked for. Here only the explicit choice (the language cookie set by
``set_language``) counts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreForUsersMiddleware:
    """Pages, API answers and files for a logged-in user (session or API token) carry ``no-store, private``, so a
    shared computer's back button or disk cache never shows a patient to the next person (OWASP ASVS 8.2.1)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "auth_user", None) or getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class RefuseNullCharactersMiddleware:
    """A NUL character in a query, a form field or a JSON body is refused with 400 before any view sees it.

    No text Vegvis keeps may contain one, and PostgreSQL refuses them with an error that would otherwise surface
    as a server error (a search or a public journal filter with %00 in it). Uploaded files are not affected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_null(request):
            message = "The request contains a NUL character, which no field accepts."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid"}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_null(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for values in sources:
            if any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values):
                return True
        content_type = request.content_type or ""
        return content_type.endswith("json") and b"\\u0000" in request.body
