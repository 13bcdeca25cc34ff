"""The versioned JSON API under /api/v1/, with its OpenAPI document generated from typed schemas.

Every operation declares its access rule (``api_requires``) and fetches objects through the same policies
as the web pages, so the API can show nothing the pages would not.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError

from vegvis.access.rules import NotAuthenticated, logged_in
from vegvis.api.auth import BrowserSessionAuth, TokenAuth
from vegvis.api.docs import ReferencePage
from vegvis.core.errors import DomainError

api = NinjaAPI(
    title="Vegvis API",
    version="1",
    description=(
        "Cases, transitions and worklists for the treatment-abroad offices and the systems of hospitals "
        "that submit applications. Authenticate with `Authorization: Bearer <key>` (create a key at "
        "/konto/api-nokler/) or the browser session."
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), BrowserSessionAuth()],
    docs=ReferencePage(),
    docs_decorator=logged_in,
)


def _error(request: HttpRequest, status: int, message: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(NotAuthenticated)
def not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "Not authenticated")


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "You do not have access to this")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "Not found")


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 422, "The data is not valid", errors=errors)


@api.exception_handler(SchemaValidationError)
def invalid_input(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    """Input that does not fit the operation's schema answers in the same shape as every other refusal
    (``detail``, ``code``, ``errors`` by field), as the OpenAPI document says."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "national_id") → "national_id"; ("query", "scope") → "scope"
        field = ".".join(location[2:] if location[:1] == ["body"] else location[1:]) or "__all__"
        errors.setdefault(field, []).append(str(error.get("msg", "")))
    return _error(request, 422, "The data is not valid", code="invalid", errors=errors)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, str(exc), code=exc.code)


def _mount_routers() -> None:
    """Each module with an ``api.py`` that defines ``router`` and ``API_PREFIX`` joins the API."""
    import importlib

    from django.apps import apps

    from vegvis.api import core_api

    api.add_router("/", core_api.router)
    for config in apps.get_app_configs():
        if not config.name.startswith("vegvis."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.api":
                raise
            continue
        api.add_router(module.API_PREFIX, module.router)


_mount_routers()
