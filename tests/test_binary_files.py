"""Which files are text: decided on the first 8 KiB as a user would. A stray NUL or
control byte in a text file leaves it text (its words searchable, shown inert); images,
archives, random bytes and UTF-16 stay out."""

from __future__ import annotations

import gzip
import io
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from index.corpus.files import binary_reason
from index.engine import Engine

SUMMIT = shutil.which("summit", path=str(Path(sys.executable).parent)) or "summit"
STORY = "Harbour story\nPORTVILLE — The harbour flooded on Tuesday, officials said.\n" * 20


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("story.txt", STORY)
    return buffer.getvalue()


def _random_bytes(seed: int = 7, size: int = 8192) -> bytes:
    return random.Random(seed).randbytes(size)


BINARY = {
    "random bytes": _random_bytes(),
    "random bytes without NUL": _random_bytes(8).replace(b"\x00", b"\x01"),
    "PNG": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + _random_bytes(1, 2000),
    "JPEG": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01" + _random_bytes(2, 2000),
    "zip": _zip_bytes(),
    "gzip": gzip.compress(STORY.encode() * 5),
    "UTF-16 with BOM": STORY.encode("utf-16"),
    "UTF-16-LE": STORY.encode("utf-16-le"),
    "UTF-16-BE": STORY.encode("utf-16-be"),
    "Latin-1 with a NUL": "Café crème\x00 on Tuesday\n".encode("latin-1") * 10,
    "mostly control bytes, valid UTF-8": b"\x00\x01binary now",
}

TEXT = {
    "a stray NUL": (STORY[:200] + "\x00" + STORY[200:]).encode(),
    "a stray BEL and DEL": (STORY[:300] + "\x07\x7f" + STORY[300:]).encode(),
    "terminal colours": f"\x1b[31m{STORY}\x1b[0m".encode(),
    "form feeds and CRLF": STORY.replace("\n", "\r\n\f").encode(),
    "a NUL before a character cut at 8 KiB": b"\x00" + b"a" * 8190 + "é".encode(),
    "Windows-1252 text": STORY.encode("cp1252"),
    "empty": b"",
}


@pytest.mark.parametrize("data", BINARY.values(), ids=BINARY.keys())
def test_binary_files_stay_out(data: bytes) -> None:
    assert binary_reason(data[:8192]) is not None


@pytest.mark.parametrize("data", TEXT.values(), ids=TEXT.keys())
def test_text_with_stray_control_bytes_comes_in(data: bytes) -> None:
    assert binary_reason(data[:8192]) is None


def test_a_stray_nul_leaves_the_article_searchable_and_inert_on_screen(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "nul.txt").write_bytes(
        b"Quarry report\nSTONEHAM \xe2\x80\x94 The quarry\x00 reopened on Monday.\n"
    )
    (articles / "bell.txt").write_bytes(b"Bell report\nSTONEHAM - The belfry\x07 rang.\n")
    (articles / "utf16.txt").write_bytes("Ferry report\nThe ferry sailed.\n".encode("utf-16"))
    (articles / "picture.txt").write_bytes(BINARY["PNG"])
    engine = Engine(articles, tmp_path / "index")
    report = engine.open()
    assert report.added == 2
    assert {hit.article_id for hit in engine.search("quarry").hits} == {"nul"}
    assert {hit.article_id for hit in engine.search("belfry").hits} == {"bell"}
    skipped = [w for w in engine.warnings if "binary" in w]
    assert sorted(w.split(":")[0] for w in skipped) == ["skipped picture.txt", "skipped utf16.txt"]
    engine.close()
    shown = subprocess.run(
        [SUMMIT, "show", "nul", "--articles", str(articles), "--index-dir", str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "quarry\u2400 reopened" in shown.stdout  # ␀: visible, never the byte itself
    assert "\x00" not in shown.stdout
