"""glibc's allocator tuned for training: keep freed memory for the next step instead of handing it back.

A training step allocates and frees the same large activations every time. By default glibc serves each
block over 128 KiB (at first) with a fresh mmap and unmaps it when freed, so every step pays for page faults
and zeroing again; measured on the DCGAN through `gan-tui gan --headless` on a 2-core CPU, that is 7-8% of
its time. Serving blocks up to 32 MiB from the heap and trimming the heap only past 256 MiB free keeps them.
Nothing here changes a result; on other C libraries (macOS, musl) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # mallopt's parameters, from glibc's malloc.h
_SETTINGS = ((_M_MMAP_THRESHOLD, 32 * 2**20), (_M_TRIM_THRESHOLD, 256 * 2**20), (_M_TOP_PAD, 64 * 2**20))


@functools.cache
def keep_freed_memory() -> bool:
    """Tune glibc's malloc for repeated large allocations (once per process); False where there is no glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return all(mallopt(parameter, value) == 1 for parameter, value in _SETTINGS)
