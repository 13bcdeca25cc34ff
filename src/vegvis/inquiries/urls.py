from django.urls import path

from vegvis.inquiries import views, views_letters

app_name = "inquiries"

urlpatterns = [
    path("henvendelser/", views.worklist, name="worklist"),
    path("henvendelser/ny/", views.inquiry_new, name="inquiry_new"),
    path("henvendelser/<int:pk>/", views.inquiry_detail, name="inquiry"),
    path("henvendelser/saker/<int:pk>/", views.case_detail, name="case"),
    path("henvendelser/saker/<int:pk>/fordel/", views.case_assign, name="case_assign"),
    path("henvendelser/saker/<int:pk>/steg/<slug:event>/", views.case_action, name="case_action"),
    path("henvendelser/saker/<int:pk>/dokumenter/<int:document_pk>/", views.document_file, name="document_file"),
    path("henvendelser/statistikk/", views.statistics_index, name="statistics_index"),
    path("henvendelser/statistikk/<int:year>/", views.statistics_page, name="statistics"),
    path("henvendelser/statistikk/<int:year>/figur/<slug:name>.svg", views.statistics_figure, name="statistics_figure"),
    path(
        "henvendelser/statistikk/<int:year>/last-ned/<slug:kind>/",
        views.statistics_download,
        name="statistics_download",
    ),
    path("pasientforening/<int:organisation>/henvendelse/", views.public_form, name="public_form"),
    path("pasientforening/<int:organisation>/henvendelse/kvittering/", views.public_receipt, name="public_receipt"),
]

# The desk's letters (views_letters): an association lead's letter templates.
urlpatterns += [
    path("henvendelser/brevmaler/", views_letters.letter_templates, name="letter_templates"),
    path(
        "henvendelser/brevmaler/<int:organisation>/<slug:kind>/<slug:language>/",
        views_letters.letter_template_edit,
        name="letter_template_edit",
    ),
]

# The deletion log of the desk's retention job: the association's lead (and the system administrator).
urlpatterns += [path("henvendelser/slettelogg/", views_letters.deletion_log, name="deletion_log")]
