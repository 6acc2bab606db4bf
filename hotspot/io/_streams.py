"""Compressed files and zip members, read as bounded streams.

``.gz``, ``.bz2`` and ``.xz`` files and the members of zip archives are decompressed as they
are read, never whole into memory. What they may expand to is bounded by
:class:`ArchiveLimits` (2 GB and 100 times the compressed size by default), so a small
"zip bomb" is refused with a message naming the archive and member instead of filling the
memory. A zip member's sizes are judged from the archive's directory before a byte is
read (Python's zip reader never gives more than the stated size); a compressed file's
while it streams.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from hotspot.core.errors import InputError

COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz")
ENV_MAX_BYTES = "HOTSPOT_MAX_UNZIPPED_BYTES"
ENV_MAX_RATIO = "HOTSPOT_MAX_COMPRESSION_RATIO"
_RATIO_FLOOR = 4_000_000  # bytes out below which the compression ratio is not judged
# the decompressors are closed by the BoundedStream that wraps them
_OPENERS: dict[str, Callable[[BinaryIO], BinaryIO]] = {
    ".gz": lambda raw: gzip.GzipFile(fileobj=raw, mode="rb"),
    ".bz2": lambda raw: bz2.BZ2File(raw, mode="rb"),
    ".xz": lambda raw: lzma.LZMAFile(raw, mode="rb"),  # noqa: SIM115
}


@dataclass(frozen=True)
class ArchiveLimits:
    """How far a compressed file or a zip member may expand.

    Attributes
    ----------
    max_bytes : int
        Largest uncompressed size (default 2 GB).
    max_ratio : float
        Largest ratio of uncompressed to compressed size (default 100; a police.uk CSV
        compresses about 10 to 1, a file of zeros about 1,000 to 1).

    The defaults can be changed for every read with the environment variables
    ``HOTSPOT_MAX_UNZIPPED_BYTES`` and ``HOTSPOT_MAX_COMPRESSION_RATIO``, for one read with
    ``read_offences(limits=...)``, and in a project file with a source's
    ``max_unzipped_bytes`` and ``max_compression_ratio``.
    """

    max_bytes: int = 2_000_000_000
    max_ratio: float = 100.0

    def __post_init__(self) -> None:
        if not (self.max_bytes > 0 and self.max_ratio > 1):
            raise InputError(
                f"archive limits: {self.max_bytes!r} bytes and ratio {self.max_ratio!r}; give a "
                "positive number of bytes and a ratio above 1"
            )

    @classmethod
    def resolve(cls, given: ArchiveLimits | Mapping | None = None) -> ArchiveLimits:
        """The limits in force: ``given`` (limits, or a mapping with ``max_bytes`` and/or
        ``max_ratio``), else the environment variables, else the defaults.

        Raises
        ------
        InputError
            When an environment variable or a given value is not a positive number.
        """
        if isinstance(given, ArchiveLimits):
            return given
        values: dict[str, float] = {}
        for key, env in (("max_bytes", ENV_MAX_BYTES), ("max_ratio", ENV_MAX_RATIO)):
            raw = os.environ.get(env, "").strip()
            if raw:
                try:
                    values[key] = float(raw.replace("_", ""))
                except ValueError:
                    raise InputError(
                        f"{env}={raw!r} is not a number; set it to a number such as "
                        f"{'4000000000' if key == 'max_bytes' else '200'}, or unset it"
                    ) from None
        for key, value in dict(given or {}).items():
            if key not in ("max_bytes", "max_ratio"):
                raise InputError(f"archive limits: {key!r} is not max_bytes or max_ratio")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f"archive limits: {key} = {value!r} is not a number")
            values[key] = value
        out = cls()
        return cls(
            max_bytes=int(values.get("max_bytes", out.max_bytes)),
            max_ratio=float(values.get("max_ratio", out.max_ratio)),
        )

    def refuse(self, where: str, size: int, compressed: int | None) -> None:
        """Raise when ``size`` bytes out of ``compressed`` bytes in exceed the limits."""
        if size > self.max_bytes:
            raise InputError(
                f"{where}: expands to more than {self.max_bytes / 1e9:,.1f} GB, more than "
                "Hotspot reads from one compressed file; unpack it yourself if you trust it, "
                f"or raise the limit ({ENV_MAX_BYTES}, or max_unzipped_bytes in the project)"
            )
        if (
            compressed is not None
            and size > _RATIO_FLOOR
            and size > self.max_ratio * max(compressed, 1)
        ):
            raise InputError(
                f"{where}: expands more than {self.max_ratio:g} times ({size:,} bytes from "
                f"{compressed:,}), far more than data files do: it may be built to exhaust "
                "the memory (a 'zip bomb'). If you trust it, unpack it yourself or raise the "
                f"limit ({ENV_MAX_RATIO}, or max_compression_ratio in the project)"
            )


def compression_of(name: str) -> str | None:
    """The compression suffix of a file name (``".gz"``, ``".bz2"``, ``".xz"``), if any."""
    lower = name.lower()
    return next((s for s in COMPRESSION_SUFFIXES if lower.endswith(s)), None)


def without_compression(name: str) -> str:
    """``name`` without its compression suffix (``x.csv.gz`` -> ``x.csv``)."""
    suffix = compression_of(name)
    return name[: -len(suffix)] if suffix else name


class BoundedStream(io.RawIOBase):
    """A read-only stream that refuses to expand beyond :class:`ArchiveLimits`.

    Parameters
    ----------
    stream : binary file
        The decompressed stream.
    where : str
        The file, as named in messages.
    limits : ArchiveLimits
    consumed : callable, optional
        Compressed bytes read so far (for the ratio); None judges the size only.
    owned : sequence of files
        Closed with this stream (the raw file under a decompressor).
    """

    def __init__(self, stream, where: str, limits: ArchiveLimits, consumed=None, owned=()):
        super().__init__()
        self._stream = stream
        self._where = where
        self._limits = limits
        self._consumed = consumed
        self._owned = list(owned)
        self._out = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        """Bytes given out so far (a decompressor above measures its input by it)."""
        return self._out

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._out += n
        self._limits.refuse(self._where, self._out, self._consumed() if self._consumed else None)
        return n

    def close(self) -> None:
        if not self.closed:
            for f in (self._stream, *self._owned):
                f.close()
        super().close()


def decompressed(raw: BinaryIO, suffix: str, where: str, limits: ArchiveLimits) -> BinaryIO:
    """A buffered, bounded stream of ``raw`` decompressed (``suffix`` ".gz", ".bz2", ".xz").

    Damaged data raises ``OSError``/``EOFError``/``lzma.LZMAError`` as it is met, for the
    caller's guard to report.
    """
    stream = _OPENERS[suffix](raw)
    bounded = BoundedStream(stream, where, limits, consumed=raw.tell, owned=(raw,))
    return io.BufferedReader(bounded, buffer_size=1 << 20)


def bounded(stream: BinaryIO, where: str, limits: ArchiveLimits) -> BinaryIO:
    """A buffered stream of ``stream`` that stops at ``limits.max_bytes``."""
    return io.BufferedReader(BoundedStream(stream, where, limits), buffer_size=1 << 20)
