# ruff: noqa: E501  (a word list: one message a line)
"""The Dutch texts of the administrator's pages (users, tokens) and of forming intervision groups."""

from __future__ import annotations

__all__ = ["DUTCH"]

DUTCH: dict[str, str] = {
    # navigation and users
    "Users": "Gebruikers",
    "Invite a user": "Gebruiker uitnodigen",
    "Filter the users": "Gebruikers filteren",
    "Name or e-mail address": "Naam of e-mailadres",
    "No users match.": "Geen gebruikers gevonden.",
    "Role": "Rol",
    "Invite": "Uitnodigen",
    "The new user gets a one-time link to choose a password; you see it once, next.": "De nieuwe gebruiker krijgt een eenmalige link om een wachtwoord te kiezen; u ziet die hierna één keer.",
    "Only for a client contact.": "Alleen voor een contactpersoon van een opdrachtgever.",
    "Only for a trust person's own account.": "Alleen voor het eigen account van een vertrouwenspersoon.",
    "Role and scope": "Rol en bereik",
    "Change role and scope": "Rol en bereik wijzigen",
    "Reset password": "Wachtwoord opnieuw instellen",
    "Deactivate": "Deactiveren",
    "Reactivate": "Weer activeren",
    "The role and scope are saved.": "De rol en het bereik zijn opgeslagen.",
    "The user is deactivated: they cannot log in, and their sessions and tokens are revoked.": "De gebruiker is gedeactiveerd: inloggen kan niet meer, en sessies en tokens zijn ingetrokken.",
    "The user can log in again.": "De gebruiker kan weer inloggen.",
    "One-time link": "Eenmalige link",
    "The user is invited": "De gebruiker is uitgenodigd",
    "The password is reset": "Het wachtwoord is opnieuw ingesteld",
    "{name} chooses a password with this link. It works once, until {until}. It has been e-mailed to {email}; copy it now if you pass it on yourself: it is shown only this once.": "{name} kiest met deze link een wachtwoord. De link werkt één keer, tot {until}. Hij is gemaild naar {email}; kopieer hem nu als u hem zelf doorgeeft: hij wordt maar deze ene keer getoond.",
    "Link": "Link",
    "Back to the user": "Terug naar de gebruiker",
    "Choose a password": "Kies een wachtwoord",
    "New password": "Nieuw wachtwoord",
    "At least 10 characters.": "Minstens 10 tekens.",
    "Repeat the password": "Herhaal het wachtwoord",
    "Save the password": "Wachtwoord opslaan",
    "Password saved": "Wachtwoord opgeslagen",
    "Your password is saved. Log in with your e-mail address and the new password.": "Uw wachtwoord is opgeslagen. Log in met uw e-mailadres en het nieuwe wachtwoord.",
    "This link does not work (any more). Ask the administrator for a new one.": "Deze link werkt niet (meer). Vraag de beheerder om een nieuwe.",
    # the service's refusals
    "The two passwords differ.": "De twee wachtwoorden verschillen.",
    "A client contact belongs to an organisation.": "Een contactpersoon hoort bij een organisatie.",
    "Only a client contact belongs to an organisation.": "Alleen een contactpersoon hoort bij een organisatie.",
    "A trust person's account belongs to a VP.": "Het account van een vertrouwenspersoon hoort bij een VP.",
    "Only a trust person's account has a VP.": "Alleen het account van een vertrouwenspersoon hoort bij een VP.",
    "There is no organisation {id}.": "Organisatie {id} bestaat niet.",
    "There is no trust person {id}.": "Vertrouwenspersoon {id} bestaat niet.",
    "Enter an e-mail address such as name@example.nl.": "Vul een e-mailadres in zoals naam@voorbeeld.nl.",
    "Another user already has this e-mail address.": "Een andere gebruiker heeft dit e-mailadres al.",
    "Your own role is changed by another administrator.": "Uw eigen rol wijzigt een andere beheerder.",
    "This is the last active administrator; make another user administrator first.": "Dit is de laatste actieve beheerder; maak eerst een andere gebruiker beheerder.",
    "This user is inactive already.": "Deze gebruiker is al inactief.",
    "This user is active already.": "Deze gebruiker is al actief.",
    "You cannot deactivate your own account; ask another administrator.": "U kunt uw eigen account niet deactiveren; vraag een andere beheerder.",
    "This user is inactive; reactivate them first.": "Deze gebruiker is inactief; activeer hem eerst weer.",
}
