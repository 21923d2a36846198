"""The folder, or folders, one corpus is made of, and the one rule naming a file in it.

One folder: a file's name is its path relative to that folder (`world/floods.md`), as
it always was. Several folders (`--articles wire --articles archive`): each gets a label,
its folder's name (made unique with `-2`, `-3`, … in path order), and a file's name
starts with it (`wire/world/floods.md`). The one id rule (index.corpus.ids) then keeps
ids unique across folders, every result says which folder it came from, and the index,
timeline and duplicate grouping see one corpus, as a user searching them together means.

The folders are kept sorted by path: `--articles A --articles B` and `--articles B
--articles A` are the same corpus, with the same index and the same labels.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from index.corpus.files import discover_names
from index.errors import CorpusError


@dataclass(frozen=True, slots=True)
class Folders:
    """Articles folders (resolved, sorted, none inside another) and their labels."""

    paths: tuple[Path, ...]
    labels: tuple[str, ...]
    """"" for the one folder of a single-folder corpus: its names carry no label."""

    @classmethod
    def of(cls, folders: Iterable[Path]) -> Folders:
        """The corpus of these (checked, existing) folders. A folder given twice counts
        once; one inside another is a CorpusError (its articles would be indexed twice)."""
        paths = tuple(sorted({Path(folder).resolve() for folder in folders}))
        if not paths:
            raise CorpusError("no articles folder given")
        for outer in paths:
            for inner in paths:
                if outer != inner and outer in inner.parents:
                    raise CorpusError(
                        f"{inner} is inside {outer}: give one of them (its articles "
                        "would otherwise be indexed twice)"
                    )
        return cls(paths, _labels(paths))

    @property
    def several(self) -> bool:
        return len(self.paths) > 1

    @property
    def first(self) -> Path:
        """The one folder of a single-folder corpus (the first of several)."""
        return self.paths[0]

    def named(self) -> Iterator[tuple[str, Path]]:
        """(label, folder) pairs."""
        return zip(self.labels, self.paths, strict=True)

    def full(self, file: str) -> Path:
        """The path of the file named `file` in this corpus."""
        label, rest = self.split(file)
        return self.paths[self.labels.index(label)] / rest

    def split(self, file: str) -> tuple[str, str]:
        """(label, name inside its folder) of a file's name; CorpusError when the label
        names no folder of this corpus."""
        if not self.several:
            return "", file
        label, _, rest = file.partition("/")
        if label not in self.labels or not rest:
            raise CorpusError(f"{file} is in none of the articles folders")
        return label, rest

    def label_of(self, file: str) -> str | None:
        """The label of the folder holding `file`; None for a single-folder corpus."""
        return self.split(file)[0] if self.several else None

    def collection_of(self, file: str) -> str:
        """What `collection:` calls the folder holding `file`: its label, or the name of
        a single folder (as a database names the collection loaded from it)."""
        return self.split(file)[0] if self.several else (self.first.name or "articles")

    def name(self, label: str, relative: str) -> str:
        """The corpus name of a file named `relative` inside the folder labelled `label`."""
        return str(PurePosixPath(label, relative)) if label else relative

    def names(self, warnings: list[str] | None = None) -> Iterator[tuple[str, str]]:
        """Every article file as (full path, corpus name), folder by folder."""
        for label, folder in self.named():
            for full, relative in discover_names(folder, warnings):
                yield full, self.name(label, relative)

    def file_of(self, path: Path) -> str | None:
        """The corpus name of a path under one of the folders, else None."""
        for label, folder in self.named():
            if path == folder or folder in path.parents:
                return self.name(label, path.relative_to(folder).as_posix())
        return None

    @property
    def key(self) -> str:
        """The one name of this corpus on disk (its index and user data folders): a
        readable slug and a digest of the folders' full paths. A single folder keeps the
        name it always had."""
        joined = "\0".join(str(path) for path in self.paths)
        digest = hashlib.sha256(joined.encode()).hexdigest()[:12]
        names = (re.sub(r"[^A-Za-z0-9_.-]+", "-", path.name) for path in self.paths)
        slug = "+".join(names)[:40] or "articles"
        return f"{slug}-{digest}"

    def __str__(self) -> str:
        return ", ".join(str(path) for path in self.paths)


def _labels(paths: tuple[Path, ...]) -> tuple[str, ...]:
    """Each folder's name, unique (`news`, `news-2`); none for a single folder."""
    if len(paths) == 1:
        return ("",)
    labels: list[str] = []
    for path in paths:
        base = path.name or "articles"
        label, n = base, 2
        while label in labels:
            label, n = f"{base}-{n}", n + 1
        labels.append(label)
    return tuple(labels)
