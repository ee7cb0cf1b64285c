"""The Dutch texts of the pool's pages (the list, a VP's profile, certificates, education)."""

from __future__ import annotations

__all__ = ["DUTCH"]

DUTCH: dict[str, str] = {
    # every list page
    "Download as CSV": "Downloaden als CSV",
    "Sort by": "Sorteren op",
    # the pool list
    "Archived": "Gearchiveerd",
    "archived": "gearchiveerd",
    "Surname (A-Z)": "Achternaam (A-Z)",
    "Surname (Z-A)": "Achternaam (Z-A)",
    "Most hours per month": "Meeste uren per maand",
    "Newest first": "Nieuwste eerst",
    # the columns of the export
    "Surname": "Achternaam",
    "First name": "Voornaam",
    "Municipality": "Woonplaats",
    "Postcode": "Postcode",
    "Standing clients at most": "Hoogstens vaste opdrachtgevers",
    "Travels up to (km)": "Reist tot (km)",
}
