"""The API's reference page: a Vegvis page drawn from the OpenAPI document, in the interface's language.

Swagger UI (ninja's default) failed the accessibility checks every other page passes (no page language, low
contrast, buttons inside buttons) and is an English single-page app; the reference is read far more than it is
clicked, so it is a plain server-rendered page with the machine-readable document one link away. Operation summaries and
tags are marked with gettext_noop where they are declared (the OpenAPI document stays English) and translated here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_schema_name(schema.get('items'))}]"
    return str(schema.get("type", ""))


def _body_schema(operation: dict[str, Any]) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        return _schema_name(media.get("schema"))
    return ""


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document, grouped by tag, with what a caller needs to know."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.get("responses", {})
            groups.setdefault(gettext((operation.get("tags") or ["api"])[0]), []).append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": gettext(operation.get("summary", "")) if operation.get("summary") else "",
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "where": p.get("in"),
                            "required": p.get("required", False),
                            "type": _schema_name(p.get("schema")),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _body_schema(operation),
                    "responses": [
                        {"status": status, "description": r.get("description", "")}
                        # Keys are ints from django-ninja and strings from an operation's openapi_extra: sort
                        # as text (three-digit codes sort as numbers do).
                        for status, r in sorted(responses.items(), key=lambda item: str(item[0]))
                    ],
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in sorted(groups.items())]


class ReferencePage(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        document = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "api": api,
                "info": document.get("info", {}),
                "groups": operations(document),
                "openapi_url": self.get_openapi_url(api, kwargs),
            },
        )
