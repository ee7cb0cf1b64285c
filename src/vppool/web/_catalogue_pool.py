# ruff: noqa: E501  (a word list: one message a line)
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
    # a trust person's profile
    "New trust person": "Nieuwe vertrouwenspersoon",
    "Add to the pool": "Toevoegen aan de pool",
    "Edit profile": "Profiel bewerken",
    "Save": "Opslaan",
    "Archive": "Archiveren",
    "Reactivate": "Weer actief maken",
    "Archive this trust person? They leave planning; their history is kept.": "Deze vertrouwenspersoon archiveren? Die doet dan niet meer mee in de planning; de geschiedenis blijft bewaard.",
    "Last name": "Achternaam",
    "With its particle: de Jonge.": "Met tussenvoegsel: de Jonge.",
    "Trust person since": "Vertrouwenspersoon sinds",
    "Latitude of the home": "Breedtegraad van het huis",
    "Degrees north, such as 52.09 for Utrecht (for travel distances).": "Graden noorderbreedte, zoals 52,09 voor Utrecht (voor reisafstanden).",
    "Longitude of the home": "Lengtegraad van het huis",
    "Degrees east, such as 5.12 for Utrecht.": "Graden oosterlengte, zoals 5,12 voor Utrecht.",
    "Self-declared and optional (diversity profile).": "Zelf opgegeven en niet verplicht (diversiteitsprofiel).",
    "Clients may see the gender": "Opdrachtgevers mogen het gender zien",
    "Birth year": "Geboortejaar",
    "Background": "Achtergrond",
    "Self-declared and optional, separated by commas: bicultureel, turks.": "Zelf opgegeven en niet verplicht, gescheiden door komma's: bicultureel, turks.",
    "The trust person is added to the pool.": "De vertrouwenspersoon is aan de pool toegevoegd.",
    "The profile is saved.": "Het profiel is opgeslagen.",
    "The trust person is archived: out of planning, with their history kept.": "De vertrouwenspersoon is gearchiveerd: niet meer in de planning, de geschiedenis blijft bewaard.",
    "The trust person is back in planning.": "De vertrouwenspersoon doet weer mee in de planning.",
    # sectors
    "Health care": "Zorg",
    "Education (sector)": "Onderwijs",
    "Government": "Overheid",
    "Industry": "Industrie",
    "Construction": "Bouw",
    "Logistics": "Logistiek",
    "Retail": "Detailhandel",
    "Hospitality": "Horeca",
    "Financial services": "Financiële dienstverlening",
    "ICT": "ICT",
    "Business services": "Zakelijke dienstverlening",
    "Culture": "Cultuur",
    "Sport": "Sport",
    "Social work": "Welzijn",
    "Agriculture": "Landbouw",
    "Energy": "Energie",
    "Housing association": "Woningcorporatie",
    # certificates and education records
    "Certificate number": "Certificaatnummer",
    "Issued on": "Afgegeven op",
    "Expires on": "Verloopt op",
    "The expiry date on the certificate (usually four years on).": "De vervaldatum op het certificaat (meestal vier jaar later).",
    "The certificate is recorded.": "Het certificaat is vastgelegd.",
    "The certificate is saved.": "Het certificaat is opgeslagen.",
    "The certificate is deleted.": "Het certificaat is verwijderd.",
    "The education record is added.": "De scholing is toegevoegd.",
    "The education record is saved.": "De scholing is opgeslagen.",
    "The education record is deleted.": "De scholing is verwijderd.",
}
