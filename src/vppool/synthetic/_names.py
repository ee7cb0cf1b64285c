"""Names and words for synthetic people and organisations, reflecting the Netherlands' mix.

Everything here is invented or generic: organisation names are built from common Dutch
words, places and family names, so no generated organisation stands for a real one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BACKGROUNDS",
    "COURSES",
    "DUTCH_FAMILY_NAMES",
    "ORGANISATION_WORDS",
    "OTHER_ACTIVITIES",
    "STREETS",
    "Background",
    "OrganisationWords",
]


@dataclass(frozen=True, slots=True)
class Background:
    """A (self-declared) cultural background: its share of the pool, names and languages."""

    share: float
    tag: str
    languages: tuple[tuple[str, float], ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]


#: Dutch family names, tussenvoegsels included as they are written after a first name.
DUTCH_FAMILY_NAMES: tuple[str, ...] = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems",
    "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal",
    "Prins", "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper",
    "Veenstra", "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink",
    "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boersma", "van der Velde",
    "Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen", "Schipper", "de Koning",
    "van der Laan", "Koning", "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch",
    "van der Meulen", "Hofman", "Bosman", "Wolters", "ter Horst", "ten Brink", "in 't Veld",
    "van 't Hof", "Wijnands", "Zijlstra", "Hoogendoorn", "Verbeek", "Claassen", "Nijhuis",
)  # fmt: skip

BACKGROUNDS: dict[str, Background] = {
    "nl": Background(
        share=0.68,
        tag="",
        languages=(("de", 0.22), ("fr", 0.1), ("es", 0.05), ("ngt", 0.01)),
        female=(
            "Anna", "Sanne", "Lotte", "Eva", "Fleur", "Iris", "Marieke", "Inge", "Ellen", "Petra",
            "Annemiek", "Karin", "Monique", "Esther", "Wendy", "Sandra", "Linda", "Marloes", "Judith",
            "Hanneke", "Anouk", "Femke", "Lieke", "Noor", "Janneke", "Miriam", "Ingrid", "Carla",
            "Joke", "Renate", "Mirjam", "Tineke", "Els", "Bianca", "Nicole", "Saskia", "Yvonne",
            "Astrid", "Maaike", "Suzanne", "Gerda", "Hilde", "Manon", "Marjolein", "Ilse", "Wietske",
            "Baukje", "Jolanda", "Loes", "Annelies",
        ),
        male=(
            "Jan", "Pieter", "Willem", "Kees", "Bram", "Thijs", "Joost", "Ruud", "Erik", "Marco",
            "Sander", "Bas", "Jeroen", "Maarten", "Hans", "Gert", "Rob", "Dennis", "Martijn", "Koen",
            "Wouter", "Frank", "Arjen", "Paul", "Henk", "Gijs", "Jasper", "Niels", "Teun", "Roel",
            "Sjoerd", "Jelle", "Harm", "Michiel", "Vincent",
        ),
        family=DUTCH_FAMILY_NAMES,
    ),
    "tr": Background(
        share=0.05,
        tag="turks-nederlands",
        languages=(("tr", 0.95), ("de", 0.1)),
        female=("Ayşe", "Fatma", "Elif", "Zeynep", "Emine", "Hülya", "Derya", "Gül", "Özlem", "Sibel", "Esra"),
        male=("Mehmet", "Mustafa", "Ahmet", "Emre", "Hakan", "Murat", "Serkan", "Kemal", "Orhan"),
        family=("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Arslan", "Doğan", "Aydın", "Koç", "Yıldız"),
    ),
    "ma": Background(
        share=0.05,
        tag="marokkaans-nederlands",
        languages=(("ar", 0.6), ("ber", 0.5), ("fr", 0.3)),
        female=("Fatima", "Khadija", "Naima", "Samira", "Nadia", "Latifa", "Hanan", "Loubna", "Soumaya", "Ikram"),
        male=("Mohammed", "Youssef", "Said", "Karim", "Hamid", "Rachid", "Mustapha", "Abdelkader", "Hassan"),
        family=("El Amrani", "Bouali", "Haddou", "El Idrissi", "Ziani", "Benali", "Aznag", "Boukhari", "El Khatib", "Ouali", "Tahiri"),
    ),
    "sr": Background(
        share=0.05,
        tag="surinaams-nederlands",
        languages=(("srn", 0.6), ("hi", 0.2)),
        female=("Sharon", "Gaitrie", "Natasha", "Shanti", "Melissa", "Sandhya", "Rosita", "Kavita", "Gwendolyn"),
        male=("Rishi", "Anand", "Roy", "Glenn", "Ravi", "Clyde", "Ashwin", "Errol", "Soeresh"),
        family=("Ramdin", "Biharie", "Kromodimedjo", "Pinas", "Sewdien", "Jadnanansing", "Kanhai", "Brunings", "Wongsodikromo", "Doelwijt"),
    ),
    "an": Background(
        share=0.025,
        tag="antilliaans-nederlands",
        languages=(("pap", 0.9), ("es", 0.4)),
        female=("Shurandy", "Jeanette", "Mireille", "Giselle", "Ivette", "Rudsel", "Jacqueline"),
        male=("Jurich", "Rignald", "Eduard", "Sherwin", "Gino", "Elvis", "Ruthmilo"),
        family=("Martina", "Isenia", "Statia", "Rosaria", "Maduro", "Cijntje", "Pieters", "Koeiman", "Wawoe"),
    ),
    "pl": Background(
        share=0.025,
        tag="pools",
        languages=(("pl", 0.97), ("de", 0.2)),
        female=("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa", "Monika", "Dorota"),
        male=("Piotr", "Tomasz", "Krzysztof", "Paweł", "Marek", "Łukasz", "Grzegorz"),
        family=("Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamińska", "Zielińska", "Lewandowski", "Dąbrowska"),
    ),
    "mol": Background(
        share=0.02,
        tag="moluks",
        languages=(),
        female=("Nona", "Helena", "Juliana", "Dina", "Yolanda"),
        male=("Johannes", "Frans", "Semuel", "Ronny", "Albert"),
        family=("Latumahina", "Pattipeilohy", "Tuhumury", "Sahetapy", "Manuputty", "Wattimena", "Tahapary"),
    ),
    "de": Background(
        share=0.02,
        tag="duits",
        languages=(("de", 1.0),),
        female=("Katrin", "Sabine", "Julia", "Anke", "Birgit"),
        male=("Lukas", "Thomas", "Stefan", "Jürgen", "Matthias"),
        family=("Schmidt", "Müller", "Schneider", "Becker", "Hoffmann", "Wagner", "Krüger"),
    ),
    "ua": Background(
        share=0.015,
        tag="oekraïens",
        languages=(("uk", 0.95), ("ru", 0.7)),
        female=("Olena", "Iryna", "Oksana", "Natalia", "Tetiana"),
        male=("Dmytro", "Andriy", "Oleksandr", "Serhiy", "Yuriy"),
        family=("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Boyko"),
    ),
    "sy": Background(
        share=0.015,
        tag="syrisch",
        languages=(("ar", 0.97),),
        female=("Rasha", "Lina", "Hiba", "Rima", "Nour"),
        male=("Ahmad", "Omar", "Bashar", "Khaled", "Fadi"),
        family=("Al-Hassan", "Haddad", "Khoury", "Al-Ali", "Sabbagh", "Darwish"),
    ),
    "ir": Background(
        share=0.01,
        tag="iraans",
        languages=(("fa", 0.95),),
        female=("Leila", "Maryam", "Shirin", "Parisa", "Azadeh"),
        male=("Reza", "Ali", "Babak", "Kaveh", "Dariush"),
        family=("Hosseini", "Rahimi", "Karimi", "Moradi", "Jafari", "Ahmadi"),
    ),
    "er": Background(
        share=0.008,
        tag="eritrees",
        languages=(("ti", 0.95), ("ar", 0.3)),
        female=("Senait", "Helen", "Saba", "Rahwa"),
        male=("Yonas", "Tesfay", "Dawit", "Samuel"),
        family=("Tesfamariam", "Gebremedhin", "Haile", "Berhane", "Kidane"),
    ),
    "so": Background(
        share=0.007,
        tag="somalisch",
        languages=(("so", 0.95), ("ar", 0.3)),
        female=("Hodan", "Amina", "Sahra", "Faadumo"),
        male=("Abdi", "Mohamed", "Ahmed", "Yusuf"),
        family=("Abdullahi", "Warsame", "Farah", "Hassan", "Osman"),
    ),
    "ro": Background(
        share=0.01,
        tag="roemeens",
        languages=(("ro", 0.95),),
        female=("Ioana", "Elena", "Andreea", "Mihaela"),
        male=("Andrei", "Mihai", "Bogdan", "Florin"),
        family=("Popescu", "Ionescu", "Dumitru", "Stoica", "Munteanu"),
    ),
    "int": Background(
        share=0.02,
        tag="",
        languages=(("es", 0.3), ("it", 0.2), ("pt", 0.2), ("fr", 0.2), ("zh", 0.1)),
        female=("Laura", "Sofia", "Maria", "Chiara", "Ana", "Mei", "Sarah"),
        male=("Carlos", "Marco", "João", "Pierre", "David", "Wei", "James"),
        family=("García", "Rossi", "Santos", "Dubois", "Smith", "Chen", "O'Brien", "Fernandes"),
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class OrganisationWords:
    """How organisations of one sector are called.

    ``kinds`` are words for what they are ("Zorggroep"), ``qualifiers`` invented proper
    names ("De Linde"), written before the kind when ``qualifier_first`` ("Zeeuwse Bank");
    ``family_firms`` says whether names like "Bouwbedrijf Van Dijk" fit, ``foundation``
    whether "Stichting" may precede the name.
    """

    kinds: tuple[str, ...]
    qualifiers: tuple[str, ...]
    family_firms: bool = False
    foundation: bool = False
    qualifier_first: bool = False


ORGANISATION_WORDS: dict[str, OrganisationWords] = {
    "zorg": OrganisationWords(
        ("Zorggroep", "Thuiszorg", "Zorgcentrum", "Ziekenhuis", "GGZ", "Huisartsenpraktijk", "Verpleeghuis", "Revalidatiecentrum", "Wijkverpleging", "Gezondheidscentrum"),
        ("De Linde", "Het Baken", "Duinzicht", "De Wending", "Zorgstroom", "De Lindehof", "Het Parkhuis", "De Hoven", "Oosterlicht", "De Zonnewijzer", "Hof van Holland", "De Waterlelie"),
        foundation=True,
    ),
    "onderwijs": OrganisationWords(
        ("Basisschool", "Christelijk College", "Lyceum", "Scholengroep", "ROC", "Hogeschool", "Kindcentrum", "Montessorischool", "Openbare Basisschool", "Praktijkschool"),
        ("De Regenboog", "Het Kompas", "De Horizon", "De Vlinder", "Sint Jozef", "Het Palet", "De Wereldwijzer", "De Springplank", "Het Mozaïek", "De Toermalijn", "De Zevensprong", "Het Baken"),
        foundation=True,
    ),
    "overheid": OrganisationWords(
        ("Omgevingsdienst", "Veiligheidsregio", "GGD", "Waterschap", "Belastingsamenwerking", "Sociale Dienst", "Regionaal Archief", "Milieudienst"),
        ("Noord", "Zuid", "Oost", "West", "Midden", "Rivierenland", "Kennemerland", "Kempen", "Veluwe", "Achterhoek", "Twente", "Westhoek"),
    ),
    "industrie": OrganisationWords(
        ("Metaalbewerking", "Machinefabriek", "Kunststoffen", "Techniek", "Staalbouw", "Productie", "Verpakkingen", "Voedingsmiddelen", "Elektrotechniek"),
        ("Hollandia", "Delta", "Rijnmond", "Polderland", "Noordwest", "Oranje", "Lage Landen", "Maasdal"),
        family_firms=True,
    ),
    "bouw": OrganisationWords(
        ("Bouwbedrijf", "Aannemersbedrijf", "Installatietechniek", "Bouwgroep", "Infra", "Dakdekkers", "Schildersbedrijf", "Grondverzet"),
        ("Heimstede", "De Bouwers", "Duurzaam", "Bouwkracht", "Oranje", "Fundament", "De Vakman"),
        family_firms=True,
    ),
    "logistiek": OrganisationWords(
        ("Transport", "Logistics", "Distributiecentrum", "Expeditie", "Koeriersdienst", "Warehousing", "Verhuizingen"),
        ("Holland", "Dutch Cargo", "Delta", "Maasvlakte", "Euroroute", "Noordzee", "Rijnvaart"),
        family_firms=True,
    ),
    "retail": OrganisationWords(
        ("Supermarkten", "Winkelgroep", "Mode", "Bouwmarkt", "Drogisterij", "Woonwinkel", "Tuincentrum", "Fietsenwinkel"),
        ("Het Centrum", "Dirksen", "Modehuis", "De Brink", "De Markt", "Stadshart", "Het Winkelhuis"),
        family_firms=True,
    ),
    "horeca": OrganisationWords(
        ("Hotelgroep", "Restaurants", "Catering", "Brasserie", "Events", "Partycentrum", "Grand Café"),
        ("De Gouden Leeuw", "Het Wapen", "De Kroon", "Het Anker", "De Zwaan", "De Karavaan", "Het Veerhuis"),
        family_firms=True,
    ),
    "financiele_dienstverlening": OrganisationWords(
        ("Bank", "Verzekeringen", "Pensioenfonds", "Accountants", "Financieel Advies", "Hypotheekadvies", "Administratiekantoor"),
        ("Coöperatieve", "Noordelijke", "Zeeuwse", "Rijnlandse", "Centrale", "Gelderse", "Haagse", "Brabantse"),
        family_firms=True,
        qualifier_first=True,
    ),
    "ict": OrganisationWords(
        ("Software", "IT Services", "Data", "Cloud", "Digital", "Security", "Webdevelopment"),
        ("Nexus", "Bitwise", "Codefabriek", "Dutch", "Quantum", "Sprout", "Pixelwerk", "Datadijk"),
        qualifier_first=True,
    ),
    "zakelijke_dienstverlening": OrganisationWords(
        ("Advocaten", "Adviesgroep", "Notarissen", "Schoonmaakdiensten", "Uitzendbureau", "Beveiliging", "Ingenieursbureau", "Facilitaire Diensten"),
        ("Partners", "Hofstad", "Compact", "Select", "Optimaal", "Eenvoud", "Kompas"),
        family_firms=True,
    ),
    "cultuur": OrganisationWords(
        ("Theater", "Museum", "Bibliotheek", "Muziekschool", "Filmhuis", "Poppodium", "Cultuurhuis"),
        ("De Schouwburg", "Stedelijk", "Het Podium", "De Kunstmaan", "De Lichtfabriek", "Het Pakhuis"),
        foundation=True,
    ),
    "sport": OrganisationWords(
        ("Sportcentrum", "Zwembad", "Voetbalvereniging", "Fitness", "Sportbedrijf", "Tennisvereniging", "Hockeyclub"),
        ("De Kikker", "Olympia", "Sportpunt", "Victoria", "De Wolfskuil", "Vitesse '28", "Quick"),
    ),
    "welzijn": OrganisationWords(
        ("Welzijn", "Jeugdzorg", "Kinderopvang", "Maatschappelijk Werk", "Buurtwerk", "Vluchtelingenwerk", "Mantelzorgsteunpunt"),
        ("Samen Sterk", "De Kern", "Kwadrant", "Spectrum", "De Brug", "Het Buurthuis", "Perspectief"),
        foundation=True,
    ),
    "landbouw": OrganisationWords(
        ("Kwekerij", "Melkveebedrijf", "Agrarisch Bedrijf", "Tuinbouw", "Loonbedrijf", "Bloembollen", "Champignonkwekerij"),
        ("Westland", "De Hoeve", "Polderhof", "Het Groene Land", "De Akker", "Zonnekas"),
        family_firms=True,
    ),
    "energie": OrganisationWords(
        ("Energie", "Netbeheer", "Windpark", "Warmtebedrijf", "Zonnepark", "Energiecoöperatie"),
        ("Groen Noord", "Zonnig", "Noordzee", "Regio", "Delta", "Stroomland"),
        qualifier_first=True,
    ),
    "woningcorporatie": OrganisationWords(
        ("Wonen", "Woonstichting", "Woningbouwvereniging", "Woongroep", "Woonbedrijf"),
        ("Het Dak", "Thuisbasis", "Stadswonen", "Samen Wonen", "Ons Huis", "De Woonplaats", "Thuisvast"),
    ),
}  # fmt: skip

STREETS: tuple[str, ...] = (
    "Stationsweg", "Kerkstraat", "Dorpsstraat", "Industrieweg", "Nieuwstraat", "Markt",
    "Hoofdstraat", "Schoolstraat", "Molenweg", "Julianalaan", "Beatrixlaan", "Parallelweg",
    "Zuidsingel", "Noordersingel", "Havenweg", "Europaweg", "Energieweg", "Ambachtsweg",
    "Wilhelminastraat", "Kastanjelaan", "Spoorstraat", "Handelsweg", "Professor Zernikeplein",
    "Oranjelaan", "Rijksstraatweg", "Koningin Julianaplein", "Veemarkt", "Laan van Nieuw Oost",
)  # fmt: skip

#: LVV-accredited courses (bij- en nascholing) with their usual length in hours.
COURSES: tuple[tuple[str, float], ...] = (
    ("Omgaan met agressie en intimidatie", 6.0),
    ("Klokkenluidersregeling in de praktijk", 4.0),
    ("Gespreksvaardigheden voor vertrouwenspersonen", 7.0),
    ("Seksuele intimidatie herkennen en bespreekbaar maken", 6.0),
    ("Discriminatie en racisme op de werkvloer", 4.0),
    ("Psychosociale arbeidsbelasting en de Arbowet", 3.0),
    ("Integriteit en melden van misstanden", 6.0),
    ("Trauma-sensitief werken", 12.0),
    ("Jaarverslag en beleidsadvisering", 3.0),
    ("Mediation-vaardigheden voor vertrouwenspersonen", 12.0),
    ("Pesten en uitsluiting in teams", 4.0),
    ("Wet bescherming klokkenluiders: actualiteiten", 3.0),
    ("Interculturele communicatie", 6.0),
)

#: Other permanent-education activities with a range of hours.
OTHER_ACTIVITIES: tuple[tuple[str, tuple[int, int]], ...] = (
    ("Voorlichting aan medewerkers", (1, 3)),
    ("Artikel geschreven voor vakblad", (3, 8)),
    ("Congres LVV", (4, 7)),
    ("Webinar Wet bescherming klokkenluiders", (1, 2)),
    ("Training gegeven aan collega-vertrouwenspersonen", (3, 6)),
    ("Literatuurstudie ongewenste omgangsvormen", (2, 6)),
    ("Regiobijeenkomst vertrouwenspersonen", (2, 3)),
    ("Workshop sociale veiligheid", (2, 4)),
)
