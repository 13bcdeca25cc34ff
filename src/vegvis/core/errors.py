"""Domain errors that the web pages show next to the action and the API answers with a status code."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.field = field
        if code:
            self.code = code


class Conflict(DomainError):
    """The object changed under the caller, or the transition is not possible from its state."""

    status = 409
    code = "conflict"
