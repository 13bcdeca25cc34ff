from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegvis.access.rules import current_user, logged_in, principal, public
from vegvis.accounts import services
from vegvis.accounts.forms import ApiTokenForm, LoginForm, TokenForm
from vegvis.accounts.models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = public(LoginView.as_view())
logout_view = public(auth_views.LogoutView.as_view())


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/hjem/"


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@logged_in
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code, then prove it works with one code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired. Try the newest code in the app."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": secret, "next": _safe_next(request)},
    )


@logged_in
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired. Try the newest code in the app."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@logged_in
def api_tokens(request: HttpRequest) -> HttpResponse:
    """A user's own API tokens; a new token's key is shown once."""
    who = principal(request)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_issue(
            actor=who, user=current_user(request), name=form.cleaned_data["name"]
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=current_user(request), revoked_at__isnull=True).order_by("-created_at")
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@logged_in
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=current_user(request), revoked_at__isnull=True)
    if request.method == "POST":
        services.api_token_revoke(actor=principal(request), token=token)
        messages.success(request, _("The token was revoked."))
    return redirect("accounts:api_tokens")
