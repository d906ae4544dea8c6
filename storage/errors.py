"""Errors the service functions raise; each message is fit to show the person."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that was refused; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    pass


class PermissionDenied(ServiceError):
    pass


class InvalidChange(ServiceError):
    pass


class DuplicateAction(ServiceError):
    pass
