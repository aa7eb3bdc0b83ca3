"""Queries on organisations (municipalities)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from storage.models import Organisation


def create_organisation(
    *,
    session: Session,
    slug: str,
    name: str,
    country: str,
    timezone: str,
    now: datetime,
    settings: dict[str, Any] | None = None,
) -> Organisation:
    org = Organisation(
        slug=slug,
        name=name,
        country=country,
        timezone=timezone,
        created_at=now,
        settings=settings or {},
    )
    session.add(org)
    session.flush()
    return org


def organisation_by_slug(*, session: Session, slug: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.slug == slug)).first()


def organisation_by_id(*, session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def list_organisations(*, session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).order_by(Organisation.slug)))


def set_suspended(*, session: Session, organisation: Organisation, suspended: bool) -> None:
    organisation.suspended = suspended
    session.add(organisation)
    session.flush()


def update_organisation(
    *,
    session: Session,
    organisation: Organisation,
    name: str | None = None,
    timezone: str | None = None,
    matrix_domain: str | None = None,
    settings: dict[str, Any] | None = None,
    unset: list[str] | None = None,
) -> list[str]:
    """Change the given fields (None leaves a field alone; ``matrix_domain=""`` clears it)."""
    changed = []
    if name is not None:
        organisation.name = name
        changed.append("name")
    if timezone is not None:
        organisation.timezone = timezone
        changed.append("timezone")
    if matrix_domain is not None:
        organisation.matrix_domain = matrix_domain.strip().lower() or None
        changed.append("matrix_domain")
    if settings or unset:
        # A new dict: SQLAlchemy compares JSON by value only when the object is replaced.
        merged = {k: v for k, v in organisation.settings.items() if k not in (unset or [])}
        merged.update(settings or {})
        organisation.settings = merged
        changed.extend(f"settings.{k}" for k in [*(settings or {}), *(unset or [])])
    session.add(organisation)
    session.flush()
    return changed
