"""The JSON API under /api/v1: one blueprint; each area adds its routes in its own api.py."""

from safetyops.accounts import api as accounts_api
from safetyops.api import docs
from safetyops.api.blueprint import bp
from safetyops.campuses import api as campuses_api
from safetyops.compliance import api as compliance_api
from safetyops.drills import api as drills_api
from safetyops.live import api as live_api
from safetyops.offline import api as offline_api
from safetyops.rounds import api as rounds_api

# The area modules register their routes on ``bp`` when imported.
AREA_APIS = (
    accounts_api,
    campuses_api,
    compliance_api,
    drills_api,
    live_api,
    offline_api,
    rounds_api,
)

docs_bp = docs.docs_bp

__all__ = ["bp", "docs_bp"]
