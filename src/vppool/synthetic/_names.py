"""Names and words for synthetic people and organisations (reflecting the Netherlands' mix)."""

from __future__ import annotations

__all__ = [
    "BACKGROUNDS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "ORG_WORDS",
    "STREETS",
    "TUSSENVOEGSELS",
]

#: background -> (share of the pool, languages it brings with their chance, self-declared tag)
BACKGROUNDS: dict[str, tuple[float, tuple[tuple[str, float], ...], str]] = {
    "nl": (0.70, (("de", 0.15), ("fr", 0.08), ("es", 0.04), ("fy", 0.03)), ""),
    "tr": (0.06, (("tr", 0.95),), "turks-nederlands"),
    "ma": (0.06, (("ar", 0.6), ("ber", 0.45), ("fr", 0.3)), "marokkaans-nederlands"),
    "sr": (0.05, (("srn", 0.5), ("hi", 0.15)), "surinaams-nederlands"),
    "an": (0.03, (("pap", 0.85), ("es", 0.3)), "antilliaans-nederlands"),
    "pl": (0.03, (("pl", 0.95), ("de", 0.2)), "pools-nederlands"),
    "other": (0.07, (("de", 0.3), ("uk", 0.15), ("ru", 0.1), ("es", 0.1), ("fa", 0.08)), ""),
}

FIRST_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("nl", "female"): (
        "Anna", "Sanne", "Lotte", "Eva", "Fleur", "Iris", "Marieke", "Inge", "Ellen", "Petra",
        "Annemiek", "Karin", "Monique", "Esther", "Wendy", "Sandra", "Linda", "Marloes",
        "Judith", "Hanneke", "Anouk", "Femke", "Lieke", "Noor", "Janneke", "Miriam", "Ingrid",
        "Carla", "Joke", "Renate", "Mirjam", "Tineke", "Els", "Bianca", "Nicole", "Saskia",
        "Yvonne", "Astrid", "Maaike", "Suzanne",
    ),
    ("nl", "male"): (
        "Jan", "Pieter", "Willem", "Kees", "Bram", "Thijs", "Joost", "Ruud", "Erik", "Marco",
        "Sander", "Bas", "Jeroen", "Maarten", "Hans", "Gert", "Rob", "Dennis", "Martijn",
        "Koen", "Wouter", "Frank", "Arjen", "Paul", "Henk", "Gijs", "Jasper", "Niels", "Teun",
        "Roel",
    ),
    ("tr", "female"): ("Ayşe", "Fatma", "Elif", "Zeynep", "Emine", "Hülya", "Derya", "Gül"),
    ("tr", "male"): ("Mehmet", "Mustafa", "Ahmet", "Emre", "Hakan", "Murat", "Serkan"),
    ("ma", "female"): ("Fatima", "Khadija", "Naima", "Samira", "Nadia", "Latifa", "Hanan"),
    ("ma", "male"): ("Mohammed", "Youssef", "Said", "Karim", "Hamid", "Rachid", "Mustapha"),
    ("sr", "female"): ("Sharon", "Gaitrie", "Natasha", "Ingrid", "Shanti", "Melissa"),
    ("sr", "male"): ("Rishi", "Anand", "Roy", "Glenn", "Ravi", "Clyde"),
    ("an", "female"): ("Shurandy", "Jeanette", "Mireille", "Giselle", "Ivette"),
    ("an", "male"): ("Jurich", "Rignald", "Eduard", "Sherwin", "Gino"),
    ("pl", "female"): ("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa"),
    ("pl", "male"): ("Piotr", "Tomasz", "Krzysztof", "Paweł", "Marek"),
    ("other", "female"): ("Olena", "Maria", "Sofia", "Leila", "Hanna", "Laura"),
    ("other", "male"): ("Dmytro", "Carlos", "Thomas", "Reza", "Lukas", "Andrés"),
}  # fmt: skip

TUSSENVOEGSELS = ("", "", "", "", "van", "de", "van der", "van den", "van de", "ter", "den")

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "nl": (
        "Jong", "Jansen", "Vries", "Berg", "Dijk", "Bakker", "Janssen", "Visser", "Smit",
        "Meijer", "Boer", "Mulder", "Groot", "Bos", "Vos", "Peters", "Hendriks", "Leeuwen",
        "Dekker", "Brouwer", "Wit", "Dijkstra", "Smits", "Graaf", "Meer", "Linden", "Kok",
        "Jacobs", "Haan", "Vermeulen", "Heuvel", "Veen", "Broek", "Bruijn", "Beek", "Schouten",
        "Willems", "Hoekstra", "Maas", "Verhoeven", "Koster", "Prins", "Blom", "Huisman",
        "Peeters", "Kuipers", "Veenstra", "Post", "Kramer", "Schipper", "Wal", "Timmermans",
        "Groen", "Molenaar", "Wijk", "Brink", "Kuiper", "Sluis", "Hofman", "Postma",
    ),
    "tr": ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Arslan", "Doğan"),
    "ma": ("El Amrani", "Bouali", "Haddou", "El Idrissi", "Ziani", "Benali", "Aznag"),
    "sr": ("Ramdin", "Biharie", "Kromodimedjo", "Pinas", "Sewdien", "Jadnanansing"),
    "an": ("Martina", "Isenia", "Statia", "Rosaria", "Maduro", "Cijntje"),
    "pl": ("Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamińska", "Zielińska"),
    "other": ("Schmidt", "Kovalenko", "García", "Rossi", "Hosseini", "Müller", "Petrov"),
}  # fmt: skip

#: Words to build organisation names per sector.
ORG_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "zorg": (("Zorggroep", "Thuiszorg", "Zorgcentrum", "Ziekenhuis", "GGZ", "Huisartsenpraktijk"), ("De Linde", "Het Baken", "Duinzicht", "Zonnehuis", "De Wending", "Amaranth", "Vivaldi", "Zorgstroom")),
    "onderwijs": (("College", "Lyceum", "Basisschool", "Hogeschool", "ROC", "Scholengroep"), ("De Regenboog", "Het Baken", "Montessori", "De Vlinder", "Het Kompas", "De Horizon", "Sint Jozef")),
    "overheid": (("Gemeente", "Waterschap", "Omgevingsdienst", "Veiligheidsregio", "GGD"), ("",)),
    "industrie": (("Metaal", "Machinefabriek", "Kunststoffen", "Techniek", "Staalbouw", "Productie"), ("Van Dam", "Hollandia", "Noord", "Delta", "Rijnmond", "Brabant", "Twente")),
    "bouw": (("Bouw", "Aannemersbedrijf", "Installatietechniek", "Bouwgroep", "Infra"), ("Heimstede", "De Bouwers", "Van Wijk", "Duurzaam", "Bouwkracht", "Oranje")),
    "logistiek": (("Transport", "Logistics", "Distributiecentrum", "Expeditie", "Koeriers"), ("Holland", "Van der Lee", "Dutch Cargo", "Flevo", "Maasvlakte", "Venlo Trade")),
    "retail": (("Supermarkten", "Winkelgroep", "Fashion", "Bouwmarkt", "Drogisterij"), ("Van Gelder", "Het Centrum", "Dirksen", "Modehuis", "De Brink")),
    "horeca": (("Hotelgroep", "Restaurants", "Catering", "Brasserie", "Events"), ("De Gouden Leeuw", "Het Wapen", "Zuid", "Grand", "De Kroon")),
    "financiele_dienstverlening": (("Bank", "Verzekeringen", "Pensioenfonds", "Accountants", "Financieel Advies"), ("Coöperatief", "Noordelijke", "Zeeuwse", "Rijnland", "Centraal")),
    "ict": (("Software", "IT Services", "Data", "Cloud", "Digital"), ("Nexus", "Bitwise", "Codefabriek", "Dutch Digital", "Quantum", "Sprout")),
    "zakelijke_dienstverlening": (("Advocaten", "Adviesgroep", "Notarissen", "Schoonmaakdiensten", "Uitzendbureau", "Beveiliging"), ("Van Rijn", "De Kruijff", "Partners", "Hofstad", "Compact", "Select")),
    "cultuur": (("Theater", "Museum", "Bibliotheek", "Muziekschool", "Filmhuis"), ("De Schouwburg", "Stedelijk", "Het Podium", "De Kunstmaan")),
    "sport": (("Sportcentrum", "Zwembad", "Voetbalvereniging", "Fitness", "Sportbedrijf"), ("De Kikker", "Olympia", "Sportpunt", "Victoria")),
    "welzijn": (("Welzijn", "Jeugdzorg", "Kinderopvang", "Maatschappelijk Werk", "Buurtwerk"), ("Samen Sterk", "De Kern", "Samen", "Kwadrant", "Spectrum")),
    "landbouw": (("Kwekerij", "Melkveebedrijf", "Agrarisch Bedrijf", "Tuinbouw", "Loonbedrijf"), ("Westland", "De Hoeve", "Flevo", "Van Os")),
    "energie": (("Energie", "Netbeheer", "Windpark", "Warmtebedrijf"), ("Groen Noord", "Zon", "Noordzee", "Regio")),
    "woningcorporatie": (("Wonen", "Woonstichting", "Woningbouwvereniging", "Woongroep"), ("Woonwaard", "Het Dak", "Thuisbasis", "Stadswonen", "Samen Wonen", "Ons Huis")),
}  # fmt: skip

STREETS = (
    "Stationsweg", "Kerkstraat", "Dorpsstraat", "Industrieweg", "Nieuwstraat", "Markt",
    "Hoofdstraat", "Schoolstraat", "Molenweg", "Julianalaan", "Beatrixlaan", "Parallelweg",
    "Zuidsingel", "Noordersingel", "Havenweg", "Europaweg", "Energieweg", "Ambachtsweg",
)  # fmt: skip
