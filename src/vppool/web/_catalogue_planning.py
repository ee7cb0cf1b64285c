# ruff: noqa: E501  (a word list: one message a line)
"""The Dutch texts of the matching pages: runs, their review and their words for the gap."""

from __future__ import annotations

__all__ = ["DUTCH"]

DUTCH: dict[str, str] = {
    "Cost (points)": "Kosten (punten)",
    "Best possible (points)": "Best mogelijke (punten)",
    "at least": "minstens",
    "How good": "Hoe goed",
    "proven optimal": "bewezen optimaal",
    "no bound known: the solver stopped before it could prove one": "geen grens bekend: de solver stopte voordat hij er een kon bewijzen",
    "at most {points} points ({share} %) from the best possible plan": "hoogstens {points} punten ({share} %) van het best mogelijke plan",
    "At most from the best possible plan": "Hoogstens van het best mogelijke plan",
    "{points} points": "{points} punten",
    "+{points} points": "+{points} punten",
    "Cost per term (points)": "Kosten per onderdeel (punten)",
    "Cost terms (points)": "Kostenonderdelen (punten)",
    "no trust person could be considered for this seat": "geen enkele vertrouwenspersoon kwam voor deze plaats in aanmerking",
    "ruled out: {reasons}": "afgevallen: {reasons}",
    "eligible but left free (the solver stopped before using them)": "geschikt maar vrij gelaten (de solver stopte voordat hij ze inzette)",
    "not considered (beyond the candidate limit)": "niet bekeken (buiten de kandidatengrens)",
    "Confirm all proposals…": "Alle voorstellen bevestigen…",
    "Confirm all proposals": "Alle voorstellen bevestigen",
    "An out-of-date run cannot be confirmed.": "Een verouderde run kan niet worden bevestigd.",
    "Back to the run": "Terug naar de run",
    "{count} proposals become assignments": "{count} voorstellen worden koppelingen",
    "Each trust person below is placed on the seat shown. Every proposal is checked against the rules once more; if anything changed, nothing is confirmed and you are told why.": "Elke vertrouwenspersoon hieronder komt op de getoonde plaats. Elk voorstel wordt nog eens aan de regels getoetst; is er iets veranderd, dan wordt niets bevestigd en hoort u waarom.",
    "Confirm these {count} proposals": "Deze {count} voorstellen bevestigen",
    "This run is out of date: run #{newer} is newer. Review and confirm that one.": "Deze run is verouderd: run #{newer} is nieuwer. Bekijk en bevestig die.",
    "This run is out of date: the planning data changed after it started ({record}, {at}). Start a new matching run.": "Deze run is verouderd: de planningsgegevens zijn na de start gewijzigd ({record}, {at}). Start een nieuwe matchingrun.",
    "Matching run {run} is {status}; only a finished run can be confirmed.": "Matchingrun {run} is {status}; alleen een afgeronde run kan worden bevestigd.",
    "The plan is out of date: these seats (need/seat) are no longer open: {seats}. Start a new matching run.": "Het plan is verouderd: deze plaatsen (inzet/plaats) zijn niet meer open: {seats}. Start een nieuwe matchingrun.",
    "Confirming now would break hard rules ({details}). Start a new matching run.": "Nu bevestigen zou harde regels breken ({details}). Start een nieuwe matchingrun.",
    "Another confirmation took one of these seats or VPs at the same moment; reload.": "Een andere bevestiging nam op hetzelfde moment een van deze plaatsen of vertrouwenspersonen; laad de pagina opnieuw.",
    "The {count} busiest of {total} trust persons.": "De {count} drukste van {total} vertrouwenspersonen.",
    "Need {need} is {status} or outside the planning horizon.": "Inzet {need} is {status} of valt buiten de planningshorizon.",
    "Week of {day}": "Week van {day}",
    "Certification": "Certificaat",
    "Absence": "Afwezigheid",
    "Date override": "Afwijking op een datum",
    "Weekly availability": "Weekbeschikbaarheid",
    "Preference": "Voorkeur",
    "Site": "Vestiging",
    "{entity} {key} was not found": "{entity} {key} is niet gevonden",
}
