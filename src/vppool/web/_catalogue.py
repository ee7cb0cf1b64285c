"""The Dutch texts of the web application, by their English message id.

The English text is the id: code and templates write English (``t("Save")``, a field error's
template, a domain error's message), and a page in Dutch shows the text found here. The
texts live as data, one JSON file per area of the application in ``catalogue/nl/``
(``common.json``, ``errors.json`` for field errors, ``planning.json``, ...), so that work on
one area never touches another's list and a translator edits plain files. A test checks that
every text the pages can show has its Dutch words, with the same ``{placeholders}``, and that
no two files translate one text differently.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["CATALOGUE", "DUTCH", "catalogue_files"]

#: The folder of the Dutch catalogue files.
CATALOGUE = Path(__file__).parent / "catalogue" / "nl"


def catalogue_files() -> dict[str, dict[str, str]]:
    """Each catalogue file's texts, by the file's area name (its stem)."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(CATALOGUE.glob("*.json"))
    }


def _merged() -> dict[str, str]:
    merged: dict[str, str] = {}
    for texts in catalogue_files().values():
        merged.update(texts)
    return merged


DUTCH: dict[str, str] = _merged()
