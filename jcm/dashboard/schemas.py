"""The JSON shapes of the pages that look across meetings: the dashboard's filters and what it answers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate

from jcm.errors import Invalid
from jcm.minutes.models import PROGRESS_STATUSES
from jcm.models import SIDES, parse_date

# --- the implementation dashboard -----------------------------------------------------------------------------

MAX_AREA_FILTER = 32


class _Day(fields.Str):
    """A day, YYYY-MM-DD, refused with the words the rest of JCM uses for a date that is not one."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_date(super()._deserialize(value, attr, data, **kwargs)[:40], attr)
        except Invalid as refusal:
            raise ValidationError(refusal.message) from None


class ProgressArguments(Schema):
    """The dashboard's filters, read the same way by the page, the CSV and the API."""

    class Meta:
        unknown = RAISE

    area = fields.Str(validate=validate.Length(max=MAX_AREA_FILTER, error=_l(
        "The area filter is a focus area's code (A.1) or id.")), metadata={
        "description": "a focus area's code (`A.1`) or id: that area and every area beneath it",
        "example": "A", "maxLength": MAX_AREA_FILTER})
    side = fields.Str(validate=validate.OneOf(SIDES, error=_l("The side filter is US or KR.")), metadata={
        "description": "US or KR: the action items with an owner on that side, and that side's balance",
        "enum": list(SIDES)})
    start = _Day(data_key="from", metadata={
        "description": "the meetings whose first day is on or after this day (and the action items raised from it)",
        "format": "date", "example": "2024-01-01"})
    end = _Day(data_key="to", metadata={
        "description": "the meetings whose first day is on or before this day; not before `from`",
        "format": "date", "example": "2026-12-31"})

    @pre_load
    def drop_empty(self, data, **_kwargs):
        """An empty filter on the page's form is no filter."""
        return {key: value for key, value in data.items() if not (isinstance(value, str) and not value.strip())}


def read_progress_filters(args) -> dict[str, Any]:
    """The dashboard's filters from a page's query string (anything else in it is left alone); a bad one is refused,
    naming the filter (422)."""
    try:
        return ProgressArguments(unknown=EXCLUDE).load(args.to_dict() if hasattr(args, "to_dict") else dict(args))
    except ValidationError as error:
        name, messages = next(iter(error.messages.items()))
        raise Invalid(str(messages[0] if isinstance(messages, list) else messages), field=name) from None


class DashboardCountsSchema(Schema):
    open = fields.Int(required=True, metadata={"description": "open or in progress"})
    overdue = fields.Int(required=True, metadata={"description": "open or in progress, and past their due date"})


class DashboardCellSchema(Schema):
    meeting_id = fields.Int(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(PROGRESS_STATUSES), metadata={
        "description": "as the meeting's minutes record it (their adopted text, with its latest correction, once "
                       "adopted); for an area with areas beneath it, the worst recorded for it or beneath it: "
                       "off_track, then at_risk, not_started, on_track, completed"})
    rolled_up = fields.Bool(required=True, metadata={"description": "true for an area with areas beneath it"})
    statuses = fields.Dict(keys=fields.Str(), values=fields.Int(), metadata={
        "description": "of a rolled-up cell: how many entries of each status it was rolled up from, worst first"})


class DashboardMeetingSchema(Schema):
    id = fields.Int(required=True)
    ordinal = fields.Int(required=True)
    title = fields.Str(required=True, metadata={"description": "in the caller's language"})
    start_date = fields.Date(required=True)
    host_side = fields.Str(required=True, validate=validate.OneOf(SIDES))
    status = fields.Str(required=True)
    minutes_status = fields.Str(allow_none=True, metadata={
        "description": "draft, circulated or adopted; null when the meeting has no minutes"})
    url = fields.Str(required=True, metadata={"description": "the meeting's page"})


class DashboardAreaSchema(Schema):
    id = fields.Int(required=True)
    code = fields.Str(required=True)
    title = fields.Str(required=True, metadata={"description": "in the caller's language"})
    depth = fields.Int(required=True, metadata={"description": "0 area of cooperation, 1 focus area, 2 sub-topic"})
    parent_id = fields.Int(allow_none=True)
    url = fields.Str(required=True, metadata={"description": "the focus area's page"})
    progress = fields.List(fields.Nested(DashboardCellSchema), required=True, metadata={
        "description": "one entry per meeting that recorded its progress (or, for a parent, that of an area beneath "
                       "it), in the order of `meetings`; a meeting that did not discuss it has none"})
    action_items = fields.Dict(keys=fields.Str(validate=validate.OneOf(SIDES)), values=fields.Nested(DashboardCountsSchema),
                               metadata={"description": "by side, the action items of the area and beneath it with "
                                                        "an owner on that side; left out for a caller who may not "
                                                        "read action items"})


class DashboardBalanceSchema(Schema):
    action_items = fields.Int(metadata={"description": "action items it owns something of (of the period)"})
    open = fields.Int(metadata={"description": "of them, open or in progress"})
    overdue = fields.Int(metadata={"description": "of them, past their due date and not done or dropped"})
    presented = fields.Int(required=True, metadata={"description": "agenda items of the period's meetings with a "
                                                                   "presenter of this side"})
    hosted = fields.Int(required=True, metadata={"description": "the period's meetings this side hosted"})


class DashboardFiltersSchema(Schema):
    area = fields.Str(allow_none=True, metadata={"description": "the code of the area filtered on"})
    side = fields.Str(allow_none=True)
    start = fields.Date(allow_none=True, attribute="from", data_key="from")
    end = fields.Date(allow_none=True, attribute="to", data_key="to")


class DashboardSchema(Schema):
    filters = fields.Nested(DashboardFiltersSchema, required=True)
    sides = fields.List(fields.Str(validate=validate.OneOf(SIDES)), required=True, metadata={
        "description": "the sides counted: both, or the one filtered on"})
    meetings = fields.List(fields.Nested(DashboardMeetingSchema), required=True, metadata={
        "description": "the columns: the meetings of the period, oldest first, cancelled ones left out"})
    areas = fields.List(fields.Nested(DashboardAreaSchema), required=True, metadata={
        "description": "the rows: the MOU's areas (or the one filtered on), each followed by the areas beneath it"})
    balance = fields.Dict(keys=fields.Str(validate=validate.OneOf(SIDES)), values=fields.Nested(DashboardBalanceSchema),
                          required=True, metadata={"description": "by side, its share over the period"})
    today = fields.Date(required=True, metadata={"description": "the day overdue is counted on"})
