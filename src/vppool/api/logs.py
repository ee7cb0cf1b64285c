"""The applications' logging: Litestar's default, written at once instead of by a thread."""

from __future__ import annotations

from litestar.logging.config import LoggingConfig

__all__ = ["logging_config"]


def logging_config() -> LoggingConfig:
    """Litestar's default logging, with its ``queue_listener`` handler a plain console handler.

    The default (on Python < 3.12) is a queue handler whose listener thread starts when the
    application is built and stops only at interpreter exit; as each ``Litestar(...)``
    configures logging anew, each left such a thread behind for good (two per
    ``create_app``: the pages are a Litestar application too). The root and ``litestar``
    loggers keep their levels, handler and format; the few lines logged are written to
    standard error at once.
    """
    return LoggingConfig(
        logging_module="logging",
        handlers={
            "queue_listener": {
                "class": "logging.StreamHandler",
                "level": "DEBUG",
                "formatter": "standard",
            }
        },
    )
