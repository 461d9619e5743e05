"""BLAKE2b without OpenSSL: ``import hashlib`` loads OpenSSL's libcrypto, 3.5 ms of a
one-file check that takes about 100 ms in all, for a hash CPython implements itself.
``hashlib.blake2b`` is this same ``_blake2.blake2b``; an interpreter without that module
gets hashlib's."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - every CPython has it
    from hashlib import blake2b

__all__ = ["blake2b"]
