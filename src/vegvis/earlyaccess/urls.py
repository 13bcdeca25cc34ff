from django.urls import path

app_name = "earlyaccess"

urlpatterns: list = []
