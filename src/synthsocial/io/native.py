"""Files handed to native code are checked first: a damaged file is one line, never a crash.

llama.cpp reads a GGUF model or LoRA adapter with little checking of its own: a truncated
adapter crashed it with a segmentation fault (issue 32). Arrow's Parquet reader and scipy's
MATLAB reader raise on most damage, but a check of the file's frame first gives the same one-line
message for every reader. Each check raises :class:`~synthsocial.errors.InputError` naming the
file and what is wrong with it:

* :func:`check_gguf`: the GGUF magic and version, every key, value and tensor description of
  the header, and every tensor's data inside the file (the header is walked here, with the type
  sizes of the ``gguf`` package, llama.cpp's own: its reader, ``GGUFReader``, builds every value
  and took 26 s on the embedded Gemma model, whose vocabulary is 262,144 strings);
* :func:`check_parquet`: the ``PAR1`` magic at both ends (``PARE`` for an encrypted footer) of
  a file, or of every part of a partitioned table;
* :func:`check_mat`: the MATLAB 5 header (version 7.3 files are HDF5, which scipy does not read).

Where synthsocial wrote the file, its recorded SHA-256 is checked by the caller too
(io/ownership.py for our directories, the model cache in posts/backends/embedded.py).
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path

from ..errors import InputError


def _head_tail(path: Path, n: int) -> tuple[bytes, bytes, int]:
    try:
        with path.open("rb") as fh:
            head = fh.read(n)
            size = fh.seek(0, 2)
            fh.seek(max(0, size - n))
            tail = fh.read(n)
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror or exc}") from None
    return head, tail, size


def check_gguf(path: str | Path, what: str = "model") -> None:
    """Refuse ``path`` unless it is a complete GGUF file (``what``: "model" or "adapter", for the message): its
    header, every key and value, every tensor's description, and every tensor's data inside the file."""
    p = Path(path)
    head, _, size = _head_tail(p, 8)
    if size < 24 or head[:4] != b"GGUF":
        raise InputError(f"{p}: not a GGUF {what} file ({size:,} bytes, no GGUF header); it is damaged or not one")
    version = struct.unpack("<I", head[4:8])[0]
    if version not in (2, 3):
        raise InputError(f"{p}: GGUF version {version} is not read (2 or 3 are); the file is damaged or too new")
    try:
        from gguf.constants import GGML_QUANT_SIZES
    except ImportError:  # the llm extra brings it; without it the frame check above is all
        return
    try:
        with p.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            end = _gguf_end(buf, GGML_QUANT_SIZES)
    except _Truncated as exc:
        raise InputError(f"{p}: a damaged GGUF {what} file ({exc}); it may be truncated") from None
    except OSError as exc:
        raise InputError(f"{p} cannot be read: {exc.strerror or exc}") from None
    if end > size:
        raise InputError(f"{p}: a truncated GGUF {what} file ({size:,} bytes of the {end:,} its header describes)")


class _Truncated(Exception):
    """The GGUF header runs past the end of the file or holds impossible values."""


# sizes of GGUF's fixed-size value types (the format's specification, gguf.GGUFValueType): 8 is a string, 9 an array
_VALUE_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_MAX_DIMS = 4  # GGML_MAX_DIMS


def _gguf_end(buf, type_sizes: dict) -> int:
    """Walk the header of the GGUF file in ``buf`` (keys, values, tensor descriptions); return the byte after
    the end of its last tensor's data (``type_sizes``: {tensor type: (block, bytes per block)}). Raise
    _Truncated where the header is not whole."""
    sizes = {int(k): v for k, v in type_sizes.items()}
    size = len(buf)
    pos = 8

    def take(fmt: str) -> int:
        nonlocal pos
        n = struct.calcsize(fmt)
        if pos + n > size:
            raise _Truncated(f"the header ends at byte {size:,}")
        (value,) = struct.unpack_from(fmt, buf, pos)
        pos += n
        return value

    def skip(n: int) -> None:
        nonlocal pos
        if n < 0 or pos + n > size:
            raise _Truncated(f"a value runs past byte {size:,}")
        pos += n

    def value(kind: int, depth: int = 0) -> int | None:
        if kind in _VALUE_SIZES:
            if kind == 4:
                return take("<I")
            skip(_VALUE_SIZES[kind])
        elif kind == 8:
            skip(take("<Q"))
        elif kind == 9 and depth < 4:
            inner, count = take("<I"), take("<Q")
            if inner in _VALUE_SIZES:
                skip(_VALUE_SIZES[inner] * count)
            elif inner in (8, 9):
                for _ in range(count):
                    value(inner, depth + 1)
            else:
                raise _Truncated(f"an array of unknown type {inner}")
        else:
            raise _Truncated(f"a value of unknown type {kind}")
        return None

    tensors, kvs = take("<Q"), take("<Q")
    if tensors > size or kvs > size:
        raise _Truncated(f"{tensors:,} tensors and {kvs:,} keys in {size:,} bytes")
    alignment = 32
    for _ in range(kvs):
        n = take("<Q")
        key = bytes(buf[pos : pos + n])
        skip(n)
        kind = take("<I")
        found = value(kind)
        if key == b"general.alignment" and found:
            alignment = found
    ends = []
    for _ in range(tensors):
        skip(take("<Q"))  # the name
        dims = take("<I")
        if not 1 <= dims <= _MAX_DIMS:
            raise _Truncated(f"a tensor of {dims} dimensions")
        count = 1
        for _ in range(dims):
            count *= take("<Q")
        kind, offset = take("<I"), take("<Q")
        if kind not in sizes:
            raise _Truncated(f"a tensor of unknown type {kind}")
        block, nbytes = sizes[kind]
        ends.append(offset + count // block * nbytes)
    start = pos + (-pos % alignment)
    return start + max(ends, default=0)


PARQUET_MAGIC = (b"PAR1", b"PARE")


def check_parquet(path: str | Path) -> None:
    """Refuse ``path`` (a Parquet file, or a directory of parts) unless every file is framed as Parquet."""
    p = Path(path)
    files = sorted(p.rglob("*.parquet")) if p.is_dir() else [p]
    for f in files:
        head, tail, size = _head_tail(f, 4)
        if size < 12 or head not in PARQUET_MAGIC or tail not in PARQUET_MAGIC:
            raise InputError(
                f"{f}: not a readable Parquet file ({size:,} bytes, no Parquet frame); truncated or damaged?"
            )


def check_mat(path: str | Path) -> None:
    """Refuse ``path`` unless it starts like a MATLAB 5 file (Facebook100's format)."""
    p = Path(path)
    head, _, size = _head_tail(p, 128)
    if head.startswith(b"\x89HDF"):
        raise InputError(f"{p}: a MATLAB 7.3 (HDF5) file, which is not read: save it with -v7 (MATLAB 5 format)")
    if size < 128 or not head.startswith(b"MATLAB"):
        raise InputError(f"{p}: not a MATLAB 5 .mat file ({size:,} bytes, no MATLAB header); it may be damaged")
