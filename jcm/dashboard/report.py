"""The implementation report: what the meetings of a period recorded about each of the MOU's areas, gathered into
one plain record (jcm.records) for the ministers' document — its HTML and its PDF are printed from it, and its digest
keys the PDF's draft cache, so an unchanged report is rendered once.

Per area (an area of cooperation, or any node of the MOU's tree asked for): the status of each of its focus areas at
each meeting of the period, the decisions taken on it meeting by meeting, the action items done in the period, and
those overdue today with their owners on each side; and a summary over them all. Each meeting's minutes are read as
jcm.dashboard.services.recorded reads them: the adopted text (with its latest correction) once adopted, the draft as
it stands before — and what comes from a draft is marked provisional. What the reader may not read is neither shown
nor counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from jcm.actions.models import OPEN_STATUSES, ActionItem, ActionUpdate
from jcm.actions.services import agency_labels, owners_of, people_labels
from jcm.dashboard.services import recorded
from jcm.documents.records import governments
from jcm.errors import Invalid, NotFound
from jcm.extensions import db
from jcm.meetings.models import Meeting
from jcm.models import SIDES, parse_date
from jcm.mou.models import Agreement
from jcm.mou.services import AreaTree, area_tree, current_agreement_id
from jcm.permissions import can, require
from jcm.records import agreement_facts, iso

REPORT_SCHEMA = "jcm.implementation-report/1"
MAX_AREAS = 50  # area= given more often than the MOU has areas is a mistake, not a report
HELD = ("held", "minutes_adopted")


@dataclass(frozen=True)
class ReportFilters:
    """The period (meetings whose first day falls within it, both days included) and the areas asked for (codes;
    none: every area of cooperation)."""

    start: date | None = None
    end: date | None = None
    areas: tuple[str, ...] = field(default_factory=tuple)


def read_filters(args: Mapping[str, Any]) -> ReportFilters:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&area=A&area=B.4 (a MultiDict or a plain dict); a bad date is refused (422)."""
    getlist = getattr(args, "getlist", None)
    areas = getlist("area") if getlist else ([args["area"]] if isinstance(args.get("area"), str)
                                              else list(args.get("area") or []))
    codes: list[str] = []
    for value in areas:
        for code in str(value).split(","):
            code = code.strip()
            if code and code not in codes:
                codes.append(code)
    if len(codes) > MAX_AREAS:
        raise Invalid(_("Ask for at most %(n)d areas.", n=MAX_AREAS), field="area")
    start = parse_date(args["from"], "from") if args.get("from") else None
    end = parse_date(args["to"], "to") if args.get("to") else None
    if start and end and end < start:
        raise Invalid(_("The period ends (%(end)s) before it starts (%(start)s).", start=start.isoformat(),
                        end=end.isoformat()), field="to")
    return ReportFilters(start, end, tuple(codes))


def implementation_report(user, filters: ReportFilters, today: date) -> dict[str, Any]:
    """The report as the reader may read it, over the period and areas asked for (by default from the agreement's
    signing to today, every area of cooperation), as at `today`. A constant number of statements, whatever the
    number of meetings, areas and action items."""
    require(user, "agreement.view")
    agreement_id = current_agreement_id()
    if agreement_id is None:
        raise NotFound(_("No MOU has been loaded yet."))
    agreement = db.session.get(Agreement, agreement_id)
    start = filters.start or agreement.signed_date or _first_meeting_day(agreement_id) or today
    end = filters.end or today
    if end < start:
        raise Invalid(_("The period ends (%(end)s) before it starts (%(start)s).", start=start.isoformat(),
                        end=end.isoformat()), field="to" if filters.end else "from")

    tree = area_tree(agreement_id)
    unknown = [code if len(code) <= 40 else f"{code[:40]}…" for code in filters.areas if code not in tree.by_code]
    if unknown:
        raise Invalid(_("The MOU has no area with the code %(codes)s.", codes=", ".join(unknown)), field="area")
    chosen = [tree.by_code[code] for code in filters.areas] or [node for node in tree.nodes if node.depth == 0]

    meetings = _meetings(user, agreement_id, start, end)
    records = recorded(user, [m.id for m in meetings])
    items = _action_items(user, agreement_id, start, end, today)

    areas = [_area_section(tree, area, meetings, records, items) for area in chosen]
    in_scope = {node.code for area in chosen for node in tree.branch(area)}
    return {
        "schema": REPORT_SCHEMA,
        "agreement": agreement_facts(agreement),
        "governments": governments(agreement_id),
        "period": {"from": iso(start), "to": iso(end)},
        "as_of": iso(today),
        "areas_asked": list(filters.areas),
        "meetings": [_meeting(m, records.get(m.id)) for m in meetings],
        "focus_areas": {row.code: {"en": row.title or "", "ko": row.title_ko or ""} for row in tree.nodes},
        "areas": areas,
        "summary": _summary(meetings, records, items, in_scope, tree),
        "action_items_shown": items is not None,
    }


# --- the meetings and their minutes ---------------------------------------------------------------------------

def _meetings(user, agreement_id: int, start: date, end: date) -> list:
    """The agreement's meetings (not cancelled) whose first day falls in the period, in their order."""
    if not can(user, "meeting.view"):
        return []
    return list(db.session.execute(
        select(Meeting.id, Meeting.ordinal, Meeting.title, Meeting.title_ko, Meeting.start_date, Meeting.end_date,
               Meeting.status)
        .where(Meeting.agreement_id == agreement_id, Meeting.status != "cancelled",
               Meeting.start_date >= start, Meeting.start_date <= end)
        .order_by(Meeting.start_date, Meeting.ordinal)).all())


def _first_meeting_day(agreement_id: int) -> date | None:
    """Where a report starts when the agreement's signing is not recorded: its first meeting."""
    return db.session.scalar(select(func.min(Meeting.start_date)).where(Meeting.agreement_id == agreement_id,
                                                                       Meeting.status != "cancelled"))


def _meeting(meeting, record) -> dict[str, Any]:
    return {"id": meeting.id, "ordinal": meeting.ordinal, "ref": f"JCM{meeting.ordinal}",
            "title": {"en": meeting.title or "", "ko": meeting.title_ko or ""},
            "start_date": iso(meeting.start_date), "end_date": iso(meeting.end_date), "status": meeting.status,
            "minutes": record.minutes_status if record else None,
            "digest": record.digest if record else None}


# --- the action items -----------------------------------------------------------------------------------------

@dataclass
class _Items:
    """The action items the report speaks of: those done in the period and those open today, each with its owners
    on each side as the register names them."""

    done: list[dict[str, Any]]
    open: list[dict[str, Any]]


def _action_items(user, agreement_id: int, start: date, end: date, today: date) -> _Items | None:
    """Done in the period (the day it was last marked done, or closed at a meeting, else last changed) and open
    today; None when the reader may not read action items."""
    if not can(user, "action.view"):
        return None
    marked_done = (select(ActionUpdate.action_item_id, func.max(ActionUpdate.at).label("at"))
                   .where(ActionUpdate.status_to == "done").group_by(ActionUpdate.action_item_id).subquery())
    closed_in = (select(Meeting.id, Meeting.start_date).subquery())
    done_at = func.coalesce(marked_done.c.at, ActionItem.updated_at)
    after, before = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    rows = db.session.execute(
        select(ActionItem.id, ActionItem.ref, ActionItem.title, ActionItem.title_ko, ActionItem.focus_area_id,
               ActionItem.due_date, ActionItem.status, done_at.label("done_at"), closed_in.c.start_date.label("closed"))
        .outerjoin(marked_done, marked_done.c.action_item_id == ActionItem.id)
        .outerjoin(closed_in, closed_in.c.id == ActionItem.closed_in_meeting_id)
        .where(ActionItem.agreement_id == agreement_id,
               or_(ActionItem.status.in_(OPEN_STATUSES),
                   and_(ActionItem.status == "done",
                        or_(and_(closed_in.c.start_date >= start, closed_in.c.start_date <= end),
                            and_(closed_in.c.start_date.is_(None), done_at >= after, done_at < before)))))
        .order_by(ActionItem.due_date, ActionItem.ref)).all()
    people, agencies = people_labels(), agency_labels()
    owners: dict[int, dict[str, list[dict[str, str]]]] = {}
    for item_id, side, user_id, organization_id in owners_of([row.id for row in rows]):
        label = people.get(user_id) if user_id is not None else agencies.get(organization_id)
        if label is not None:
            owners.setdefault(item_id, {s: [] for s in SIDES})[side].append(
                {"en": label.name, "ko": label.name_ko or label.name})
    done, open_ = [], []
    for row in rows:
        closed_on = row.closed or (row.done_at.date() if isinstance(row.done_at, datetime) else row.done_at)
        entry = {"ref": row.ref, "title": {"en": row.title or "", "ko": row.title_ko or ""},
                 "focus_area_id": row.focus_area_id, "due_date": iso(row.due_date), "status": row.status,
                 "overdue": row.status in OPEN_STATUSES and row.due_date < today,
                 "done_on": iso(closed_on) if row.status == "done" else None,
                 "owners": owners.get(row.id, {s: [] for s in SIDES})}
        (done if row.status == "done" else open_).append(entry)
    done.sort(key=lambda entry: (entry["done_on"] or "", entry["ref"]))
    return _Items(done, open_)


def _counts(entries: list[dict[str, Any]], done: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Done in the period, open and (of the open) overdue today: in all, and on each side for what it owns."""
    counts = {"all": {"done": len(done), "open": len(entries), "overdue": sum(e["overdue"] for e in entries)}}
    for side in SIDES:
        owned = [e for e in entries if e["owners"][side]]
        counts[side] = {"done": sum(1 for e in done if e["owners"][side]), "open": len(owned),
                        "overdue": sum(e["overdue"] for e in owned)}
    return counts


def _printed(entry: dict[str, Any], tree: AreaTree) -> dict[str, Any]:
    printed = {key: value for key, value in entry.items() if key != "focus_area_id"}
    area = tree.by_id.get(entry["focus_area_id"])
    printed["focus_area"] = area.code if area else ""
    return printed


# --- an area --------------------------------------------------------------------------------------------------

def _area_section(tree: AreaTree, area, meetings: list, records: dict, items: _Items | None) -> dict[str, Any]:
    nodes = tree.branch(area)
    codes = {row.code for row in nodes}
    ids = {row.id for row in nodes}
    trend = []
    for row in nodes:
        statuses = []
        for meeting in meetings:
            record = records.get(meeting.id)
            progress = record.progress.get(row.code) if record else None
            statuses.append({"meeting_id": meeting.id, "status": progress.status if progress else None,
                             "provisional": bool(progress) and not record.adopted})
        if any(cell["status"] for cell in statuses):
            latest = next((records[m.id] for m in reversed(meetings)
                           if records.get(m.id) and row.code in records[m.id].progress), None)
            progress = latest.progress[row.code]
            trend.append({"code": row.code, "statuses": statuses,
                          "latest": {"meeting_id": latest.meeting_id, "status": progress.status,
                                     "provisional": not latest.adopted, "narrative": progress.narrative,
                                     "narrative_ko": progress.narrative_ko}})
    decisions = []  # meeting by meeting, those of the meetings that took any
    for meeting in meetings:
        record = records.get(meeting.id)
        taken = [{"record_number": decision.record_number, "areas": sorted(codes.intersection(decision.areas)),
                  "text": decision.text, "text_ko": decision.text_ko}
                 for decision in (record.decisions if record else ()) if codes.intersection(decision.areas)]
        if taken:
            decisions.append({"meeting_id": meeting.id, "provisional": not record.adopted, "decisions": taken})
    section: dict[str, Any] = {"code": area.code, "title": {"en": area.title or "", "ko": area.title_ko or ""},
                               "depth": area.depth, "trend": trend, "decisions": decisions}
    if items is not None:
        done = [e for e in items.done if e["focus_area_id"] in ids]
        open_ = [e for e in items.open if e["focus_area_id"] in ids]
        section["done"] = [_printed(e, tree) for e in done]
        section["overdue"] = [_printed(e, tree) for e in open_ if e["overdue"]]
        section["counts"] = _counts(open_, done)
    return section


def _summary(meetings: list, records: dict, items: _Items | None, codes: set[str], tree: AreaTree) -> dict[str, Any]:
    """Over the whole report: the meetings of the period and those held, their decisions (every one, whichever area
    it was taken under), whose minutes are adopted; and the action items of the areas reported on."""
    summary: dict[str, Any] = {
        "meetings": len(meetings),
        "held": sum(1 for m in meetings if m.status in HELD),
        "adopted": sum(1 for m in meetings if records.get(m.id) and records[m.id].adopted),
        "decisions": sum(len(records[m.id].decisions) for m in meetings if records.get(m.id)),
    }
    if items is not None:
        ids = {tree.by_code[code].id for code in codes}
        summary["counts"] = _counts([e for e in items.open if e["focus_area_id"] in ids],
                                    [e for e in items.done if e["focus_area_id"] in ids])
    return summary
