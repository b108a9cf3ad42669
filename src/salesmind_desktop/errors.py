"""User-facing errors: each says what happened and how to fix it.

Code that detects bad input (corrupt audio, missing model, broken config, unreachable CRM) raises
a subclass of `SalesMindError`; the CLI prints `error: <message>` and `fix: <hint>` and exits
with `exit_code` instead of a traceback. The UI shows the same two lines.
"""

from __future__ import annotations


class SalesMindError(Exception):
    exit_code = 1

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}\nfix: {self.fix}" if self.fix else self.message


class AudioInputError(SalesMindError):
    """An audio file or device that cannot be read."""

    exit_code = 2


class ModelError(SalesMindError):
    """A model that is missing, corrupt or does not match its manifest."""

    exit_code = 3


class ConfigError(SalesMindError):
    """A settings or policy file that cannot be used."""

    exit_code = 4


class CrmError(SalesMindError):
    """The CRM could not be reached or refused the request."""

    exit_code = 5
