"""Errors that services raise for people: the message is Russian and shown as is."""


class DomainError(Exception):
    """A rule refused the action. `field` names the form field the message belongs to."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotFound(DomainError):
    """The object does not exist *for this actor*: other people's cases and files are
    answered exactly like missing ones (404), so their existence is not leaked."""

    def __init__(self, message: str = "Не найдено."):
        super().__init__(message, code="not_found")
