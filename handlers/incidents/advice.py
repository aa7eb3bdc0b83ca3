"""Immediate advice for the person who reports an incident, per category, in nl or en.

Long texts live in templates (``templates/advice_<category>.<lang>.j2``), rendered to neutral
markup. The advice covers the first minutes; the ISMT's handling comes after.
"""

from __future__ import annotations

from handlers.incidents.authorities import AuthoritySettings, default_authorities
from handlers.incidents.contacts import OrgContacts
from handlers.incidents.model import Category
from handlers.render import render
from storage.enums import Country


def advice_template(category: Category | str) -> str:
    return f"incidents/advice_{Category(category)}.j2"


def render_advice(
    language: str,
    category: Category | str,
    *,
    country: Country | str = Country.NL,
    reference: str | None = None,
    authorities: AuthoritySettings | None = None,
    contacts: OrgContacts | None = None,
    personal_data: str | None = None,
) -> str:
    """The advice for ``category`` in neutral markup; ``reference`` is shown when given.

    ``authorities`` are the organisation's settings (default: the country's) and name the data
    protection authority in the data-leak advice. ``contacts`` are the organisation's own numbers
    (servicedesk, 24/7, privacy officer), shown where the advice says whom to call;
    ``personal_data`` (the reporter's yes/unknown) adds the privacy officer to any category's
    advice.
    """
    settings = authorities or default_authorities(country)
    return render(
        language,
        advice_template(category),
        dpa=settings.gdpr.name,
        reference=reference,
        contacts=contacts or OrgContacts(),
        personal_data=personal_data,
        category=str(Category(category)),
    )
