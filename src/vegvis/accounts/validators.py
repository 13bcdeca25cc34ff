"""Password validators whose messages have a Norwegian translation.

Django 5.2's minimum-length message ("… at least %d characters.") has no match in its own Norwegian catalogue
(which still has the older "%(min_length)d" wording), so it showed in English on Norwegian pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "The password is too short. It must have at least %(min_length)d character.",
                    "The password is too short. It must have at least %(min_length)d characters.",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_too_short",
                params={"min_length": self.min_length},
            )
