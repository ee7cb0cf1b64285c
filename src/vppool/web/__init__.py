"""Server-rendered web application (Jinja2 and htmx) on the same services as the API.

``static/htmx.min.js`` is htmx 2.0.11, vendored unchanged (0BSD licence beside it).
"""

from __future__ import annotations

from vppool.web._app import create_web_app
from vppool.web._common import WEB_PATH

__all__ = ["WEB_PATH", "create_web_app"]
