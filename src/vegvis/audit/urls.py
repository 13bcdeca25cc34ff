from django.urls import path

from vegvis.audit import views

app_name = "audit"

urlpatterns = [
    path("personer/<int:person_id>/", views.person_log, name="person_log"),
    path("kontroller/", views.verify, name="verify"),
]
