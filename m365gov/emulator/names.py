"""French names, the town's departments and its council roles, for the fictional tenant.

Kept apart from the generator so that the lists can grow (more names, another department) without
touching generation logic. Names carry accents on purpose: collectors and renderers must handle
``Élodie`` and ``Lefèvre`` correctly, and user principal names must be ASCII-folded.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

TOWN = "Saint-Aubin-sur-Loire"
ORGANIZATION_NAME = f"Ville de {TOWN}"
DOMAIN = "saint-aubin-sur-loire.fr"
INITIAL_DOMAIN = "saintaubinsurloire.onmicrosoft.com"
SHAREPOINT_HOST = "saintaubinsurloire.sharepoint.com"
POSTAL_CODE = "71140"
STREET = "1 place de la Mairie"
PHONE = "+33 3 85 00 10 00"

FEMALE_GIVEN_NAMES: tuple[str, ...] = (
    "Adèle", "Agnès", "Alice", "Amandine", "Amélie", "Anaïs", "Andrée", "Angélique", "Anne", "Annie",
    "Aurélie", "Béatrice", "Bérénice", "Brigitte", "Camille", "Capucine", "Carole", "Catherine", "Cécile",
    "Céline", "Chantal", "Charlotte", "Chloé", "Christelle", "Christine", "Claire", "Clémence", "Coralie",
    "Corinne", "Danièle", "Delphine", "Denise", "Dominique", "Éléonore", "Élise", "Élodie", "Émilie",
    "Emma", "Estelle", "Éva", "Fabienne", "Fanny", "Florence", "Françoise", "Gaëlle", "Geneviève",
    "Ghislaine", "Hélène", "Inès", "Isabelle", "Jacqueline", "Jeanne", "Jocelyne", "Joëlle", "Josiane",
    "Julie", "Juliette", "Karine", "Laetitia", "Laure", "Laurence", "Léa", "Léna", "Lucie", "Lydie",
    "Madeleine", "Maëlle", "Maëlys", "Manon", "Marie", "Marie-Hélène", "Marine", "Martine", "Mathilde",
    "Mélanie", "Mireille", "Monique", "Morgane", "Nadège", "Nadia", "Nathalie", "Nicole", "Noémie",
    "Océane", "Odile", "Pascale", "Patricia", "Pauline", "Perrine", "Rachida", "Régine", "Sabrina",
    "Sandrine", "Sarah", "Séverine", "Solène", "Sophie", "Stéphanie", "Suzanne", "Sylvie", "Thérèse",
    "Valérie", "Véronique", "Virginie", "Yasmine", "Yvette", "Zoé",
)

MALE_GIVEN_NAMES: tuple[str, ...] = (
    "Adrien", "Alain", "Alexandre", "Antoine", "Arnaud", "Arthur", "Aurélien", "Baptiste", "Benoît",
    "Bernard", "Bertrand", "Bruno", "Cédric", "Christian", "Christophe", "Claude", "Clément", "Cyril",
    "Damien", "Daniel", "David", "Denis", "Didier", "Dominique", "Édouard", "Éric", "Étienne", "Fabien",
    "Fabrice", "Florian", "Franck", "François", "Frédéric", "Gaël", "Gaétan", "Georges", "Gérard",
    "Grégoire", "Guillaume", "Guy", "Henri", "Hervé", "Hugo", "Jacques", "Jean", "Jean-Claude",
    "Jean-François", "Jean-Luc", "Jean-Pierre", "Jérémie", "Jérôme", "Joël", "Jonathan", "Julien",
    "Karim", "Kévin", "Laurent", "Léo", "Loïc", "Louis", "Luc", "Lucas", "Marc", "Marcel", "Mathieu",
    "Maxime", "Michel", "Mickaël", "Nicolas", "Noël", "Olivier", "Pascal", "Patrick", "Paul",
    "Philippe", "Pierre", "Quentin", "Raphaël", "Rémi", "Renaud", "René", "Richard", "Robert", "Romain",
    "Samuel", "Sébastien", "Serge", "Simon", "Stéphane", "Sylvain", "Théo", "Thibault", "Thierry",
    "Thomas", "Tristan", "Valentin", "Vincent", "Xavier", "Yann", "Yannick", "Yves",
)

SURNAMES: tuple[str, ...] = (
    "Adam", "Aït Ahmed", "André", "Arnaud", "Aubert", "Aubry", "Bailly", "Barbier", "Baron", "Barré",
    "Baudry", "Bellanger", "Benali", "Benoît", "Bérenger", "Berger", "Bernard", "Bertin", "Bertrand",
    "Besson", "Bigot", "Blanc", "Blanchard", "Bonnet", "Bouchet", "Bourgeois", "Bousquet", "Bouvier",
    "Boyer", "Breton", "Brun", "Brunet", "Buisson", "Camus", "Caron", "Carpentier", "Carré", "Chauvin",
    "Charpentier", "Chevalier", "Clément", "Colin", "Collet", "Cordier", "Courtois", "Cousin",
    "Da Silva", "David", "Delaunay", "Delmas", "Denis", "Deschamps", "Devaux", "Diallo", "Dubois",
    "Dufour", "Dumas", "Dumont", "Dupont", "Dupuis", "Dupuy", "Durand", "Duval", "Étienne", "Fabre",
    "Faure", "Fernandez", "Ferrand", "Fleury", "Fontaine", "Fournier", "François", "Garcia", "Garnier",
    "Gaillard", "Gauthier", "Gautier", "Gérard", "Germain", "Gilbert", "Gilles", "Girard", "Giraud",
    "Godard", "Grégoire", "Gros", "Guérin", "Guillaume", "Guillot", "Guyot", "Haddad", "Hamon", "Henry",
    "Hubert", "Huet", "Humbert", "Imbert", "Jacob", "Jacquet", "Joly", "Jourdan", "Julien", "Labbé",
    "Lacroix", "Lambert", "Langlois", "Laurent", "Le Gall", "Le Goff", "Le Roux", "Lebon", "Lebreton",
    "Lebrun", "Leclerc", "Leclercq", "Lecomte", "Lefèvre", "Lefort", "Legrand", "Lejeune", "Lemaire",
    "Lemaître", "Lemoine", "Leroy", "Lévêque", "Lopez", "Louis", "Lucas", "Maillard", "Mallet",
    "Marchal", "Marchand", "Maréchal", "Marie", "Martin", "Martinez", "Masson", "Mathieu", "Ménard",
    "Mercier", "Meunier", "Meyer", "Michel", "Millet", "Monnier", "Moreau", "Morel", "Morin", "Moulin",
    "Muller", "N'Diaye", "Nguyen", "Nicolas", "Noël", "Olivier", "Paris", "Pasquier", "Pelletier",
    "Pérez", "Perrin", "Perrot", "Petit", "Philippe", "Picard", "Pichon", "Pierre", "Poirier", "Pons",
    "Poulain", "Prévost", "Renard", "Renaud", "Rey", "Richard", "Rivière", "Robert", "Robin", "Roche",
    "Rodriguez", "Roger", "Rolland", "Rousseau", "Roussel", "Roux", "Roy", "Royer", "Sanchez",
    "Sauvage", "Schmitt", "Schneider", "Simon", "Tanguy", "Tessier", "Texier", "Thibault", "Thomas",
    "Traoré", "Vallée", "Vasseur", "Vidal", "Vincent",
)


@dataclass(frozen=True)
class Department:
    """One department of the town hall.

    Attributes:
        name: the ``department`` value users carry.
        nickname: ASCII mail nickname stem for the department's group and site.
        weight: share of the staff working there (relative; the generator normalises).
        offices: ``officeLocation`` values, the first being the department's main building.
        head: job title of the head, as (masculine, feminine).
        titles: other job titles, as (masculine, feminine) pairs.
    """

    name: str
    nickname: str
    weight: float
    offices: tuple[str, ...]
    head: tuple[str, str]
    titles: tuple[tuple[str, str], ...]


def _t(masc: str, fem: str | None = None) -> tuple[str, str]:
    return (masc, fem or masc)


DEPARTMENTS: tuple[Department, ...] = (
    Department("Direction générale des services", "dgs", 2, ("Hôtel de ville",),
               _t("Directeur général des services", "Directrice générale des services"),
               (_t("Directeur général adjoint", "Directrice générale adjointe"), _t("Assistant de direction",
                "Assistante de direction"), _t("Chargé de mission", "Chargée de mission"))),
    Department("Finances", "finances", 4, ("Hôtel de ville",),
               _t("Directeur des finances", "Directrice des finances"),
               (_t("Gestionnaire comptable"), _t("Contrôleur de gestion", "Contrôleuse de gestion"),
                _t("Chargé de la préparation budgétaire", "Chargée de la préparation budgétaire"))),
    Department("Ressources humaines", "rh", 4, ("Hôtel de ville",),
               _t("Directeur des ressources humaines", "Directrice des ressources humaines"),
               (_t("Gestionnaire paie et carrières"), _t("Chargé de recrutement", "Chargée de recrutement"),
                _t("Conseiller en prévention", "Conseillère en prévention"))),
    Department("Services techniques", "services-techniques", 18,
               ("Centre technique municipal", "Hôtel de ville", "Serres municipales"),
               _t("Directeur des services techniques", "Directrice des services techniques"),
               (_t("Agent de voirie"), _t("Électricien", "Électricienne"), _t("Jardinier", "Jardinière"),
                _t("Plombier chauffagiste", "Plombière chauffagiste"), _t("Technicien bâtiment",
                "Technicienne bâtiment"), _t("Agent d'entretien"), _t("Mécanicien", "Mécanicienne"))),
    Department("Urbanisme", "urbanisme", 3, ("Hôtel de ville",),
               _t("Responsable de l'urbanisme"),
               (_t("Instructeur du droit des sols", "Instructrice du droit des sols"),
                _t("Chargé d'études urbaines", "Chargée d'études urbaines"))),
    Department("État civil", "etat-civil", 4, ("Hôtel de ville", "Mairie annexe des Tilleuls"),
               _t("Responsable de l'état civil"),
               (_t("Officier d'état civil délégué", "Officière d'état civil déléguée"),
                _t("Agent d'accueil"), _t("Agent des affaires funéraires"))),
    Department("Police municipale", "police-municipale", 5, ("Poste de police municipale",),
               _t("Chef de service de police municipale", "Cheffe de service de police municipale"),
               (_t("Brigadier-chef principal", "Brigadière-cheffe principale"), _t("Gardien-brigadier",
                "Gardienne-brigadière"), _t("Agent de surveillance de la voie publique"),
                _t("Opérateur de vidéoprotection", "Opératrice de vidéoprotection"))),
    Department("Culture", "culture", 4, ("Espace culturel Loire", "Conservatoire municipal"),
               _t("Directeur des affaires culturelles", "Directrice des affaires culturelles"),
               (_t("Professeur de musique", "Professeure de musique"), _t("Régisseur", "Régisseuse"),
                _t("Médiateur culturel", "Médiatrice culturelle"))),
    Department("Médiathèque", "mediatheque", 4, ("Médiathèque Jules-Verne",),
               _t("Directeur de la médiathèque", "Directrice de la médiathèque"),
               (_t("Bibliothécaire"), _t("Assistant de conservation", "Assistante de conservation"),
                _t("Agent du patrimoine"))),
    Department("Sports", "sports", 5, ("Complexe sportif des Bords de Loire", "Piscine municipale"),
               _t("Directeur des sports", "Directrice des sports"),
               (_t("Éducateur sportif", "Éducatrice sportive"), _t("Maître-nageur", "Maîtresse-nageuse"),
                _t("Gardien d'équipement sportif", "Gardienne d'équipement sportif"))),
    Department("Éducation et enfance", "education-enfance", 22,
               ("Groupe scolaire Jean-Moulin", "Groupe scolaire des Tilleuls", "Multi-accueil Les Lutins",
                "Hôtel de ville"),
               _t("Directeur de l'éducation et de l'enfance", "Directrice de l'éducation et de l'enfance"),
               (_t("ATSEM"), _t("Animateur périscolaire", "Animatrice périscolaire"),
                _t("Auxiliaire de puériculture"), _t("Agent de restauration scolaire"),
                _t("Coordinateur périscolaire", "Coordinatrice périscolaire"))),
    Department("CCAS", "ccas", 8, ("Centre communal d'action sociale", "Résidence autonomie Les Glycines"),
               _t("Directeur du CCAS", "Directrice du CCAS"),
               (_t("Travailleur social", "Travailleuse sociale"), _t("Aide à domicile"),
                _t("Conseiller en économie sociale et familiale", "Conseillère en économie sociale et familiale"))),
    Department("Communication", "communication", 2, ("Hôtel de ville",),
               _t("Directeur de la communication", "Directrice de la communication"),
               (_t("Chargé de communication", "Chargée de communication"), _t("Graphiste"),
                _t("Community manager"))),
    Department("DSI", "dsi", 3, ("Hôtel de ville",),
               _t("Directeur des systèmes d'information", "Directrice des systèmes d'information"),
               (_t("Administrateur systèmes et réseaux", "Administratrice systèmes et réseaux"),
                _t("Technicien support", "Technicienne support"), _t("Chef de projet applicatif",
                "Cheffe de projet applicatif"), _t("Responsable de la sécurité des systèmes d'information"))),
    Department("Affaires juridiques et commande publique", "juridique", 2, ("Hôtel de ville",),
               _t("Responsable des affaires juridiques"),
               (_t("Juriste"), _t("Acheteur public", "Acheteuse publique"))),
    Department("Environnement et espaces verts", "espaces-verts", 10, ("Serres municipales",
               "Centre technique municipal"),
               _t("Responsable des espaces verts"),
               (_t("Jardinier", "Jardinière"), _t("Élagueur", "Élagueuse"), _t("Agent de propreté urbaine"))),
)

COUNCIL_DEPARTMENT = "Conseil municipal"
COUNCIL_SIZE = 33
COUNCIL_ADJOINTS = 9
COUNCIL_DELEGATES = 5


def council_title(rank: int, female: bool) -> str:
    """The ``jobTitle`` of the council member at ``rank`` (0 = the mayor, then adjoints in order)."""
    if rank == 0:
        return "Maire"
    if rank <= COUNCIL_ADJOINTS:
        ordinal = ("1re" if female else "1er") if rank == 1 else f"{rank}e"
        return f"{ordinal} {'adjointe' if female else 'adjoint'} au maire"
    if rank <= COUNCIL_ADJOINTS + COUNCIL_DELEGATES:
        return "Conseillère municipale déléguée" if female else "Conseiller municipal délégué"
    return "Conseillère municipale" if female else "Conseiller municipal"


GUEST_DOMAINS: tuple[tuple[str, str], ...] = (
    ("bureau-etudes-loire.fr", "Bureau d'études Loire"),
    ("agglo-loire-bourgogne.fr", "Agglomération Loire-Bourgogne"),
    ("archi-associes.fr", "Architectes associés"),
    ("infogerance-centre.fr", "Infogérance Centre"),
    ("ecole-musique-intercommunale.fr", "École de musique intercommunale"),
)

SERVICE_ACCOUNTS: tuple[tuple[str, str, str | None], ...] = (
    # (mail nickname, display name, usageLocation)
    ("svc-scanner", "Compte de service – numérisation des copieurs", "FR"),
    ("svc-sauvegarde", "Compte de service – sauvegarde Microsoft 365", "FR"),
    ("svc-supervision", "Compte de service – supervision", None),
    ("svc-synchro-rh", "Compte de service – synchronisation SIRH", None),
)


@functools.lru_cache(maxsize=8192)
def ascii_fold(text: str) -> str:
    """Lower-case ASCII for an address: ``Marie-Hélène Le Gall`` → ``marie-helene-le-gall``.

    Ligatures are expanded, accents dropped, spaces become hyphens and apostrophes vanish, which is
    what French HR tools commonly do when building addresses.
    """
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    out = out.replace("'", "").replace("’", "").replace(" ", "-").lower()
    return "".join(c for c in out if c.isascii() and (c.isalnum() or c in "-."))
