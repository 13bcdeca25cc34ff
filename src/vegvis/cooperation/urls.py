from django.urls import path

from vegvis.cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("samarbeid/", views.register, name="register"),
    path("samarbeid/ny/", views.agreement_new, name="agreement_new"),
    path("samarbeid/<int:pk>/", views.agreement, name="agreement"),
    path("samarbeid/<int:pk>/rett/", views.agreement_correct, name="agreement_correct"),
    path("samarbeid/<int:pk>/bekreft/", views.agreement_confirm, name="agreement_confirm"),
    path("samarbeid/<int:pk>/bestrid/", views.agreement_dispute, name="agreement_dispute"),
    path("samarbeid/<int:pk>/publiser/", views.agreement_publish, name="agreement_publish"),
    path("samarbeid/<int:pk>/dokument/<int:document_pk>/", views.agreement_document, name="agreement_document"),
    path("samarbeidsavtaler/", views.public_register, name="public"),
    path("samarbeidsavtaler/<int:year>/", views.public_register, name="public_year"),
    path("samarbeidsavtaler/<int:year>/avtaler.<str:fmt>", views.public_download, name="public_download"),
]

# A supplier's list of agreements from CSV or XLSX (import_views; the rules are importer's, as the command's).
from vegvis.cooperation import import_views  # noqa: E402

urlpatterns += [
    path("samarbeid/import/", import_views.agreement_import, name="import"),
    path("samarbeid/import/mal.xlsx", import_views.import_template, name="import_template"),
    path("samarbeid/import/<str:token>/", import_views.agreement_import_preview, name="import_preview"),
]

# The register administrator's pages (admin_views; the writes are administration's).
from vegvis.cooperation import admin_views  # noqa: E402

urlpatterns += [
    path("samarbeid/forvaltning/", admin_views.overview, name="admin_overview"),
    path("samarbeid/forvaltning/leverandor/<int:pk>/", admin_views.supplier, name="admin_supplier"),
    path("samarbeid/forvaltning/organisasjon/<int:pk>/", admin_views.organisation, name="admin_organisation"),
    path("samarbeid/forvaltning/tillitsverv/", admin_views.positions, name="admin_positions"),
    path("samarbeid/forvaltning/tillitsverv/ny/", admin_views.position_new, name="admin_position_new"),
    path("samarbeid/forvaltning/tillitsverv/<int:pk>/", admin_views.position_edit, name="admin_position"),
    path(
        "samarbeid/forvaltning/tillitsverv/<int:pk>/fjern/", admin_views.position_delete, name="admin_position_delete"
    ),
]
