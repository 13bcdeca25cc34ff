from django.urls import path

from vegvis.earlyaccess import views

app_name = "earlyaccess"

urlpatterns = [
    path("tidlig-tilgang/", views.public_programmes, name="public"),
    path("tidlig-tilgang/programmer/", views.programmes, name="programmes"),
    path("tidlig-tilgang/programmer/ny/", views.programme_new, name="programme_new"),
    path("tidlig-tilgang/programmer/<int:pk>/", views.programme, name="programme"),
    path("tidlig-tilgang/programmer/<int:pk>/endre/", views.programme_edit, name="programme_edit"),
    path("tidlig-tilgang/programmer/<int:pk>/avtale/", views.agreement_new, name="agreement_new"),
    path("tidlig-tilgang/programmer/<int:pk>/fritak/", views.exemption_new, name="exemption_new"),
    path("tidlig-tilgang/pasienter/", views.worklist, name="worklist"),
    path("tidlig-tilgang/pasienter/ny/", views.treatment_start, name="treatment_start"),
    path("tidlig-tilgang/pasienter/<int:pk>/", views.treatment, name="treatment"),
    path("tidlig-tilgang/pasienter/<int:pk>/stopp/", views.treatment_stop, name="treatment_stop"),
    path("tidlig-tilgang/utprovende/", views.experimental_list, name="experimental_list"),
    path("tidlig-tilgang/utprovende/ny/", views.experimental_new, name="experimental_new"),
    path("tidlig-tilgang/utprovende/<int:pk>/", views.experimental, name="experimental"),
    path("tidlig-tilgang/utprovende/<int:pk>/avslutt/", views.experimental_end, name="experimental_end"),
    path("tidlig-tilgang/utprovende/<int:pk>/hendelse/", views.adverse_event_new, name="adverse_event_new"),
    path("tidlig-tilgang/utprovende/<int:pk>/evaluering/", views.evaluation_new, name="evaluation_new"),
    path("tidlig-tilgang/utprovende/<int:pk>/kostnad/", views.cost_new, name="cost_new"),
    path("tidlig-tilgang/oversikt/", views.overview_page, name="overview"),
    path("tidlig-tilgang/oversikt/<slug:code>/<int:year>.<str:fmt>", views.overview_download, name="overview_download"),
]
