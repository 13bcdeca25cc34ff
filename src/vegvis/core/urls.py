from django.urls import path

from vegvis.core import views

app_name = "core"

urlpatterns = [
    path("", views.root, name="root"),
    path("hjem/", views.home, name="home"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]
