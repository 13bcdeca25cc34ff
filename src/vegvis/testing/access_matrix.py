"""The access matrix: for every URL and API operation, the answer each role should get.

Each vegvis app declares its expectations in ``<app>/tests/access_expectations.py``::

    expect("audit:person_log", kwargs=a_person, roles=staff_only(403, system_administrator=200))

and the users the matrix asks as, for the roles the app declares in ``<app>/roles.py``, in
``<app>/tests/access_actors.py``::

    ACTORS = {"case_handler": Actor("case_handler", office="ous", order=10)}

tests/test_access_matrix.py then fails on any URL or API operation that has no access rule or no expectation,
or on a declared role no actor holds, and requests every expectation as every actor in ``ROLES``. Outcomes are
a status code or a ``Redirect``; an anonymous visitor to a page is sent to the login page (``TO_LOGIN``), an
anonymous API caller gets 401, a refused role 403, and an object outside the caller's work need 404.

The same registrations drive the personal-data tests (tests/test_personal_data.py, tests/test_csrf.py):

- ``shows_personal_data=True`` (or the roles it applies to) says the answer shows a person: each of those roles
  must find a READ (or SEARCH) entry naming the persons the expectation's builders made;
- ``export=True`` says the answer is an export or a statistic: it must hold no identity for any role;
- ``register_objects(builder)`` adds objects with personal data that the module's pages may show the matrix's
  users. The walks create them before every request and check that whatever person a page shows is audited,
  and that public pages, exports and statistics show none.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.apps import apps
from django.http import HttpResponseBase
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vegvis.access.rules import rule_of

if TYPE_CHECKING:
    from ninja import NinjaAPI

    from vegvis.accounts.models import User
    from vegvis.core.admin_site import VegvisAdminSite


@dataclass(frozen=True)
class Actor:
    """A user the matrix asks as: a holder of ``role`` (at ``office`` for an office role).

    ``order`` places the actor among all apps' actors (the order of the test ids, and of the first role that gets
    an answer where a test needs one).
    """

    role: str
    office: str | None = None
    order: int = 100
    # The organisation an organisation-scoped role is held at (by name and kind; made at first use).
    organisation: str | None = None
    organisation_kind: str = "patient_organisation"


ANONYMOUS = "anonymous"


class ActorRoles(Mapping[str, Actor | None]):
    """Each actor the matrix exercises by name: ``anonymous`` (None) first, then the ``ACTORS`` of every installed
    vegvis app's ``tests/access_actors.py``, in their order. Found when first asked for (the app registry must be
    ready), so a new app brings its own actors without editing this module."""

    def __init__(self) -> None:
        self._found: dict[str, Actor | None] | None = None

    def _actors(self) -> dict[str, Actor | None]:
        if self._found is None:
            found: dict[str, tuple[str, Actor]] = {}
            for package in _app_packages():
                module = _import_if_present(f"{package}.tests.access_actors")
                for name, actor in getattr(module, "ACTORS", {}).items():
                    if name == ANONYMOUS or name in found:
                        owner = found[name][0] if name in found else "the matrix"
                        raise ValueError(f"Actor {name!r} of {package} is declared by {owner} already")
                    found[name] = (package, actor)
            ordered = sorted(found.items(), key=lambda item: (item[1][1].order, item[0]))
            self._found = {ANONYMOUS: None, **{name: actor for name, (_package, actor) in ordered}}
        return self._found

    def __getitem__(self, name: str) -> Actor | None:
        return self._actors()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._actors())

    def __len__(self) -> int:
        return len(self._actors())


ROLES = ActorRoles()


def staff_roles() -> tuple[str, ...]:
    """Every actor but the anonymous visitor."""
    return tuple(role for role in ROLES if ROLES[role] is not None)


METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Redirect:
    """A redirect (302) to a URL name or path; only the path of the Location header is compared."""

    to: str
    prefix: bool = False  # the Location only has to start with the path (for redirects to a new object's page)

    @property
    def path(self) -> str:
        return urlsplit(resolve_url(self.to)).path

    def matches(self, location: str) -> bool:
        path = urlsplit(location).path
        return path.startswith(self.path) if self.prefix else path == self.path

    def __str__(self) -> str:
        return f"302 → {self.to}"


Outcome = int | Redirect
TO_LOGIN = Redirect("accounts:login")


def everyone(outcome: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    """The same answer for every role, anonymous included, except the roles named."""
    return _fill(ROLES, outcome, overrides)


def staff(outcome: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    """The same answer for every logged-in role except the roles named (anonymous left out)."""
    return _fill(staff_roles(), outcome, overrides)


def staff_only(outcome: Outcome = 200, **overrides: Outcome) -> dict[str, Outcome]:
    """A page: anonymous visitors are sent to the login page."""
    return {"anonymous": TO_LOGIN, **staff(outcome, **overrides)}


def api_staff_only(outcome: Outcome = 200, **overrides: Outcome) -> dict[str, Outcome]:
    """An API operation: anonymous callers get 401."""
    return {"anonymous": 401, **staff(outcome, **overrides)}


def _fill(roles: Iterable[str], outcome: Outcome, overrides: dict[str, Outcome]) -> dict[str, Outcome]:
    unknown = set(overrides) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles {sorted(unknown)}; the matrix knows {list(ROLES)}")
    return {role: overrides.get(role, outcome) for role in roles}


class Actors:
    """One user per role for one run of the matrix, created when first asked for."""

    def __init__(self) -> None:
        self._users: dict[str, User] = {}

    def __getitem__(self, role: str) -> User | None:
        actor = ROLES[role]
        if actor is None:
            return None
        if role not in self._users:
            from vegvis.testing.factories import UserFactory

            extra = {"role__office": actor.office} if actor.office else {}
            if actor.organisation:
                extra["role__organisation"] = actor.organisation
                extra["role__organisation_kind"] = actor.organisation_kind
            # A name no synthetic person can have: the pages show the user's name in the header, and the audit
            # and privacy walks look for the persons' names on every page.
            self._users[role] = UserFactory(
                username=f"matrix.{role}", first_name="Matrisebruker", last_name=role, role=actor.role, **extra
            )
        return self._users[role]


KwargsBuilder = Callable[[Actors], Mapping[str, Any]]
ObjectsBuilder = Callable[[Actors], Any]
SUCCESS = frozenset({200, 201})


@dataclass(frozen=True)
class Prepared:
    """A request ready to send: its URL arguments, path and data."""

    kwargs: Mapping[str, Any]
    url: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Expectation:
    url_name: str
    method: str
    roles: Mapping[str, Outcome]
    kwargs: KwargsBuilder | None = None
    data: Mapping[str, Any] | KwargsBuilder | None = None
    content_type: str | None = None
    registered_by: str = ""
    shows_personal_data: bool | tuple[str, ...] = False
    export: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return self.url_name, self.method

    @property
    def is_api(self) -> bool:
        return self.url_name.startswith("api-")

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url_name}"

    def succeeds_for(self, role: str) -> bool:
        return self.roles[role] in SUCCESS

    def personal_data_roles(self) -> tuple[str, ...]:
        """The roles that must be shown a person (and find the read audited)."""
        if self.shows_personal_data is True:
            return tuple(role for role in ROLES if self.succeeds_for(role))
        return tuple(self.shows_personal_data or ())

    def prepare(self, actors: Actors) -> Prepared:
        """Build the objects the URL needs and the data to send."""
        kwargs = dict(self.kwargs(actors)) if self.kwargs else {}
        url = reverse(self.url_name, kwargs=kwargs or None)
        data = dict((self.data(actors) if callable(self.data) else self.data) or {})
        return Prepared(kwargs=kwargs, url=url, data=data)

    def send(self, client: Client, url: str, data: Mapping[str, Any], **extra: Any) -> HttpResponseBase:
        """Send the request with the client as it is logged in."""
        if self.method == "get" or (self.method == "post" and self.content_type is None):
            return getattr(client, self.method)(url, data=dict(data), **extra)  # a query string, or a submitted form
        return getattr(client, self.method)(
            url, data=dict(data), content_type=self.content_type or "application/json", **extra
        )

    def request(self, client: Client, actors: Actors) -> HttpResponseBase:
        """Build the objects the URL needs, then send the request with the client as it is logged in."""
        prepared = self.prepare(actors)
        return self.send(client, prepared.url, prepared.data)


_registry: dict[tuple[str, str], Expectation] = {}
_objects: dict[str, ObjectsBuilder] = {}


def expect(
    url_name: str,
    *,
    roles: Mapping[str, Outcome],
    kwargs: KwargsBuilder | None = None,
    method: str = "get",
    data: Mapping[str, Any] | KwargsBuilder | None = None,
    content_type: str | None = None,
    shows_personal_data: bool | Iterable[str] = False,
    export: bool = False,
) -> Expectation:
    """Declare the answer every role gets from ``method url_name``; every role in ``ROLES`` must be named.

    ``kwargs`` builds the objects the URL needs and returns its URL arguments; ``data`` is the query (GET), the
    form (POST) or, with ``content_type="application/json"`` (the default for PUT, PATCH and DELETE), the body.
    ``shows_personal_data``: True when every role that gets 200/201 is shown the persons the builders made, or
    the roles that are (e.g. a worklist shows the other office's handler nothing). ``export``: the answer is an
    export or a statistic and must never hold an identity.
    """
    method = method.lower()
    if method not in METHODS:
        raise ValueError(f"{url_name}: unknown method {method!r}")
    missing, unknown = set(ROLES) - set(roles), set(roles) - set(ROLES)
    if missing or unknown:
        raise ValueError(f"{url_name}: roles missing {sorted(missing)}, unknown {sorted(unknown)}")
    for role, outcome in roles.items():
        if outcome == 302 or not isinstance(outcome, int | Redirect):
            raise ValueError(f"{url_name} as {role}: give a status code, or Redirect(...) to say where a 302 goes")
    shown: bool | tuple[str, ...] = (
        shows_personal_data if isinstance(shows_personal_data, bool) else tuple(shows_personal_data)
    )
    if isinstance(shown, tuple):
        wrong = [role for role in shown if role not in ROLES or roles[role] not in SUCCESS]
        if wrong:
            raise ValueError(f"{url_name}: shows_personal_data names roles that do not get 200/201: {wrong}")
    if shown and export:
        raise ValueError(f"{url_name}: an export never shows personal data; choose one")
    expectation = Expectation(
        url_name=url_name,
        method=method,
        roles=dict(roles),
        kwargs=kwargs,
        data=data,
        content_type=content_type,
        registered_by=sys._getframe(1).f_globals.get("__name__", ""),
        shows_personal_data=shown,
        export=export,
    )
    previous = _registry.get(expectation.key)
    if previous is not None and previous.registered_by != expectation.registered_by:
        raise ValueError(
            f"{expectation} is registered twice: in {previous.registered_by} and in {expectation.registered_by}"
        )
    _registry[expectation.key] = expectation
    return expectation


def register_objects(builder: ObjectsBuilder) -> ObjectsBuilder:
    """Objects holding personal data that the module's pages may show the matrix's users (see ``Actors``).

    The personal-data walks call every registered builder before each request, so every page is requested with
    something to show, and whatever person it shows must be audited (and must not appear on a public page, an
    export or a statistic). Usable as a decorator.
    """
    _objects[f"{builder.__module__}.{builder.__qualname__}"] = builder
    return builder


def registered_objects() -> list[ObjectsBuilder]:
    discover()
    return [_objects[name] for name in sorted(_objects)]


def _app_packages() -> list[str]:
    """The installed vegvis apps, and vegvis.api: no app, but it holds the API's own endpoints (as api/main.py
    mounts ``core_api`` itself)."""
    return ["vegvis.api"] + [c.name for c in apps.get_app_configs() if c.name.startswith("vegvis.")]


def _import_if_present(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and (name == error.name or name.startswith(error.name + ".")):
            return None  # the app has no such module (or no tests package)
        raise


def discover() -> None:
    """Import ``tests/access_expectations`` of every installed vegvis app (as api/main.py finds ``api`` modules)."""
    for package in _app_packages():
        _import_if_present(f"{package}.tests.access_expectations")


def registered() -> list[Expectation]:
    discover()
    return sorted(_registry.values(), key=lambda e: e.key)


def outcome_problem(response: HttpResponseBase, expected: Outcome) -> str | None:
    """Why the response is not the expected outcome, or None when it is."""
    if isinstance(expected, Redirect):
        location = response.get("Location", "")
        if response.status_code != 302 or not expected.matches(location):
            return f"expected {expected} ({expected.path}), got {response.status_code} {location}".rstrip()
        return None
    if response.status_code != expected:
        location = response.get("Location", "")
        return f"expected {expected}, got {response.status_code} {location}".rstrip()
    return None


# Walking the URL configuration.


@dataclass(frozen=True)
class Route:
    path: str  # the pattern as written, e.g. "/konto/api-nokler/<int:pk>/trekk-tilbake/"
    name: str | None  # with namespaces, e.g. "accounts:api_token_revoke"
    callback: Callable[..., Any]
    namespaces: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.path} ({self.name or 'no name'}) → {_describe(self.callback)}"


def _describe(view: Callable[..., Any]) -> str:
    """The view's own dotted name, behind decorators, partials and as_view()."""
    target: Any = view
    while not hasattr(target, "view_class"):
        inner = target.func if isinstance(target, partial) else getattr(target, "__wrapped__", None)
        if inner is None:
            break
        target = inner
    target = getattr(target, "view_class", target)
    return f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', repr(target))}"


def routes(resolver: URLResolver | None = None) -> list[Route]:
    """Every URL pattern reachable from the resolver (the project's by default), includes followed."""
    return list(_walk(resolver or get_resolver(), "/", ()))


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        path = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, path, inner)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            yield Route(path=path, name=name, callback=entry.callback, namespaces=namespaces)


@dataclass(frozen=True)
class ApiOperation:
    url_name: str  # with the API's namespace, e.g. "api-v1:me"
    methods: tuple[str, ...]  # lower case
    path: str
    view_func: Callable[..., Any]

    def __str__(self) -> str:
        methods = "/".join(m.upper() for m in self.methods)
        return f"{methods} {self.path} ({self.url_name}) → {_describe(self.view_func)}"


def api_operations(api: NinjaAPI) -> list[ApiOperation]:
    """Every operation of every router mounted on the API (nested routers included)."""
    api.urls  # noqa: B018  (building the URLs binds nested routers, which lists them in ``_routers``)
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                name = getattr(operation, "url_name", None) or api.get_operation_url_name(operation, router=router)
                found.append(
                    ApiOperation(
                        url_name=f"{api.urls_namespace}:{name}",
                        methods=tuple(m.lower() for m in operation.methods),
                        path=f"{prefix.rstrip('/')}/{path.lstrip('/')}",
                        view_func=operation.view_func,
                    )
                )
    return found


def _is_ninja_root(callback: Callable[..., Any]) -> bool:
    """ninja's API root view: it only ever answers 404, and ninja needs it to reverse the API's base path."""
    from ninja.openapi.views import default_home

    return isinstance(callback, partial) and callback.func is default_home


def views_without_rule(all_routes: list[Route], *, api: NinjaAPI, admin_site: VegvisAdminSite) -> list[str]:
    """Descriptions of the views that declare no access rule.

    Views under the administration site are governed by the site's own rule (``admin_site.access_permission``),
    as long as every model admin defers to it. The API's operation views are checked operation by operation.
    """
    from vegvis.core.admin_site import AdministerOnly

    problems = []
    operations = api_operations(api)
    operation_names = {op.url_name for op in operations}
    for route in all_routes:
        if rule_of(route.callback) is not None:
            continue
        if admin_site.name in route.namespaces:
            continue
        if api.urls_namespace in route.namespaces and (route.name in operation_names or _is_ninja_root(route.callback)):
            continue
        problems.append(f"view without access rule: {route}")
    for operation in operations:
        if rule_of(operation.view_func) is None:
            problems.append(f"API operation without access rule: {operation}")
    if not getattr(admin_site, "access_permission", ""):
        problems.append(f"the administration site {admin_site.name} declares no access_permission")
    for model, model_admin in admin_site._registry.items():
        if not isinstance(model_admin, AdministerOnly):
            problems.append(
                f"model admin {type(model_admin).__qualname__} for {model._meta.label} does not defer to the "
                f"administration site's rule (make it an AdministerOnly)"
            )
    return problems


def missing_expectations(
    all_routes: list[Route],
    expectations: list[Expectation],
    *,
    api: NinjaAPI,
    admin_site: VegvisAdminSite,
) -> list[str]:
    """URLs and API operations that no module has registered an expectation for, and stale expectations."""
    problems = []
    registered_names = {e.url_name for e in expectations}
    registered_keys = {e.key for e in expectations}
    operations = api_operations(api)
    operation_names = {op.url_name for op in operations}
    known_names = set()
    for route in all_routes:
        if route.name:
            known_names.add(route.name)
        if admin_site.name in route.namespaces and route.name != f"{admin_site.name}:index":
            continue  # the site's rule covers its pages; its index stands for them in the matrix
        if route.name is None:
            problems.append(f"URL without a name, so no expectation can be registered for it: {route}")
            continue
        if route.name in operation_names:
            continue  # checked per method below
        if route.name not in registered_names:
            problems.append(f"no access expectation registered for {route}")
    for operation in operations:
        for method in operation.methods:
            if (operation.url_name, method) not in registered_keys:
                problems.append(
                    f"no access expectation registered for {method.upper()} {operation.path} ({operation.url_name})"
                )
    for expectation in expectations:
        if expectation.url_name not in known_names:
            problems.append(f"expectation for a URL name that does not exist: {expectation}")
    return problems
