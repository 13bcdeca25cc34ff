from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from vegvis.accounts.models import ApiToken


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or password is wrong. Both are case sensitive."),
        "inactive": _("This account has been deactivated."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )


class ApiTokenForm(forms.Form):
    LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))]

    name = forms.CharField(label=_("What the token is for"), max_length=100)
    scope = forms.ChoiceField(
        label=_("What the token may do"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=_("A read-only token can fetch data but cannot change anything."),
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=LIFETIMES,
        coerce=int,
        initial=ApiToken.DEFAULT_LIFETIME_DAYS,
        help_text=_("The token stops working after this; make a new one then."),
    )


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form for changing one's own password, with Norwegian labels and messages."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("The current password is wrong. Enter it again."),
        "password_mismatch": _("The two new passwords are not the same."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")

    def save(self, commit: bool = True) -> Any:
        raise NotImplementedError("The view saves through services.user_password_change, which audits it")
