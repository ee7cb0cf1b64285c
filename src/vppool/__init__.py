"""vppool: planning for providers of external trust persons (externe vertrouwenspersonen)."""

from __future__ import annotations

__version__ = "0.1.0"
