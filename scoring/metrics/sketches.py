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
