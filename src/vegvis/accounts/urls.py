from django.urls import path

from vegvis.accounts import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.login_view, name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("tofaktor/oppsett/", views.otp_setup, name="otp_setup"),
    path("tofaktor/", views.otp_verify, name="otp_verify"),
    path("passord/", views.password_change, name="password_change"),
    path("api-nokler/", views.api_tokens, name="api_tokens"),
    path("api-nokler/<int:pk>/trekk-tilbake/", views.api_token_revoke, name="api_token_revoke"),
]
