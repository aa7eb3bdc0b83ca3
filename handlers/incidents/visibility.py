"""Who sees what of an incident, and who may change what. Written out per role on purpose.

- The reporter (any role) sees their own incidents and their status, never other people's.
- ISMT, IT and the NIS2 coordinator see every incident of their organisation, in full.
- Council and college (council member, mayor, alderman, secretary) see numbers only; the mayor and
  the secretary also read, in the college view (no reporter, no technical details), the incidents
  they were told about: significant, in crisis, or possibly significant with personal data
  (``college``). They may flag the crisis organisation as activated.
- The auditor sees numbers in the chat and reads the full record through the export
  (``nis2bot export incidents``). Decision: no full read-only listing in the chat for the auditor.
  An audit looks back at complete, settled records, which the export gives with every timestamp;
  live incidents carry reporters' names and possibly personal data while the ISMT is still working,
  and least privilege says the auditor does not need those in a phone chat. The export is an
  operator action, so handing it over is a deliberate, logged step.
- Anonymous reports: the reporter's name is hidden in the ISMT room and from ISMT and IT members;
  the coordinator (who answers for the process) and the reporter still see it.
- Deciding significance and recording what was sent to an authority: ISMT and coordinator.
  Handling (status, handler, notes, awareness time): ISMT, IT and coordinator.
- The GDPR "no risk" record belongs to the privacy officer, which is not a role of its own here: an
  ISMT member (where the privacy officer usually sits) or the coordinator records it, with a reason,
  and the timeline keeps who did.
"""

from __future__ import annotations

from storage.enums import Role
from storage.incident_models import Incident

SEES_ALL: frozenset[Role] = frozenset({Role.ISMT, Role.IT, Role.COORDINATOR})
COUNTS_ONLY: frozenset[Role] = frozenset(
    {Role.COUNCIL_MEMBER, Role.MAYOR, Role.ALDERMAN, Role.SECRETARY, Role.AUDITOR}
)
DECIDES: frozenset[Role] = frozenset({Role.ISMT, Role.COORDINATOR})
HANDLES: frozenset[Role] = frozenset({Role.ISMT, Role.IT, Role.COORDINATOR})
RECORDS_SENT: frozenset[Role] = frozenset({Role.ISMT, Role.COORDINATOR})
RECORDS_GDPR: frozenset[Role] = frozenset({Role.ISMT, Role.COORDINATOR})
SEES_ANONYMOUS_NAME: frozenset[Role] = frozenset({Role.COORDINATOR})
COLLEGE_VIEW: frozenset[Role] = frozenset({Role.MAYOR, Role.SECRETARY})
FLAGS_CRISIS: frozenset[Role] = frozenset({Role.ISMT, Role.COORDINATOR, Role.SECRETARY, Role.MAYOR})


def sees_all(role: Role | None) -> bool:
    return role in SEES_ALL


def counts_only(role: Role | None) -> bool:
    return role in COUNTS_ONLY


def is_reporter(person_id: int | None, incident: Incident) -> bool:
    return person_id is not None and incident.reporter_person_id == person_id


def can_view(role: Role | None, person_id: int | None, incident: Incident) -> bool:
    """The full view for the team, the college view for the mayor and the secretary (incidents
    they were told about), the reporter's own view for the reporter; else nothing."""
    from handlers.incidents.college import college_may_view

    if role in COLLEGE_VIEW and college_may_view(incident):
        return True
    return sees_all(role) or is_reporter(person_id, incident)


def college_view(role: Role | None) -> bool:
    return role in COLLEGE_VIEW


def full_view(role: Role | None) -> bool:
    return sees_all(role)


def shows_reporter_name(
    role: Role | None, person_id: int | None, incident: Incident, *, in_ismt_room: bool
) -> bool:
    if not incident.anonymous:
        return True
    if in_ismt_room:
        return False
    return role in SEES_ANONYMOUS_NAME or is_reporter(person_id, incident)
