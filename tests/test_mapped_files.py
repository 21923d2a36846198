"""The zero-copy reader behaves like the BytesIO whoosh would otherwise copy into."""

from __future__ import annotations

import io
import pickle

from hypothesis import given
from hypothesis import strategies as st

from index.backend.whoosh.fastpath.mapped_files import MappedBufferFile, MappedStream
from index.engine import Engine

operations = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("seek"), st.integers(0, 60)),
        st.tuples(st.just("skip"), st.integers(-5, 5)),
    ),
    max_size=30,
)


@given(data=st.binary(max_size=50).map(lambda b: b.replace(b"x", b"\n")), ops=operations)
def test_reads_like_bytesio(data: bytes, ops: list[tuple[str, int]]) -> None:
    mapped, copied = MappedStream(memoryview(data)), io.BytesIO(data)
    for name, value in ops:
        if name == "skip":
            if copied.tell() + value < 0:
                continue
            assert mapped.seek(value, 1) == copied.seek(value, 1)
        elif name == "seek":
            assert mapped.seek(value) == copied.seek(value)
        else:
            assert getattr(mapped, name)(value) == getattr(copied, name)(value)
        assert mapped.tell() == copied.tell()


def test_pickles_load_through_it() -> None:
    payload = {"terms": ["a\nb", "c"], "n": 3}
    stream = MappedStream(memoryview(pickle.dumps(payload) + b"tail"))
    assert pickle.load(stream) == payload  # type: ignore[arg-type]
    assert stream.read() == b"tail"


def test_an_open_index_reads_through_the_map(fixture_engine: Engine) -> None:
    assert fixture_engine.search("dockworkers", 5).hits
    whoosh_searcher = fixture_engine._store.searcher()._searcher
    for segment_reader, _ in whoosh_searcher.reader().leaf_readers():
        assert isinstance(segment_reader._terms._dbfile, MappedBufferFile)
