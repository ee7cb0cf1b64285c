"""HTTP API: the Litestar application (``create_app``) and its controllers."""

from __future__ import annotations

from vppool.api.app import create_app

__all__ = ["create_app"]
