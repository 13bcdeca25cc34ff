from django.urls import path

from vegvis.consultations import views

app_name = "consultations"

urlpatterns = [
    path("horinger/sekretariat/", views.worklist, name="worklist"),
    path("horinger/sekretariat/ny/", views.consultation_new, name="consultation_new"),
    path("horinger/sekretariat/<int:pk>/", views.consultation, name="consultation"),
    path("horinger/sekretariat/<int:pk>/endre/", views.consultation_edit, name="consultation_edit"),
    path("horinger/sekretariat/<int:pk>/steg/<slug:event>/", views.consultation_step, name="consultation_step"),
    path("horinger/sekretariat/<int:pk>/avsnitt/ny/", views.section_edit, name="section_new"),
    path("horinger/sekretariat/<int:pk>/avsnitt/<int:section>/", views.section_edit, name="section_edit"),
    path("horinger/sekretariat/<int:pk>/innledning/", views.introduction_edit, name="introduction_edit"),
    path("horinger/sekretariat/<int:pk>/dokument/ny/", views.issuer_document_add, name="issuer_document_add"),
    path("horinger/sekretariat/<int:pk>/svar.pdf", views.response_pdf, name="response_pdf"),
    path("horinger/sekretariat/<int:pk>/svar.docx", views.response_docx, name="response_docx"),
    path("horinger/sekretariat/<int:pk>/innspill.xlsx", views.register_xlsx, name="register_xlsx"),
    path("horinger/sekretariat/innspill/<int:pk>/bruk/", views.input_use, name="input_use"),
    path("horinger/<int:pk>/dokument/<int:document_pk>/", views.document_file, name="document_file"),
    path("horinger/mine/", views.body_list, name="body_list"),
    path("horinger/mine/<int:pk>/", views.body_consultation, name="body_consultation"),
    path("horinger/", views.public_list, name="public"),
    path("horinger/<int:pk>/", views.public_detail, name="public_detail"),
    path("horinger/<int:pk>/vedlegg/<int:document_pk>/", views.public_attachment, name="public_attachment"),
]
