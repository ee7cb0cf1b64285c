# ruff: noqa: E501  (a word list: one message a line)
"""The Dutch texts of the client-side maintenance pages.

Organisations, sites, conflicts of interest, needs and assignments.
"""

from __future__ import annotations

__all__ = ["DUTCH"]

DUTCH: dict[str, str] = {
    # organisations
    "New organisation": "Nieuwe organisatie",
    "Add organisation": "Organisatie toevoegen",
    "Change organisation": "Organisatie wijzigen",
    "Change": "Wijzigen",
    "Save": "Opslaan",
    "Back": "Terug",
    "Contact person": "Contactpersoon",
    "Contact's e-mail address": "E-mailadres van de contactpersoon",
    "Furthest a VP travels (km)": "Maximale reisafstand van een VP (km)",
    "Furthest a VP travels": "Maximale reisafstand van een VP",
    "Wants a choice of gender": "Wil kunnen kiezen uit gender",
    "An inactive organisation gets no new needs or matches.": "Een inactieve organisatie krijgt geen nieuwe inzet of matches.",
    "The organisation was added.": "De organisatie is toegevoegd.",
    "The changes were saved.": "De wijzigingen zijn opgeslagen.",
    # sites
    "New site": "Nieuwe vestiging",
    "Add site": "Vestiging toevoegen",
    "Change site": "Vestiging wijzigen",
    "Remove site": "Vestiging verwijderen",
    "Remove the site {name}?": "De vestiging {name} verwijderen?",
    "Needs at this site keep their organisation but no longer name a site.": "Inzet op deze vestiging blijft bij de organisatie, maar zonder vestiging.",
    "Street and number": "Straat en huisnummer",
    "Postcode": "Postcode",
    "Municipality": "Gemeente",
    "Latitude": "Breedtegraad",
    "Longitude": "Lengtegraad",
    "From a map, such as 52.09 for Utrecht.": "Van een kaart, zoals 52,09 voor Utrecht.",
    "From a map, such as 5.12 for Utrecht.": "Van een kaart, zoals 5,12 voor Utrecht.",
    "Main site": "Hoofdvestiging",
    "The site was added.": "De vestiging is toegevoegd.",
    "The site was changed.": "De vestiging is gewijzigd.",
    "The site was removed.": "De vestiging is verwijderd.",
    # conflicts of interest
    "New conflict of interest": "Nieuw belangenconflict",
    "Add conflict": "Belangenconflict toevoegen",
    "Record conflict": "Belangenconflict vastleggen",
    "A VP with a conflict of interest is never proposed to this organisation.": "Een VP met een belangenconflict wordt nooit aan deze organisatie voorgesteld.",
    "Leave empty while the conflict lasts.": "Leeg laten zolang het conflict duurt.",
    "Note": "Notitie",
    "End": "Beëindigen",
    "End conflict of interest": "Belangenconflict beëindigen",
    "End conflict": "Conflict beëindigen",
    "From the day after the last day, the VP may serve this organisation again.": "Vanaf de dag na de laatste dag mag de VP deze organisatie weer bedienen.",
    "The conflict of interest was recorded.": "Het belangenconflict is vastgelegd.",
    "The conflict of interest was ended.": "Het belangenconflict is beëindigd.",
    "Employment": "Dienstverband",
    "Hr role": "Rol bij HR",
    "Company doctor": "Bedrijfsarts",
    "Company social worker": "Bedrijfsmaatschappelijk werker",
    "Management": "Leidinggevende",
    "Works council": "Ondernemingsraad",
    "Personal tie": "Persoonlijke band",
    # assignments (links on the organisation page)
    "End early": "Eerder beëindigen",
    "Replace": "Vervangen",
    "Works-council consent": "OR-instemming",
    "The assignment was ended.": "De koppeling is beëindigd.",
    "The works council's consent was recorded.": "De instemming van de ondernemingsraad is vastgelegd.",
    # needs
    "Cancel need": "Inzet annuleren",
    "Duplicate": "Dupliceren",
    "Change need": "Inzet wijzigen",
    "Duplicate need": "Inzet dupliceren",
    "A new need filled in from this one; change what differs.": "Een nieuwe inzet, ingevuld vanuit deze; wijzig wat anders is.",
    "The need was changed.": "De inzet is gewijzigd.",
    "The need was cancelled.": "De inzet is geannuleerd.",
    "Cancel the need {title}?": "De inzet {title} annuleren?",
    "The need is no longer matched; its organisation keeps it in its history.": "De inzet wordt niet meer gematcht; de organisatie houdt hem in haar geschiedenis.",
    "{count} proposal(s) are withdrawn.": "{count} voorstel(len) vervallen.",
    "{count} confirmed assignment(s) that have not begun are cancelled.": "{count} bevestigde koppeling(en) die nog niet begonnen zijn, vervallen.",
    "{count} assignment(s) under way end; their last day is {last_day}.": "{count} lopende koppeling(en) stoppen; de laatste dag is {last_day}.",
    "Only open needs can be cancelled; this need is {status}.": "Alleen openstaande inzet kan worden geannuleerd; deze inzet is {status}.",
    "Seat {seat} holds a confirmed assignment; end or cancel it before reducing the seats to {seats}.": "Plaats {seat} heeft een bevestigde koppeling; beëindig of annuleer die voordat u het aantal plaatsen verlaagt naar {seats}.",
    "A confirmed assignment runs from {first_day} to {last_day}, outside the changed period; end it first.": "Een bevestigde koppeling loopt van {first_day} tot en met {last_day}, buiten de gewijzigde periode; beëindig die eerst.",
    "A confirmed assignment runs from {first_day} without an end, outside the changed period; end it first.": "Een bevestigde koppeling loopt vanaf {first_day} zonder einde, buiten de gewijzigde periode; beëindig die eerst.",
}
