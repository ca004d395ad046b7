"""Safety-department page: the rule packs and the campuses following each."""

from __future__ import annotations

from flask import render_template

from safetyops.compliance import operations as pack_store
from safetyops.compliance.views import bp
from safetyops.core.access import admin_only


@bp.route("/admin/rule-packs")
@admin_only
def rule_packs():
    return render_template("compliance/rule_packs.html", packs=pack_store.list_packs())
