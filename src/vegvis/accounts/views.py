from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from vegvis.access.rules import current_user, logged_in, principal, public
from vegvis.accounts import services
from vegvis.accounts.forms import ApiTokenForm, LoginForm, OwnPasswordChangeForm, TokenForm
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


def _may_enrol(request: HttpRequest) -> bool:
    """Enrolling a device is allowed for a user without a confirmed one (first enrolment, or after an
    administrator's reset removed them) or in a session already past the second factor (replacing the app).

    Never for a user who has a device but has only given the password: that would let a stolen password
    replace the second factor (docs/security.md, "second factor bypassed by enrolment").
    """
    user = request.user
    if getattr(user, "is_verified", None) and user.is_verified():  # type: ignore[union-attr]
        return True
    return not TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not (
        StaticDevice.objects.filter(user=user, confirmed=True).exists()
    )


@logged_in
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code, then prove it works with one code."""
    if not _may_enrol(request):
        messages.info(request, _("Enter the code from your authenticator app before you set up a new one."))
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': _safe_next(request)})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.otp_device_confirm(actor=principal(request), device=device)
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
            actor=who,
            user=current_user(request),
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            lifetime_days=form.cleaned_data["lifetime_days"],
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(
        user=current_user(request), revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_key": new_key,
            "default_days": ApiToken.DEFAULT_LIFETIME_DAYS,
            "max_days": ApiToken.MAX_LIFETIME_DAYS,
        },
    )


@logged_in
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password: the current one first, then the new one twice. The session stays."""
    user = current_user(request)
    form = OwnPasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_password_change(
            actor=principal(request), user=user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html", {"form": form})


@logged_in
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=current_user(request), revoked_at__isnull=True)
    if request.method == "POST":
        services.api_token_revoke(actor=principal(request), token=token)
        messages.success(request, _("The token was revoked."))
    return redirect("accounts:api_tokens")
