"""How roles are called for people, and the Dutch words people type for them."""

from __future__ import annotations

from handlers.i18n import N_, t
from storage.enums import Role

ROLE_LABELS: dict[Role, str] = {
    Role.EMPLOYEE: N_("employee"),
    Role.COUNCIL_MEMBER: N_("council member"),
    Role.MAYOR: N_("mayor"),
    Role.ALDERMAN: N_("alderman"),
    Role.SECRETARY: N_("municipal secretary"),
    Role.ISMT: N_("ISMT member"),
    Role.IT: N_("IT staff"),
    Role.AUDITOR: N_("auditor"),
    Role.COORDINATOR: N_("NIS2 coordinator"),
}

#: Words people type for a role, in Dutch and English, mapped to the role.
ROLE_WORDS: dict[str, Role] = {
    "medewerker": Role.EMPLOYEE,
    "employee": Role.EMPLOYEE,
    "raadslid": Role.COUNCIL_MEMBER,
    "raad": Role.COUNCIL_MEMBER,
    "council_member": Role.COUNCIL_MEMBER,
    "council": Role.COUNCIL_MEMBER,
    "burgemeester": Role.MAYOR,
    "mayor": Role.MAYOR,
    "wethouder": Role.ALDERMAN,
    "schepen": Role.ALDERMAN,
    "alderman": Role.ALDERMAN,
    "secretaris": Role.SECRETARY,
    "gemeentesecretaris": Role.SECRETARY,
    "algemeen-directeur": Role.SECRETARY,
    "secretary": Role.SECRETARY,
    "ismt": Role.ISMT,
    "it": Role.IT,
    "ict": Role.IT,
    "auditor": Role.AUDITOR,
    "accountant": Role.AUDITOR,
    "coordinator": Role.COORDINATOR,
    "coördinator": Role.COORDINATOR,
    "nis2-coordinator": Role.COORDINATOR,
}


def parse_role(word: str) -> Role | None:
    return ROLE_WORDS.get(word.strip().lower())


#: Flanders' own words (Decreet Lokaal Bestuur): a schepen and an algemeen directeur, not a
#: wethouder and a gemeentesecretaris. In English the Flemish title stays visible.
BELGIAN_ROLE_LABELS: dict[Role, str] = {
    Role.ALDERMAN: N_("alderman (schepen)"),
    Role.SECRETARY: N_("general director (algemeen directeur)"),
}


def role_label(role: Role | str, language: str, country: str | None = None) -> str:
    """The role as people of ``country`` call it (nl when unknown)."""
    labels = BELGIAN_ROLE_LABELS if country == "be" else {}
    return t(language, labels.get(Role(role), ROLE_LABELS[Role(role)]))
