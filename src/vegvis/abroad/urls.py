from django.urls import path

from vegvis.abroad import views

app_name = "abroad"

urlpatterns = [
    path("utland/", views.worklist, name="worklist"),
    path("utland/sok/", views.search, name="search"),
    path("utland/saker/ny/", views.case_new, name="case_new"),
    path("utland/saker/<int:pk>/", views.case_detail, name="case"),
    path("utland/saker/<int:pk>/saksbehandler/", views.case_reassign, name="case_reassign"),
    path("utland/saker/<int:pk>/rett-opp/", views.case_correct, name="case_correct"),
    path("utland/saker/<int:pk>/steg/<slug:event>/", views.case_action, name="case_action"),
    path("utland/saker/<int:pk>/oppfolging/<slug:what>/", views.case_follow_up, name="case_follow_up"),
    path("utland/saker/<int:pk>/faktura/<int:expense_pk>/oppgjort/", views.expense_settle, name="expense_settle"),
    path("utland/saker/<int:pk>/faktura/<int:expense_pk>/attester/", views.expense_attest, name="expense_attest"),
    path("utland/saker/<int:pk>/faktura/<int:expense_pk>/rett/", views.expense_correct, name="expense_correct"),
    path("utland/saker/<int:pk>/opphold/<int:note_pk>/lost/", views.stay_note_resolve, name="stay_note_resolve"),
    path("utland/saker/<int:pk>/dokumenter/<int:document_pk>/", views.document_file, name="document_file"),
    path("utland/vurderinger/", views.adviser_assessments, name="adviser_assessments"),
    path("utland/vurderinger/<int:pk>/", views.assessment_answer, name="assessment_answer"),
    path("utland/metoder/", views.methods, name="methods"),
    path("utland/metoder/ny/", views.method_edit, name="method_new"),
    path("utland/metoder/<int:pk>/", views.method_edit, name="method_edit"),
    path("utland/brevmaler/", views.letter_templates, name="letter_templates"),
    path("utland/brevmaler/<int:pk>/", views.letter_template_edit, name="letter_template_edit"),
    path("utland/valutakurser/", views.exchange_rates, name="exchange_rates"),
    path("utland/nodtilgang/", views.emergency_access, name="emergency_access"),
    path("offentlig-journal/", views.public_journal, name="public_journal"),
]
