"""Read whoosh's memory-mapped segment files without copying them into memory.

whoosh maps each segment file and hands out its parts as `BufferFile`s, but a
BufferFile wraps its part in `io.BytesIO(buffer)`, which copies it: opening a 10,000
article index copied its 180 MB of postings and terms into the heap (0.5 s, and most of
the app's memory). `MappedBufferFile` reads the same bytes straight from the map, so
only the pages a search touches are loaded, and the kernel can drop them again.
"""

from __future__ import annotations

from typing import Any

from whoosh.filedb import compound, structfile


class MappedStream:
    """The part of a file object that whoosh's StructFile uses, over a memoryview."""

    __slots__ = ("_position", "_view")

    def __init__(self, view: Any) -> None:
        self._view = memoryview(view)
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        if start >= len(self._view):
            return b""  # past the end, like a file: nothing read, position kept
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = end
        return bytes(self._view[start:end])

    def readline(self, size: int | None = -1) -> bytes:
        # pickle.load() needs readline; whoosh's pickles rarely contain newlines
        start = self._position
        if start >= len(self._view):
            return b""
        limit = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        end = start
        while end < limit:
            chunk = bytes(self._view[end : min(end + 4096, limit)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        self._position = end
        return bytes(self._view[start:end])

    def seek(self, position: int, whence: int = 0) -> int:
        if whence == 1:
            position += self._position
        elif whence == 2:
            position += len(self._view)
        self._position = position
        return position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._view.release()


class MappedBufferFile(structfile.BufferFile):
    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = MappedStream(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False


def install() -> None:
    """Make whoosh's compound (segment) storage hand out MappedBufferFiles. Idempotent;
    called explicitly by the whoosh backend (IndexStore.__init__, before it opens any
    index), never as a side effect of an import."""
    compound.BufferFile = MappedBufferFile
    structfile.BufferFile = MappedBufferFile
