"""Who may change an evidence record once it is written: the object-level rules, in one
place. Views use them to show or hide buttons; operations enforce them (NotAllowed).
Campus scoping is checked before, by core.access.

- A drill record: before sign-off, whoever logged it, or a signer of its campus, may edit
  it; sign-off is for the campus principal, supervisors and the safety department; after
  sign-off only those signers may amend it (with a reason).
- A completed round: the officer who walked it may amend their own round; supervisors and
  the safety department may amend any round of their campuses. Principals, viewers and
  other officers may not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetyops.accounts.models import Role

if TYPE_CHECKING:
    from safetyops.accounts.models import User
    from safetyops.drills.models import Drill
    from safetyops.rounds.models import Round

DRILL_SIGNERS = frozenset({Role.PRINCIPAL, Role.SUPERVISOR, Role.SAFETY_ADMIN})
ROUND_REVIEWERS = frozenset({Role.SUPERVISOR, Role.SAFETY_ADMIN})


def may_sign_off_drill(user: User, drill: Drill) -> bool:
    """The safety department, a supervisor, or a principal of the drill's campus."""
    if user.role in (Role.SUPERVISOR, Role.SAFETY_ADMIN):
        return True
    return user.role == Role.PRINCIPAL and (
        drill.campus.principal_id == user.id or drill.campus_id in {c.id for c in user.campuses}
    )


def may_change_drill(user: User, drill: Drill) -> bool:
    """Edit a draft, or amend a signed-off record."""
    if may_sign_off_drill(user, drill):
        return True
    return not drill.is_signed_off and drill.logged_by_id == user.id


def may_amend_round(user: User, round_: Round) -> bool:
    if not round_.is_completed:
        return False  # a round in progress is corrected by checking again
    if user.role in ROUND_REVIEWERS:
        return True
    return user.role == Role.OFFICER and round_.officer_id == user.id
