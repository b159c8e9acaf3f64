"""Errors that are the user's to fix.

A :class:`UserError` is a mistake in input (a parameter out of range, a missing
file, a malformed grammar...). The CLI prints its message as one line and exits
with code 2; anything else that escapes is a bug and keeps its traceback.
"""
from __future__ import annotations

import difflib
from typing import Iterable


class UserError(Exception):
    """A mistake in the user's input, reported as one clear line (exit code 2)."""

    exit_code = 2


class SketchError(UserError):
    """The sketch itself failed: syntax error, exception, or time limit."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest choice, or "" if none is close."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""
