"""Parsing the no-JS form without ever writing plaintext to disk (S9).

Werkzeug spools uploaded files above 500 KB to a temporary file by default; the intake's
request class keeps every file part in memory instead, under one cap for the whole form, so a
report typed without JavaScript exists only in this process's memory until it is sealed.
"""

from __future__ import annotations

import io

from flask import Request

from intake.errors import TooLarge


class CappedMemoryFile(io.BytesIO):
    """An in-memory file part that refuses to grow past the request's remaining budget."""

    def __init__(self, budget: list[int]) -> None:
        super().__init__()
        self._budget = budget

    def write(self, data) -> int:  # type: ignore[override]
        self._budget[0] -= len(data)
        if self._budget[0] < 0:
            raise TooLarge("files are larger than the site accepts without JavaScript")
        return super().write(data)

    def wipe(self) -> None:
        """Overwrite the buffer before it is freed (best effort in Python)."""
        view = self.getbuffer()
        view[:] = bytes(len(view))
        view.release()


class IntakeRequest(Request):
    # Set by the no-JS view before it touches the form; 0 refuses any file part elsewhere.
    file_budget_bytes = 0
    max_form_memory_size = 2 * 1024 * 1024
    max_form_parts = 200

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        budget = getattr(self, "_file_budget", None)
        if budget is None:
            budget = self._file_budget = [self.file_budget_bytes]
        return CappedMemoryFile(budget)
