"""The one error type the service layer raises for refused actions, with field-level messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ServiceError(Exception):
    """An action was refused: nothing was written.

    ``errors`` names each offending field with a translated reason; ``code`` tells the kind of refusal
    (``invalid``, ``forbidden``, ``not_found``, ``conflict``) so callers can react without parsing text.
    """

    def __init__(self, errors: list[FieldError] | FieldError | str, code: str = "invalid") -> None:
        if isinstance(errors, str):
            errors = [FieldError("", errors)]
        elif isinstance(errors, FieldError):
            errors = [errors]
        self.errors: list[FieldError] = list(errors)
        self.code = code
        super().__init__("; ".join(str(e) if e.field else e.message for e in self.errors))

    def for_field(self, field: str) -> list[str]:
        return [e.message for e in self.errors if e.field == field]


class PermissionDenied(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="forbidden")
