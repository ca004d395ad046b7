"""Drills API: a drill, real SRP event or medical call sent from a tablet's outbox.

The body carries the form's own fields (as the page would post them) and the entry's
client UUID, so an entry made offline is checked by exactly the rules of the form, and
the same UUID twice stores one record.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from flask import jsonify, url_for
from flask_login import current_user
from pydantic import BaseModel, Field, StrictStr
from werkzeug.datastructures import MultiDict

from safetyops.accounts.models import Role
from safetyops.api.blueprint import bp
from safetyops.api.contract import api
from safetyops.core.access import allow, campus_for
from safetyops.core.errors import ValidationFailed
from safetyops.drills import operations as drills_service
from safetyops.drills.forms import DrillForm, MedicalCallForm, type_choices
from safetyops.drills.views import LOGGERS, _form_values
from safetyops.offline import operations as outbox
from safetyops.offline.models import EntryKind

FieldValue = Annotated[StrictStr, Field(max_length=4000)]


class FormEntryIn(BaseModel):
    client_id: uuid.UUID = Field(description="the entry's UUID: the same one twice is one record")
    fields: dict[
        Annotated[str, Field(max_length=80)],
        Annotated[list[FieldValue], Field(max_length=50)] | FieldValue,
    ] = Field(description="the form's fields, as the page would post them", max_length=100)


class RecordOut(BaseModel):
    id: int
    url: str
    created: bool


def _formdata(body: FormEntryIn) -> MultiDict:
    pairs: list[tuple[str, str]] = []
    for name, value in body.fields.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item))
    return MultiDict(pairs)


def _form_errors(form) -> ValidationFailed:
    errors: dict[str, str] = {}
    for name, messages in form.errors.items():
        first = messages[0] if isinstance(messages, list) and messages else messages
        errors[name] = str(first if not isinstance(first, dict) else next(iter(first.values())))
    return ValidationFailed(errors)


@api(bp, "/campuses/<code>/drills", method="POST", body=FormEntryIn,
     summary="Log a drill or real SRP event (the drill form's fields; idempotent by client_id)",
     responses={201: RecordOut, 200: RecordOut})  # fmt: skip
@allow(*LOGGERS)
def post_drill(code: str, body: FormEntryIn):
    campus = campus_for(current_user, code)
    form = DrillForm(formdata=_formdata(body), meta={"csrf": False})
    form.drill_type.choices = type_choices(drills_service.drill_types())
    if not form.validate():
        raise _form_errors(form)
    client_id = str(body.client_id)
    drill, created = drills_service.log_drill(
        campus, _form_values(form, campus), current_user, client_id
    )
    outbox.record_receipt(EntryKind.DRILL, client_id, current_user.id, campus.id, drill.id)
    out = {"id": drill.id, "url": url_for("drills.show", drill_id=drill.id), "created": created}
    return jsonify(out), 201 if created else 200


@api(bp, "/campuses/<code>/medical-calls", method="POST", body=FormEntryIn,
     summary="Record a medical call (the medical call form's fields; idempotent by client_id)",
     responses={201: RecordOut, 200: RecordOut})  # fmt: skip
@allow(Role.OFFICER, Role.SUPERVISOR, Role.SAFETY_ADMIN)
def post_medical_call(code: str, body: FormEntryIn):
    campus = campus_for(current_user, code)
    form = MedicalCallForm(formdata=_formdata(body), meta={"csrf": False})
    if not form.validate():
        raise _form_errors(form)
    called = drills_service.to_utc(campus, datetime.combine(form.day.data, form.called_time.data))
    ems = None
    if form.ems_time.data is not None:
        ems = drills_service.to_utc(campus, datetime.combine(form.day.data, form.ems_time.data))
    client_id = str(body.client_id)
    call, created = drills_service.record_medical_call(
        campus,
        {
            "called_at": called,
            "location": form.location.data,
            "actions": form.actions.data,
            "ems_arrived_at": ems,
            "notes": form.notes.data,
        },
        current_user,
        client_id,
    )
    outbox.record_receipt(EntryKind.MEDICAL_CALL, client_id, current_user.id, campus.id, call.id)
    out = {"id": call.id, "url": url_for("drills.index", code=campus.code), "created": created}
    return jsonify(out), 201 if created else 200
