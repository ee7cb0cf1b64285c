"""Password hashing (argon2id) and random secrets; the only place that knows the algorithms."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "folder_key",
    "hash_password",
    "hash_token",
    "new_token",
    "sign",
    "signed",
    "verify_password",
]

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with a fresh salt."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; never raises on a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A random URL-safe token of 256 bits (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token: SHA-256 is enough for 256 random bits."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign(key: str, message: str) -> str:
    """An HMAC-SHA256 of ``message`` under ``key``, URL-safe (43 characters)."""
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed(key: str, message: str, signature: str) -> bool:
    """Whether ``signature`` is :func:`sign`'s of ``message`` (in constant time)."""
    return hmac.compare_digest(sign(key, message).encode(), signature.encode())


def folder_key(path: Path) -> str:
    """The key kept in the file ``path``, made once (256 random bits, owner-only).

    Every process using the same data folder reads the same key, so a form or link made by
    one process is accepted by another.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def _read_key(path: Path) -> str:
    """The key another process made; it may still be writing it (a few milliseconds)."""
    for _ in range(50):
        if key := path.read_text().strip():
            return key
        time.sleep(0.01)
    msg = f"{path} is empty; delete it and start again"
    raise RuntimeError(msg)
