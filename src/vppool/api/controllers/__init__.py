"""HTTP controllers: parse input, call one service, map the result."""

from __future__ import annotations
