"""A content hash of saved state (checkpoints, evaluator classifiers), so a damaged file is refused, not used.

torch's file format checks no sums: a flipped byte inside a tensor loads without complaint. So the writer
stores `content_digest(state)` beside the state and the reader recomputes it from what it loaded. The hash
is over the values, not the file's bytes, so it does not depend on how torch lays the file out: tensors by
dtype, shape and raw bytes; containers by their items (dict keys in a fixed order); plain values by repr.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import torch


def content_digest(state: Any) -> str:
    """The SHA-256 (hex) of `state`'s contents."""
    digest = hashlib.sha256()
    _feed(digest, state)
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    if isinstance(value, torch.Tensor):
        flat = value.detach().cpu().contiguous().reshape(-1)
        digest.update(f"T{flat.dtype}{tuple(value.shape)}".encode())
        digest.update(flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b"")
    elif isinstance(value, np.ndarray):
        digest.update(f"A{value.dtype}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        digest.update(f"D{len(value)}".encode())
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):  # one tag for both: a loader may give back either
        digest.update(f"L{len(value)}".encode())
        for item in value:
            _feed(digest, item)
    elif value is None or isinstance(value, (bool, int, float, str, bytes)):
        digest.update(f"{type(value).__name__}:{value!r};".encode())
    else:  # nothing a checkpoint holds; named by type so the hash stays defined
        digest.update(f"?{type(value).__qualname__};".encode())
