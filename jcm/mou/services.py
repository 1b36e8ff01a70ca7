"""The MOU's rules: loading a taxonomy, its live status, notices and modifications, focus areas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jcm.accounts.models import Organization
from jcm.audit.services import record, snapshot
from jcm.errors import Conflict, Invalid, NotFound
from jcm.extensions import db
from jcm.models import SIDES
from jcm.mou.loader import MouSpec
from jcm.mou.models import Agreement, AgreementTerm, FocusArea, Modification, Participant
from jcm.permissions import require

AGREEMENT_FIELDS = ("code", "title", "title_ko", "short_title", "short_title_ko", "purpose", "purpose_ko",
                    "language_note", "language_note_ko", "signed_date", "notice_period_days")
NOTICE_FIELDS = ("discontinuation_notice_date", "discontinuation_notice_side", "discontinuation_notice_reference")
FOCUS_FIELDS = ("code", "title", "title_ko", "summary", "summary_ko", "parent_id", "position", "depth")
FOCUS_EDITABLE = ("title", "title_ko", "summary", "summary_ko")


@dataclass
class LoadReport:
    agreement: Agreement
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def load_mou(actor, spec: MouSpec) -> LoadReport:
    """Create the agreement, or update it by codes so that links to focus areas stay intact."""
    if actor is not None and not isinstance(actor, str):
        require(actor, "agreement.edit")
    actor = actor or "command line"
    values = {key: spec.agreement[key] for key in AGREEMENT_FIELDS}
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == values["code"]).options(
        selectinload(Agreement.participants), selectinload(Agreement.terms), selectinload(Agreement.focus_areas)))
    if agreement is None:
        agreement = Agreement(**values)
        db.session.add(agreement)
        db.session.flush()
        report = LoadReport(agreement)
        report.created.append(f"agreement {agreement.code}")
        record(actor, "agreement.create", agreement, after=snapshot(agreement, AGREEMENT_FIELDS))
        existing_participants: dict[str, Participant] = {}
        existing_terms: dict[str, AgreementTerm] = {}
        existing_areas: dict[str, FocusArea] = {}
    else:
        report = LoadReport(agreement)
        before = snapshot(agreement, AGREEMENT_FIELDS)
        if _apply(agreement, values):
            report.updated.append(f"agreement {agreement.code}")
            record(actor, "agreement.update", agreement, before=before, after=snapshot(agreement, AGREEMENT_FIELDS))
        existing_participants = {p.side: p for p in agreement.participants}
        existing_terms = {t.code: t for t in agreement.terms}
        existing_areas = {a.code: a for a in agreement.focus_areas}

    for participant_values in spec.participants:
        participant = existing_participants.get(participant_values["side"])
        if participant is None:
            db.session.add(Participant(agreement_id=agreement.id, **participant_values))
            report.created.append(f"participant {participant_values['side']}")
        elif _apply(participant, participant_values):
            report.updated.append(f"participant {participant.side}")

    wanted_terms = {term["code"] for term in spec.terms}
    for position, term_values in enumerate(spec.terms):
        term = existing_terms.get(term_values["code"])
        if term is None:
            db.session.add(AgreementTerm(agreement_id=agreement.id, position=position, **term_values))
            report.created.append(f"term {term_values['code']}")
        elif _apply(term, {**term_values, "position": position}):
            report.updated.append(f"term {term.code}")
    for code, term in existing_terms.items():
        if code not in wanted_terms:
            db.session.delete(term)
            report.updated.append(f"term {code} removed")

    _load_organizations(actor, spec.organizations, report)
    _load_focus_areas(actor, agreement, spec.focus_areas, existing_areas, report)
    db.session.flush()
    return report


def _load_organizations(actor, items: list[dict[str, Any]], report: LoadReport) -> None:
    existing = {(o.side, o.acronym): o for o in db.session.scalars(select(Organization))}
    fields = ("side", "acronym", "name", "name_ko")
    for values in items:
        organization = existing.get((values["side"], values["acronym"]))
        if organization is None:
            organization = Organization(**values)
            db.session.add(organization)
            db.session.flush()
            report.created.append(f"organization {values['acronym']}")
            record(actor, "organization.create", organization, after=snapshot(organization, fields),
                   label=values["acronym"])
        else:
            before = snapshot(organization, fields)
            if _apply(organization, values):
                report.updated.append(f"organization {organization.acronym}")
                record(actor, "organization.update", organization, before=before,
                       after=snapshot(organization, fields), label=organization.acronym)


def _load_focus_areas(actor, agreement: Agreement, items: list[dict[str, Any]],
                      existing: dict[str, FocusArea], report: LoadReport) -> None:
    by_code: dict[str, FocusArea] = dict(existing)
    for position, item in enumerate(items):
        parent = by_code[item["parent_code"]] if item["parent_code"] else None
        values = {key: item[key] for key in ("code", "title", "title_ko", "summary", "summary_ko", "depth")}
        values.update(position=position, parent_id=parent.id if parent else None)
        area = by_code.get(item["code"])
        if area is None:
            area = FocusArea(agreement_id=agreement.id, **values)
            db.session.add(area)
            db.session.flush()
            by_code[area.code] = area
            report.created.append(f"focus area {area.code}")
            record(actor, "focus_area.create", area, after=snapshot(area, FOCUS_FIELDS))
        else:
            before = snapshot(area, FOCUS_FIELDS)
            if _apply(area, values):
                db.session.flush()
                report.updated.append(f"focus area {area.code}")
                record(actor, "focus_area.update", area, before=before, after=snapshot(area, FOCUS_FIELDS))
    wanted = {item["code"] for item in items}
    # Areas dropped from the file are kept: meetings and action items may still point at them.
    report.not_in_file = sorted(code for code in existing if code not in wanted)


# --- reading ----------------------------------------------------------------------------------------

def agreements() -> list[Agreement]:
    return list(db.session.scalars(select(Agreement).order_by(Agreement.id).options(
        selectinload(Agreement.participants))))


def get_agreement(agreement_id: int) -> Agreement:
    agreement = db.session.scalar(select(Agreement).where(Agreement.id == agreement_id).options(
        selectinload(Agreement.participants), selectinload(Agreement.terms),
        selectinload(Agreement.modifications), selectinload(Agreement.focus_areas)))
    if agreement is None:
        raise NotFound(_("There is no agreement with id %(id)s.", id=agreement_id))
    return agreement


def first_agreement() -> Agreement | None:
    return db.session.scalar(select(Agreement).order_by(Agreement.id).limit(1))


def current_agreement() -> Agreement | None:
    """The agreement the pages show: the first one loaded."""
    agreement_id = db.session.scalar(select(Agreement.id).order_by(Agreement.id).limit(1))
    return get_agreement(agreement_id) if agreement_id is not None else None


@dataclass
class TreeNode:
    area: FocusArea
    children: list["TreeNode"]


def focus_area_tree(agreement: Agreement) -> list[TreeNode]:
    """The agreement's focus areas as a tree, from one list already loaded."""
    nodes = {area.id: TreeNode(area, []) for area in agreement.focus_areas}
    roots: list[TreeNode] = []
    for area in agreement.focus_areas:  # ordered by position, so children keep their order
        (nodes[area.parent_id].children if area.parent_id in nodes else roots).append(nodes[area.id])
    return roots


def focus_areas(agreement_id: int | None = None) -> list[FocusArea]:
    query = select(FocusArea).order_by(FocusArea.agreement_id, FocusArea.position)
    if agreement_id is not None:
        query = query.where(FocusArea.agreement_id == agreement_id)
    return list(db.session.scalars(query))


def get_focus_area(focus_area_id: int) -> FocusArea:
    area = db.session.get(FocusArea, focus_area_id)
    if area is None:
        raise NotFound(_("There is no focus area with id %(id)s.", id=focus_area_id))
    return area


# --- changing ----------------------------------------------------------------------------------------

def _check_version(obj, expected: int | None, fields: tuple[str, ...]) -> None:
    if expected is not None and expected != obj.version:
        raise Conflict(_("Someone else changed this meanwhile; review their change and try again."),
                       current=snapshot(obj, fields))


def record_discontinuation_notice(actor, agreement: Agreement, notice_date: date, side: str,
                                  reference: str = "", expected_version: int | None = None) -> Agreement:
    """Written notice by one Participant; the MOU ends notice_period_days after its delivery."""
    require(actor, "agreement.give_notice", agreement)
    _check_version(agreement, expected_version, NOTICE_FIELDS)
    if side not in SIDES:
        raise Invalid(_("Say which Participant gave the notice (US or KR)."), field="side")
    if notice_date is None:
        raise Invalid(_("The date the notice was delivered is required."), field="notice_date")
    if agreement.signed_date and notice_date < agreement.signed_date:
        raise Invalid(_("The notice cannot be delivered before the MOU was signed (%(date)s).",
                        date=agreement.signed_date.isoformat()), field="notice_date")
    if len(reference or "") > 500:
        raise Invalid(_("The reference may be at most 500 characters."), field="reference")
    before = snapshot(agreement, NOTICE_FIELDS)
    agreement.discontinuation_notice_date = notice_date
    agreement.discontinuation_notice_side = side
    agreement.discontinuation_notice_reference = (reference or "").strip()
    db.session.flush()
    record(actor, "agreement.notice", agreement, before=before, after=snapshot(agreement, NOTICE_FIELDS))
    return agreement


def withdraw_discontinuation_notice(actor, agreement: Agreement, expected_version: int | None = None) -> Agreement:
    require(actor, "agreement.withdraw_notice", agreement)
    _check_version(agreement, expected_version, NOTICE_FIELDS)
    before = snapshot(agreement, NOTICE_FIELDS)
    agreement.discontinuation_notice_date = None
    agreement.discontinuation_notice_side = None
    agreement.discontinuation_notice_reference = ""
    db.session.flush()
    record(actor, "agreement.notice_withdrawn", agreement, before=before, after=snapshot(agreement, NOTICE_FIELDS))
    return agreement


def record_modification(actor, agreement: Agreement, decided_on: date, description: str) -> Modification:
    """A modification by written mutual decision of the Participants."""
    require(actor, "agreement.edit", agreement)
    description = (description or "").strip()
    if decided_on is None:
        raise Invalid(_("The date of the written mutual decision is required."), field="decided_on")
    if not description:
        raise Invalid(_("Describe the modification."), field="description")
    if len(description) > 5000:
        raise Invalid(_("The description may be at most 5000 characters."), field="description")
    modification = Modification(agreement_id=agreement.id, decided_on=decided_on, description=description,
                                recorded_by_id=actor.id)
    db.session.add(modification)
    db.session.flush()
    record(actor, "agreement.modification", agreement,
           after={"decided_on": decided_on.isoformat(), "description": description})
    return modification


def update_focus_area(actor, area: FocusArea, data: dict[str, Any], expected_version: int | None = None) -> FocusArea:
    require(actor, "focus_area.edit", area)
    _check_version(area, expected_version, FOCUS_FIELDS)
    limits = {"title": 300, "title_ko": 300, "summary": 2000, "summary_ko": 2000}
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in FOCUS_EDITABLE:
            raise Invalid(_("%(field)s cannot be changed here.", field=key), field=key)
        text = (value or "").strip()
        if key == "title" and not text:
            raise Invalid(_("A title is required."), field="title")
        if len(text) > limits[key]:
            raise Invalid(_("%(field)s may be at most %(limit)d characters.", field=key, limit=limits[key]), field=key)
        values[key] = text
    before = snapshot(area, FOCUS_FIELDS)
    if _apply(area, values):
        db.session.flush()
        record(actor, "focus_area.update", area, before=before, after=snapshot(area, FOCUS_FIELDS))
    return area
