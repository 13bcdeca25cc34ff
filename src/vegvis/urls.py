from django.urls import include, path
from django.views.i18n import set_language

from vegvis.access.rules import public
from vegvis.api.main import api
from vegvis.core.admin_site import admin_site

urlpatterns = [
    path("", include("vegvis.core.urls")),
    path("konto/", include("vegvis.accounts.urls")),
    path("", include("vegvis.abroad.urls")),
    path("", include("vegvis.reports.urls")),
    path("", include("vegvis.inquiries.urls")),
    path("revisjon/", include("vegvis.audit.urls")),
    path("api/v1/", api.urls),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("forvaltning/", admin_site.urls),
]
urlpatterns += [path("", include("vegvis.cooperation.urls")), path("", include("vegvis.consultations.urls"))]
urlpatterns += [path("", include("vegvis.earlyaccess.urls"))]
