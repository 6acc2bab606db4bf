"""Rows whose record identifier (police.uk Crime ID, API ``id``) was already seen.

Police.uk's 64-character Crime IDs are compared as rows of 64-bit words viewed in place
(no copy) and hashed; other identifiers are factorised. Empty identifiers are never
repeats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hotspot.io._canonical import arrow_text

try:  # pragma: no cover - depends on the environment
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover
    pa = pc = None


def _fixed_width_words(arr) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """``(present, words)`` for Arrow text whose present values all have the same length,
    a multiple of 8 bytes (police.uk's 64-character Crime IDs): which rows hold a value,
    and, per chunk, its values as rows of 64-bit words viewed in place (no copy). None
    otherwise."""
    present_parts, word_parts, width = [], [], None
    for chunk in arr.chunks:
        if chunk.type not in (pa.string(), pa.large_string()):
            return None
        _, offsets_buf, data_buf = chunk.buffers()
        kind = np.int64 if chunk.type == pa.large_string() else np.int32
        offsets = np.frombuffer(offsets_buf, dtype=kind)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        lengths = np.diff(offsets)
        valid = chunk.is_valid().to_numpy(zero_copy_only=False)
        if (lengths[~valid] != 0).any():
            return None
        widths = np.unique(lengths[valid])
        if len(widths) > 1 or (len(widths) == 1 and (widths[0] == 0 or widths[0] % 8)):
            return None
        if len(widths) == 1:
            if width not in (None, int(widths[0])):
                return None
            width = int(widths[0])
            data = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0] : offsets[-1]]
            word_parts.append(data.view(np.uint64).reshape(-1, width // 8))
        present_parts.append(valid)
    if width is None:
        return None
    return np.concatenate(present_parts), word_parts


def _hash_words(words: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of ``words`` (FNV-style multiply and xor)."""
    h = words[:, 0].copy()
    for k in range(1, words.shape[1]):
        h *= np.uint64(0x100000001B3)
        h ^= words[:, k]
    return h


def _repeated_fixed(arr, rows: np.ndarray) -> np.ndarray | None:
    """Repeats among fixed-width keys, by a 64-bit hash of each, checked word by word
    against the first key with the same hash (None when two keys share a hash)."""
    fixed = _fixed_width_words(arr)
    if fixed is None:
        return None
    present, chunks = fixed
    starts = np.cumsum([0] + [len(c) for c in chunks])

    def words_at(i: np.ndarray) -> np.ndarray:  # rows of words by their overall position
        which = np.searchsorted(starts, i, side="right") - 1
        out = np.empty((len(i), chunks[0].shape[1]), dtype=np.uint64)
        for k in np.unique(which):
            sel = which == k
            out[sel] = chunks[k][i[sel] - starts[k]]
        return out

    hashes = np.concatenate([_hash_words(c) for c in chunks])
    at = np.cumsum(present) - 1  # row -> its position among the present values
    use = rows[present[rows]]
    h = hashes[at[use]]
    del hashes
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    first = first[inverse]
    del inverse
    dup_here = np.flatnonzero(first != np.arange(len(h)))
    if not (words_at(at[use[dup_here]]) == words_at(at[use[first[dup_here]]])).all():
        return None  # a hash shared by different keys: let the exact method decide
    dup = np.zeros(len(rows), dtype=bool)
    dup[np.flatnonzero(present[rows])[dup_here]] = True
    return dup


def repeated_keys(key: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Which of ``key[rows]`` repeat an earlier non-missing value (the first one is kept).

    Arrow text is hashed without a Python string per row: fixed-width keys (police.uk
    Crime IDs) by a 64-bit hash of their bytes, checked exactly; others by Arrow's
    dictionary encoding.

    Parameters
    ----------
    key : pandas.Series
        The record identifiers of every row.
    rows : numpy.ndarray of int
        The rows to look at, in order.

    Returns
    -------
    numpy.ndarray of bool
        Per entry of ``rows``: whether its key was already seen.
    """
    arr = arrow_text(key)
    if arr is None:
        values = key.iloc[rows]
        return (values.duplicated() & values.notna()).to_numpy()
    with np.errstate(over="ignore"):
        fixed = _repeated_fixed(arr, rows)
    if fixed is not None:
        return fixed
    encoded = pc.dictionary_encode(arr)
    codes = np.concatenate(
        [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in encoded.chunks]
        or [np.empty(0, dtype=np.int32)]
    )[rows]
    del encoded
    dup = np.ones(len(codes), dtype=bool)
    _, first = np.unique(codes, return_index=True)
    dup[first] = False
    return dup & (codes >= 0)
