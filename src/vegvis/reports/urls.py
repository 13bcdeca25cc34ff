from django.urls import path

from vegvis.reports import views

app_name = "reports"

urlpatterns = [
    path("rapporter/aarsrapport/", views.annual_index, name="annual_index"),
    path("rapporter/aarsrapport/<int:year>/", views.annual, name="annual"),
    path("rapporter/aarsrapport/<int:year>/figur/<slug:name>.svg", views.annual_figure, name="annual_figure"),
    path("rapporter/aarsrapport/<int:year>/last-ned/<slug:kind>/", views.annual_download, name="annual_download"),
    path("rapporter/aarsrapport/<int:year>/tekst/<slug:section>/", views.narrative_edit, name="narrative_edit"),
    path("rapporter/statistikk/", views.statistics, name="statistics"),
    path("import/saker/", views.case_import, name="case_import"),
    path("import/saker/<str:token>/", views.case_import_preview, name="case_import_preview"),
]
