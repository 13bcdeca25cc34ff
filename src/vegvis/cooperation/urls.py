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
