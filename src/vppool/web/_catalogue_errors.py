# ruff: noqa: E501  (a word list: one message a line)
"""The Dutch texts of field errors, by their English template (the message id).

Templates come from :data:`vppool.inputs.PYDANTIC_TEMPLATES` (pydantic's own checks) and
from the validators and services (``InvalidValue``, ``FieldError``, ``UniqueField``); a
test checks that each has its Dutch text here, with the same placeholders.
"""

from __future__ import annotations

__all__ = ["DUTCH"]

DUTCH: dict[str, str] = {
    # choices and sorting
    "Choose one of: {choices}.": "Kies een van: {choices}.",
    "Unknown value {value}; choose one of: {choices}.": "Onbekende waarde {value}; kies een van: {choices}.",
    "Unknown sort {value}; choose one of: {choices} (prefix '-' to reverse).": "Onbekende sortering {value}; kies een van: {choices} (zet er '-' voor om om te keren).",
    "A team feed needs the organisation.": "Een teamfeed heeft de organisatie nodig.",
    # pydantic's checks
    "This field is required.": "Vul dit veld in.",
    "Use at least {min_length} character(s).": "Gebruik minstens {min_length} teken(s).",
    "Use at most {max_length} characters.": "Gebruik hoogstens {max_length} tekens.",
    "Give at least {min_length}.": "Geef er minstens {min_length}.",
    "Give at most {max_length}.": "Geef er hoogstens {max_length}.",
    "Must be more than {gt}.": "Moet meer zijn dan {gt}.",
    "Must be at least {ge}.": "Moet minstens {ge} zijn.",
    "Must be less than {lt}.": "Moet minder zijn dan {lt}.",
    "Must be at most {le}.": "Mag hoogstens {le} zijn.",
    "Enter a whole number.": "Vul een heel getal in.",
    "Enter a number.": "Vul een getal in.",
    "Choose yes or no (true or false).": "Kies ja of nee.",
    "Enter a date (year-month-day).": "Vul een datum in.",
    "Enter a date without a time.": "Vul een datum zonder tijd in.",
    "Enter a date and time.": "Vul een datum en tijd in.",
    "Enter a time (hours:minutes).": "Vul een tijd in (uren:minuten).",
    "Choose one of the options.": "Kies een van de mogelijkheden.",
    "Enter text.": "Vul tekst in.",
    "Give a list.": "Geef een lijst.",
    "Give an object.": "Geef een object.",
    "This field is not known here; leave it out.": "Dit veld is hier onbekend; laat het weg.",
    "May not be empty (null); leave the field out to keep its current value.": "Mag niet leeg (null) zijn; laat het veld weg om de huidige waarde te houden.",
    "This is not valid JSON.": "Dit is geen geldige JSON.",
    "This does not have the expected form.": "Dit heeft niet de verwachte vorm.",
    "Must be a multiple of {multiple_of}.": "Moet een veelvoud van {multiple_of} zijn.",
    "Enter an address such as https://example.nl.": "Vul een adres in zoals https://voorbeeld.nl.",
    "Enter an address that starts with {expected_schemes}.": "Vul een adres in dat begint met {expected_schemes}.",
    "May not contain NUL characters (\\u0000).": "Mag geen NUL-tekens (\\u0000) bevatten.",
    # the models' own rules
    "The last day ({last_day}) is before the first day ({first_day}).": "De laatste dag ({last_day}) ligt vóór de eerste dag ({first_day}).",
    "The expiry date ({expires_on}) must be after the issue date ({issued_on}).": "De vervaldatum ({expires_on}) moet na de datum van afgifte ({issued_on}) liggen.",
    "The end ({end}) must be after the start ({start}).": "Het einde ({end}) moet na het begin ({start}) liggen.",
    "Give both a start and an end time, or neither for a day off.": "Geef een begin- én eindtijd, of geen van beide voor een vrije dag.",
    "Give both a start and an end time, or neither.": "Geef een begin- én eindtijd, of geen van beide.",
    "Give the calendar's address.": "Geef het adres van de agenda.",
    "Choose at least one scope (unwanted behaviour and/or integrity).": "Kies minstens één taakgebied (ongewenst gedrag en/of integriteit).",
    "Unknown language code(s) {codes}; use ISO 639 codes such as nl, en, tr or ar.": "Onbekende taalcode(s) {codes}; gebruik ISO 639-codes zoals nl, en, tr of ar.",
    "Unknown scope(s) {scopes}; use unwanted_behaviour or integrity.": "Onbekend(e) taakgebied(en) {scopes}; kies ongewenst gedrag of integriteit.",
    "Unknown sector(s) {sectors}; choose one of the list.": "Onbekende sector(en) {sectors}; kies er een uit de lijst.",
    "This latitude lies outside the Netherlands (between {low} and {high}).": "Deze breedtegraad ligt buiten Nederland (tussen {low} en {high}).",
    "This longitude lies outside the Netherlands (between {low} and {high}).": "Deze lengtegraad ligt buiten Nederland (tussen {low} en {high}).",
    "Enter an e-mail address such as name@example.nl.": "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
    "Unknown time zone {zone}; use a name such as Europe/Amsterdam.": "Onbekende tijdzone {zone}; gebruik een naam zoals Europe/Amsterdam.",
    "This kind of help is agreed with your planner; request cover, support during a reorganisation or aftercare.": "Deze vorm van inzet spreekt u af met uw planner; vraag vervanging, ondersteuning bij een reorganisatie of nazorg aan.",
    "Give the reason the client contact will read.": "Geef de reden die de contactpersoon van de opdrachtgever leest.",
    "A placement by hand is created confirmed; proposals come from the matcher.": "Een koppeling met de hand is meteen bevestigd; voorstellen komen van de matcher.",
    # unique values
    "This e-mail address is already used by another VP.": "Dit e-mailadres hoort al bij een andere vertrouwenspersoon.",
    "This name is already used by another organisation.": "Deze naam hoort al bij een andere organisatie.",
    "This certificate number is already used by another certificate.": "Dit certificaatnummer is al geregistreerd.",
    "This value is already used by another record.": "Deze waarde is al in gebruik.",
    # services
    "a VP feed needs the trust person": "een agenda-feed van een VP hoort bij een vertrouwenspersoon",
    "a client user belongs to an organisation": "een gebruiker van een opdrachtgever hoort bij een organisatie",
    "a team feed needs the organisation": "een teamfeed hoort bij een organisatie",
    "a trust-person user belongs to a VP": "een gebruiker die vertrouwenspersoon is, hoort bij een VP",
    "already used by another user": "al in gebruik bij een andere gebruiker",
    "between 1 and 3650 days, or none": "tussen 1 en 3650 dagen, of geen",
    "bind the user to a trust person first": "koppel de gebruiker eerst aan een vertrouwenspersoon",
    "bind the user to an organisation first": "koppel de gebruiker eerst aan een organisatie",
    "choose a trust person": "kies een vertrouwenspersoon",
    "every row needs its id": "elke rij heeft een id nodig",
    "give a name to show": "geef een naam om te tonen",
    "give a year between 2000 and 2200": "geef een jaar tussen 2000 en 2200",
    "give the time limit in seconds": "geef de tijdslimiet in seconden",
    "give the token a name that says what uses it": "geef de token een naam die zegt wat hem gebruikt",
    "nothing to confirm": "niets te bevestigen",
    "only client users belong to one": "alleen gebruikers van een opdrachtgever horen bij een organisatie",
    "only trust-person users belong to a VP": "alleen gebruikers die vertrouwenspersoon zijn, horen bij een VP",
    "the file is empty": "het bestand is leeg",
    "the file is not UTF-8 text": "het bestand is geen UTF-8-tekst",
    "use at most 80 characters": "gebruik hoogstens 80 tekens",
    "Choose the organisation the need is for.": "Kies de organisatie waarvoor de inzet is.",
    "{starts_on} is in the past; a request starts today ({today}) or later.": "{starts_on} ligt in het verleden; een aanvraag begint vandaag ({today}) of later.",
}
