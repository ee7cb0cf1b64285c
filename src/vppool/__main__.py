"""``python -m vppool``: the `vppool` command (how `vppool serve` starts its local worker)."""

from __future__ import annotations

from vppool.cli import main

main()
