"""Errors the service layer raises; the views map each to one HTTP answer."""

from __future__ import annotations

from ..domain.intake import InvalidReport
from ..domain.workflow import InvalidTransition, NotPermitted

__all__ = [
    "Conflict",
    "InvalidInput",
    "InvalidReport",
    "InvalidTransition",
    "NotFound",
    "NotPermitted",
    "ServiceError",
]


class ServiceError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """No such thing, or not in the caller's scope (the same, on purpose)."""


class Conflict(ServiceError):
    """Someone else changed the ticket first; reload and try again."""


class InvalidInput(ServiceError):
    """Input failed validation; ``errors`` names the fields."""

    def __init__(self, errors: dict[str, str], status: int = 422) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.status = status
