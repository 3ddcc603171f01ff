"""Follower-id samples and the mergeable sketches built from them (DESIGN 4.4).

A sample is stored as the sorted, de-duplicated 64-bit hashes of the follower ids, compressed;
the sketch is a bottom-k sketch: the K smallest hashes. With a sample smaller than K the sketch
holds the whole sample and set arithmetic on it is exact.
"""

import hashlib
import zlib
from collections.abc import Iterable

import numpy as np

K = 4096
SKETCH_METHOD = f"bottomk-{K}"

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def _splitmix64(values: np.ndarray) -> np.ndarray:
    """A fast, well-mixed 64-bit hash of 64-bit integers (SplitMix64's finaliser)."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return (z ^ (z >> np.uint64(31))) & _MASK


def hash_ids(ids: Iterable) -> np.ndarray:
    """Hash follower ids (integers, or strings such as handles) to uint64, unique and sorted."""
    array = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids)
    if array.size == 0:
        return np.empty(0, dtype=np.uint64)
    if np.issubdtype(array.dtype, np.integer):
        hashed = _splitmix64(array.astype(np.int64).view(np.uint64))
    else:
        hashed = np.fromiter(
            (
                int.from_bytes(
                    hashlib.blake2b(str(v).strip().lower().encode(), digest_size=8).digest(),
                    "little",
                )
                for v in array
            ),
            dtype=np.uint64,
            count=array.size,
        )
    return np.unique(hashed)


def pack_sample(hashed: np.ndarray) -> bytes:
    return zlib.compress(np.unique(hashed).astype("<u8").tobytes(), level=6)


def unpack_sample(blob: bytes) -> np.ndarray:
    if not blob:
        return np.empty(0, dtype=np.uint64)
    return np.frombuffer(zlib.decompress(bytes(blob)), dtype="<u8").astype(np.uint64)


def build_sketch(hashed: np.ndarray, k: int = K) -> bytes:
    """The bottom-k sketch of a hashed sample: its k smallest distinct hashes, sorted."""
    smallest = np.unique(hashed)[:k]
    return smallest.astype("<u8").tobytes()


def read_sketch(blob: bytes) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype="<u8").astype(np.uint64)


def sketch_values(follower_ids: Iterable) -> dict:
    """The AudienceSketch field values for a follower-id sample (everything but the creator)."""
    hashed = hash_ids(follower_ids)
    packed = pack_sample(hashed)
    return {
        "method": SKETCH_METHOD,
        "sketch": build_sketch(hashed),
        "sample_ids": packed,
        "sample_size": int(hashed.size),
        "sample_digest": hashlib.sha256(packed).hexdigest(),
    }


_TWO64 = float(2**64)


def union_sketch(sketches: Iterable[np.ndarray], k: int = K) -> np.ndarray:
    """The bottom-k sketch of the union of several audiences (bottom-k sketches merge exactly)."""
    arrays = [s for s in sketches if s.size]
    if not arrays:
        return np.empty(0, dtype=np.uint64)
    return np.unique(np.concatenate(arrays))[:k]


def estimate_size(sketch: np.ndarray, k: int = K) -> float:
    """Distinct elements behind a bottom-k sketch: exact below k, else (k - 1) / U_(k)."""
    if sketch.size < k:
        return float(sketch.size)
    return (k - 1) / (float(sketch[k - 1]) / _TWO64)


def jaccard(a: np.ndarray, b: np.ndarray, k: int = K) -> tuple[float, bool]:
    """Jaccard similarity of two audiences from their bottom-k sketches, and whether it is exact.

    Exact when both sketches hold their whole samples (fewer than k hashes each); otherwise the
    fraction of the union's bottom-k that lies in both sketches (an unbiased estimator)."""
    if a.size == 0 or b.size == 0:
        return 0.0, True
    if a.size < k and b.size < k:
        shared = np.intersect1d(a, b, assume_unique=True).size
        return shared / (a.size + b.size - shared), True
    union = union_sketch((a, b), k)
    threshold = union[-1]
    in_a = np.isin(union, a[a <= threshold], assume_unique=True)
    in_b = np.isin(union, b[b <= threshold], assume_unique=True)
    return float(np.count_nonzero(in_a & in_b)) / union.size, False
