"""How Dutch names sort: by the family name, not its particle ("de Jonge" under J).

Dutch family names often begin with a *tussenvoegsel* (van, de, van der, 't, ...). Lists in
the Netherlands file "Pieter de Jonge" under J and "Anna van den Berg" under B, ignoring the
particle and letter case; accents sort with their base letter.
"""

from __future__ import annotations

import unicodedata

__all__ = ["PARTICLES", "family_name_key", "person_sort_key"]

#: Words that begin a Dutch family name without being part of its sorting (tussenvoegsels).
PARTICLES = frozenset(
    {
        "'s",
        "'t",
        "aan",
        "af",
        "bij",
        "d'",
        "de",
        "den",
        "der",
        "des",
        "di",
        "du",
        "el",
        "het",
        "in",
        "la",
        "le",
        "onder",
        "op",
        "over",
        "t",
        "te",
        "ten",
        "ter",
        "tot",
        "uit",
        "uijt",
        "van",
        "ver",
        "voor",
    }
)


def _folded(text: str) -> str:
    """Lower case without accents, so that "Çelik" sorts with "Celik"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def family_name_key(last_name: str) -> str:
    """The part of a family name it sorts by: without its leading particles, folded.

    ``"van den Berg"`` -> ``"berg"``, ``"de Jonge"`` -> ``"jonge"``, ``"Van Dijk"`` (a
    particle written with a capital, as in Belgium or at the start of a sentence) ->
    ``"dijk"``. A name made only of particles ("Van") keeps its words.
    """
    words = last_name.split()
    rest = list(words)
    while len(rest) > 1 and _folded(rest[0]) in PARTICLES:
        rest.pop(0)
    return _folded(" ".join(rest))


def person_sort_key(first_name: str, last_name: str) -> str:
    """The key a person sorts by: family name without particles, then the first name."""
    return f"{family_name_key(last_name)}\x1f{_folded(first_name)}"
