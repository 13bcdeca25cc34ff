from django.urls import path

from vegvis.audit import views

app_name = "audit"

urlpatterns = [
    path("personer/<int:person_id>/", views.person_log, name="person_log"),
    path("kontroller/", views.verify, name="verify"),
    path("nodtilgang/", views.emergency_review_list, name="emergency_reviews"),
    path("nodtilgang/<int:pk>/", views.emergency_review, name="emergency_review"),
]
