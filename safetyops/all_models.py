"""Every area's models, imported together so SQLAlchemy can resolve relationships between
areas and Alembic sees the whole schema. Code imports a model from its own area; only the
app factory, migrations and tests import this module."""

from safetyops.accounts import models as accounts
from safetyops.actions import models as actions
from safetyops.audit import models as audit
from safetyops.calendar import models as calendar
from safetyops.campuses import models as campuses
from safetyops.certifications import models as certifications
from safetyops.compliance import models as compliance
from safetyops.core import submissions
from safetyops.drills import models as drills
from safetyops.findings import models as findings
from safetyops.live import models as live
from safetyops.notifications import models as notifications
from safetyops.offline import models as offline
from safetyops.planning import models as planning
from safetyops.postings import models as postings
from safetyops.reports import models as reports
from safetyops.rounds import models as rounds
from safetyops.scheduler import models as scheduler

AREAS = (
    accounts,
    actions,
    audit,
    calendar,
    campuses,
    certifications,
    compliance,
    drills,
    findings,
    live,
    notifications,
    offline,
    planning,
    postings,
    reports,
    rounds,
    scheduler,
    submissions,
)
