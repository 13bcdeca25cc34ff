"""Reference data and the caller's own identity."""

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Router, Schema

from vegvis.access.rules import api_logged_in, principal
from vegvis.core.models import Office, Region

router = Router(tags=[gettext_noop("reference data")])


class RegionOut(Schema):
    code: str
    name: str


class OfficeOut(Schema):
    code: str
    name: str
    regions: list[str]


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]


@router.get("/me", response=MeOut, summary=gettext_noop("Who am I"))
@api_logged_in
def me(request: HttpRequest) -> MeOut:
    who = principal(request)
    user = who.user
    assert user is not None
    return MeOut(username=user.get_username(), name=user.display_name, roles=who.role_codes)


@router.get("/regions", response=list[RegionOut], summary=gettext_noop("Regional health authorities"))
@api_logged_in
def regions(request: HttpRequest) -> list[RegionOut]:
    return [RegionOut(code=r.code, name=r.name) for r in Region.objects.all()]


@router.get(
    "/offices", response=list[OfficeOut], summary=gettext_noop("Treatment-abroad offices and the regions they handle")
)
@api_logged_in
def offices(request: HttpRequest) -> list[OfficeOut]:
    return [
        OfficeOut(code=o.code, name=o.name, regions=[r.code for r in o.regions.all()])
        for o in Office.objects.prefetch_related("regions")
    ]
