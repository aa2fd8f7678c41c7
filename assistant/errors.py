"""One error shape: what went wrong and what to do, in plain language."""

from __future__ import annotations


class UserError(Exception):
    """An error a person can act on; `message` is shown as is, details go to the log."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class DataError(UserError):
    """The data (a file to load, or the database) is missing or not usable."""


class ParameterError(UserError):
    """A metric was asked for with a value it cannot take."""


class QueryTimeout(UserError):
    """A metric query ran over its time limit."""
