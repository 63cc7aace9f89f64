"""The zip package written anew from the one it replaces, at the cost of what changed.

A member the run does not change is copied as the bytes it is in the old file: local
header, compressed data and data descriptor, with its CRC and sizes; nothing is inflated or
deflated again (a 100,000-row sheet costs a copy of its 7 MB, not a second of zlib). A new
or changed member is deflated here, a big one in blocks on every core at once, each block
primed with the 32 KB before it as pigz does, so the result is one ordinary deflate stream
of about the size a single pass would give. The local headers and the central directory
are zipfile's own formats (zip64 where a size or an offset needs it), so what Excel,
LibreOffice, openpyxl and calamine open today they open the same way.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO

BLOCK = 1 << 22  # input bytes deflated by one thread at a time
WINDOW = 1 << 15  # deflate's window: the history a block may refer back to
_LIMIT = zipfile.ZIP64_LIMIT
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile's structCentralDir
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_END64_LOCATOR = struct.Struct("<4sLQL")


def _cores() -> int:
    """The cores this process may run on (macOS has no affinity call: every core)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class ZipWriter:
    """A new zip file at `path`, member by member; `close()` writes its central directory.
    Used as a context manager, a failure leaves a file that is no zip (the caller deletes it)."""

    def __init__(self, path: str | Path) -> None:
        self.f: IO[bytes] = open(path, "wb")  # closed by close()
        self.members: list[zipfile.ZipInfo] = []
        self._pool: ThreadPoolExecutor | None = None
        self._workers = max(1, min(8, _cores()))

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self._shut()

    # ------------------------------------------------------------------ members

    def copy(self, src: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
        """The member of `src` exactly as stored there; False (nothing written) when its local
        header is not where the central directory says, so the caller writes it anew."""
        assert src.fp is not None
        fd = src.fp.fileno()
        head = os.pread(fd, _LOCAL.size, info.header_offset)
        if len(head) < _LOCAL.size or head[:4] != zipfile.stringFileHeader:
            return False
        flags, name_length, extra_length = _LOCAL.unpack(head)[3], *_LOCAL.unpack(head)[10:]
        end = info.header_offset + _LOCAL.size + name_length + extra_length + info.compress_size
        if flags & zipfile._MASK_USE_DATA_DESCRIPTOR:
            extra = os.pread(fd, extra_length, info.header_offset + _LOCAL.size + name_length)
            wide = 16 if _has_zip64(extra) else 8  # the sizes in the descriptor
            signed = os.pread(fd, 4, end) == b"PK\x07\x08"
            end += (4 if signed else 0) + 4 + wide
        copy = _clone(info)
        copy.header_offset = self.f.tell()
        at = info.header_offset
        while at < end:
            data = os.pread(fd, min(end - at, BLOCK), at)
            if not data:
                raise zipfile.BadZipFile(f"{info.filename}: the file ends inside this member")
            self.f.write(data)
            at += len(data)
        self.members.append(copy)
        return True

    def write(self, info: zipfile.ZipInfo, data: bytes | Iterable[bytes], size: int) -> None:
        """A member holding `data` (bytes, or pieces adding up to `size` bytes), deflated
        unless `info` says stored; `info` gives its name, time, attributes and method."""
        out = zipfile.ZipInfo(info.filename, info.date_time)
        out.compress_type = zipfile.ZIP_STORED if info.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
        out.external_attr = info.external_attr or 0o600 << 16
        out.file_size = size
        out.CRC = 0  # the header is written again once the data is in
        zip64 = size * 1.05 > _LIMIT  # as zipfile decides it: the header keeps its length
        out.header_offset = self.f.tell()
        self.f.write(out.FileHeader(zip64))
        pieces = [data] if isinstance(data, bytes) else data
        crc = compressed = total = 0
        chunks = self._deflate(pieces) if out.compress_type == zipfile.ZIP_DEFLATED else None
        if chunks is None:
            for piece in pieces:
                crc = zlib.crc32(piece, crc)
                total += len(piece)
                self.f.write(piece)
            compressed = total
        else:
            for piece, raw in chunks:
                crc = zlib.crc32(raw, crc) if raw else crc
                total += len(raw)
                compressed += len(piece)
                self.f.write(piece)
        if total != size:
            raise ValueError(f"{info.filename}: {total} bytes written, {size} announced")
        out.CRC, out.compress_size = crc, compressed
        end = self.f.tell()
        self.f.seek(out.header_offset)
        self.f.write(out.FileHeader(zip64))
        self.f.seek(end)
        self.members.append(out)

    def _deflate(self, pieces: Iterable[bytes]) -> Iterator[tuple[bytes, bytes]]:
        """(deflated, raw) pairs in order: one raw-deflate stream over all the pieces. Up to
        two blocks per core are in flight; zlib lets go of the GIL while it works."""
        blocks = _blocks(pieces)
        first = next(blocks, None)
        if first is None:
            yield _end_block(), b""
            return
        second = next(blocks, None)
        if second is None:  # one block: one plain call
            yield _deflate(first, b"", final=True), first
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers)
        pending: deque[tuple[Future[bytes], bytes]] = deque()
        history = b""
        for block in _chain(first, second, blocks):
            pending.append((self._pool.submit(_deflate, block, history, False), block))
            history = block[-WINDOW:]
            while len(pending) > 2 * self._workers:
                done, raw = pending.popleft()
                yield done.result(), raw
        while pending:
            done, raw = pending.popleft()
            yield done.result(), raw
        yield _end_block(), b""

    # ------------------------------------------------------------------ the end

    def close(self) -> None:
        try:
            start = self.f.tell()
            for info in self.members:
                self.f.write(_central(info))
            end = self.f.tell()
            count, size = len(self.members), end - start
            if count > zipfile.ZIP_FILECOUNT_LIMIT or start > _LIMIT or size > _LIMIT:
                self.f.write(_END64.pack(zipfile.stringEndArchive64, 44, 45, 45, 0, 0, count, count, size, start))
                self.f.write(_END64_LOCATOR.pack(zipfile.stringEndArchive64Locator, 0, end, 1))
                count, size, start = min(count, 0xFFFF), min(size, 0xFFFFFFFF), min(start, 0xFFFFFFFF)
            self.f.write(_END.pack(zipfile.stringEndArchive, 0, 0, count, count, size, start, 0))
            self.f.flush()
        finally:
            self._shut()

    def _shut(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        self.f.close()


def _deflate(block: bytes, history: bytes, final: bool) -> bytes:
    """A block of a raw-deflate stream: primed with the input before it, ended on a byte
    boundary (a sync flush) so that the next block's bytes simply follow."""
    z = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15, zdict=history) if history else \
        zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return z.compress(block) + z.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


def _end_block() -> bytes:
    """An empty last block: what ends a stream of sync-flushed blocks."""
    z = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return z.flush(zlib.Z_FINISH)


def _blocks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The pieces regrouped into blocks of BLOCK bytes (the last one shorter)."""
    buf: list[bytes] = []
    held = 0
    for piece in pieces:
        if len(piece) >= BLOCK and not buf:
            view = memoryview(piece)
            whole = len(piece) - len(piece) % BLOCK
            for at in range(0, whole, BLOCK):
                yield bytes(view[at:at + BLOCK])
            piece = piece[whole:]
        buf.append(piece)
        held += len(piece)
        if held >= BLOCK:
            joined = b"".join(buf)
            whole = len(joined) - len(joined) % BLOCK
            for at in range(0, whole, BLOCK):
                yield joined[at:at + BLOCK]
            rest = joined[whole:]
            buf, held = ([rest], len(rest)) if rest else ([], 0)
    if held:
        yield b"".join(buf)


def _chain(first: bytes, second: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield second
    yield from rest


def _clone(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """The central directory's record of a copied member, as the old file had it."""
    copy = zipfile.ZipInfo.__new__(zipfile.ZipInfo)
    for slot in zipfile.ZipInfo.__slots__:
        if hasattr(info, slot):
            setattr(copy, slot, getattr(info, slot))
    return copy


def _has_zip64(extra: bytes) -> bool:
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == 1:
            return True
        at += 4 + length
    return False


def _strip_zip64(extra: bytes) -> bytes:
    out = []
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind != 1:
            out.append(extra[at:at + 4 + length])
        at += 4 + length
    return b"".join(out) + extra[at:]


def _central(info: zipfile.ZipInfo) -> bytes:
    """A central directory record, as zipfile writes one (its _write_end_record)."""
    dt = info.date_time
    dosdate = (dt[0] - 1980) << 9 | dt[1] << 5 | dt[2]
    dostime = dt[3] << 11 | dt[4] << 5 | (dt[5] // 2)
    wide = []
    file_size, compress_size, offset = info.file_size, info.compress_size, info.header_offset
    if file_size > _LIMIT or compress_size > _LIMIT:
        wide += [file_size, compress_size]
        file_size = compress_size = 0xFFFFFFFF
    if offset > _LIMIT:
        wide.append(offset)
        offset = 0xFFFFFFFF
    extra = _strip_zip64(info.extra)  # the old file's values, wherever they were needed
    min_version = 0
    if wide:
        extra = struct.pack("<HH" + "Q" * len(wide), 1, 8 * len(wide), *wide) + extra
        min_version = zipfile.ZIP64_VERSION
    name, flags = info._encodeFilenameFlags()
    record = _CENTRAL.pack(zipfile.stringCentralDir, max(min_version, info.create_version), info.create_system,
                           max(min_version, info.extract_version), info.reserved, flags, info.compress_type,
                           dostime, dosdate, info.CRC, compress_size, file_size, len(name), len(extra),
                           len(info.comment), 0, info.internal_attr, info.external_attr, offset)
    return record + name + extra + info.comment
