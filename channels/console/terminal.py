"""Where the console reads and writes: a person at a prompt, or lines from a pipe or a script."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable


class Terminal:
    """Interactive (a person at a prompt): output arriving while the prompt waits goes on its own lines and
    the prompt is shown again, so replies and typing do not run into each other. Echoing (lines from a
    pipe or a script): each line is written after the prompt, so the output reads as a transcript.

    Thread-safe, so that output from elsewhere (a background task, a test) never cuts a line in two."""

    def __init__(self, write: Callable[[str], None], read_line: Callable[[str], str], *, echo: bool = False):
        self._write, self._read_line, self._echo = write, read_line, echo
        self._lock = threading.Lock()
        self._prompt: str | None = None

    @classmethod
    def scripted(cls, lines: Iterable[str], write: Callable[[str], None]) -> Terminal:
        """Reads `lines` (an open file, a list...) one by one and echoes them."""
        iterator = iter(lines)

        def read_line(_prompt: str) -> str:
            try:
                return next(iterator).rstrip("\r\n")
            except StopIteration:
                raise EOFError from None

        return cls(write, read_line, echo=True)

    def say(self, text: str) -> None:
        with self._lock:
            if self._prompt is not None:
                self._write("\n")
            self._write(text + "\n")
            if self._prompt is not None:
                self._write(self._prompt)

    def read(self, prompt: str) -> str:
        """The next line; EOFError at the end of input."""
        if self._echo:
            line = self._read_line(prompt)
            with self._lock:
                self._write(prompt + line + "\n")
            return line
        with self._lock:
            self._prompt = prompt
        try:
            return self._read_line(prompt)
        except EOFError:
            with self._lock:
                self._prompt = None
                self._write("\n")  # Ctrl-D leaves the cursor after the prompt
            raise
        finally:
            with self._lock:
                self._prompt = None
