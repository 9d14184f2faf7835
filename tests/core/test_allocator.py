"""The allocator tuning the trainer applies: glibc takes every setting; elsewhere it is left alone."""

import platform

from core.allocator import keep_freed_memory


def test_glibc_takes_the_settings_once_per_process():
    applied = keep_freed_memory()
    assert applied == (platform.libc_ver()[0] == "glibc")
    assert keep_freed_memory() is applied  # cached: the second call does not call mallopt again
