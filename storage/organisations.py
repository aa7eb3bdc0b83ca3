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
