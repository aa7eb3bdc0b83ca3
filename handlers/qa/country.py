"""Which country a question is about, when it says so ("in Vlaanderen", "de Cbw", "onze schepen").

A question that names the other country's law, institutions or offices is answered for that
country, even in an organisation of this one: a Dutch coordinator asking about the Belgian law
wants the Belgian answer, and a Flemish schepen who mentions the Cbw asks about Dutch law. A
question naming both (or neither) is answered for the organisation's own country.
"""

from __future__ import annotations

import re

from handlers.qa.text import normalise
from storage.enums import Country

# Words that only one of the two countries uses for its law, authorities or offices. Matched on
# the normalised text (lower case, no accents) at word starts.
_CUES: dict[Country, re.Pattern[str]] = {
    Country.BE: re.compile(
        r"\b(belgi|vlaander|vlaams|vlaamse|flemish|flanders|brussel|wallon|schepen"
        r"|algemeen directeur|ocmw|cpas|ccb\b|centrum voor cybersecurity|centre for cybersecurity"
        r"|cert\.?be|safeonweb|cyberfundamentals|cyfun|gba\b|gegevensbeschermingsautoriteit"
        r"|vvsg|intercommunale|rijksregister|nis2-wet|nis2 wet van 26|wet van 26 april|gemeentedecreet"
        r"|decreet lokaal bestuur|college van burgemeester en schepenen|cyber response team"
        r"|lokaal digitaal)"
    ),
    Country.NL: re.compile(
        r"\b(nederland|dutch|netherlands|cbw\b|cyberbeveiligingswet|cyberbeveiligingsbesluit"
        r"|wethouder|college van b ?en ?w|b ?& ?w\b|bw\b|college van burgemeester en wethouders"
        r"|ncsc|ibd\b|informatiebeveiligingsdienst|rdi\b|rijksinspectie|autoriteit persoonsgegevens"
        r"|bio2|bio 2|ensia|vng\b|bsn|burgerservicenummer|gemeentewet|wbni|mijnncsc"
        r"|gemeenschappelijke regeling|veiligheidsregio|ministerie van bzk|\bbzk\b)"
    ),
}


def question_country(question: str) -> Country | None:
    """The country a question names, if it names exactly one."""
    text = normalise(question)
    named = [country for country, pattern in _CUES.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None
