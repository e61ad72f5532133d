"""A file's bytes from anywhere, as the pipeline takes them: a folder, a git commit, a test."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

POLICIES_FILE = "_policies.yml"


@dataclass(frozen=True, slots=True)
class Source:
    """One file's bytes, from anywhere: a folder, a git commit, a test's string."""

    name: str  # how problems name the file: "projects/acme-bakery.md"
    data: bytes

    @property
    def id(self) -> str:
        """The engagement's id: its file name without `.md`."""
        return posixpath.splitext(posixpath.basename(self.name))[0]

    @classmethod
    def of(cls, name: str, text: str) -> Source:
        """A source from text (tests, scripts): encoded as the file would be, in UTF-8."""
        return cls(name, text.encode("utf-8"))
