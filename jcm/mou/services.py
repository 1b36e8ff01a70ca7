"""The MOU's rules: loading a taxonomy, its live status, notices and modifications, focus areas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jcm.accounts.models import Organization
from jcm.audit.services import record, tracked
from jcm.errors import Invalid, NotFound
from jcm.extensions import db
from jcm.fields import audited, editable, populate
from jcm.mou.loader import AGREEMENT_FIELDS, MouSpec
from jcm.mou.models import Agreement, AgreementTerm, FocusArea, Modification, Participant
from jcm.permissions import require
from jcm.versions import check_version

# The MOU file's agreement fields, as the loader read them.
LOADED_FIELDS = (*AGREEMENT_FIELDS, "signed_date", "notice_period_days")
# A Participant's written notice of discontinuation, as the agreement keeps it.
NOTICE_FIELDS = ("discontinuation_notice_date", "discontinuation_notice_side", "discontinuation_notice_reference")


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
    values = {key: spec.agreement[key] for key in LOADED_FIELDS}
    agreement = db.session.scalar(select(Agreement).where(Agreement.code == values["code"]).options(
        selectinload(Agreement.participants), selectinload(Agreement.terms), selectinload(Agreement.focus_areas)))
    if agreement is None:
        agreement = Agreement(**values)
        db.session.add(agreement)
        db.session.flush()
        report = LoadReport(agreement)
        report.created.append(f"agreement {agreement.code}")
        record(actor, "agreement.create", agreement, after=audited(agreement))
        existing_participants: dict[str, Participant] = {}
        existing_terms: dict[str, AgreementTerm] = {}
        existing_areas: dict[str, FocusArea] = {}
    else:
        report = LoadReport(agreement)
        with tracked(actor, "agreement.update", agreement):
            if _apply(agreement, values):
                report.updated.append(f"agreement {agreement.code}")
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
    for values in items:
        organization = existing.get((values["side"], values["acronym"]))
        if organization is None:
            organization = Organization(**values)
            db.session.add(organization)
            db.session.flush()
            report.created.append(f"organization {values['acronym']}")
            record(actor, "organization.create", organization, after=audited(organization),
                   label=values["acronym"])
        else:
            with tracked(actor, "organization.update", organization, label=lambda o: o.acronym):
                if _apply(organization, values):
                    report.updated.append(f"organization {organization.acronym}")


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
            record(actor, "focus_area.create", area, after=audited(area))
        else:
            with tracked(actor, "focus_area.update", area):
                if _apply(area, values):
                    report.updated.append(f"focus area {area.code}")
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


def current_agreement_id() -> int | None:
    """The id of the agreement the pages show: the first one loaded."""
    return db.session.scalar(select(Agreement.id).order_by(Agreement.id).limit(1))


def current_agreement() -> Agreement | None:
    """The agreement the pages show: the first one loaded."""
    agreement_id = current_agreement_id()
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


@dataclass(frozen=True)
class AreaNode:
    """A focus area as the pages that read across meetings name it: its place in the tree and its titles."""

    id: int
    parent_id: int | None
    code: str
    title: str
    title_ko: str
    depth: int
    position: int


class AreaTree:
    """An agreement's focus areas read once as rows, in the tree's order: each area followed by those beneath it,
    siblings in the MOU's order."""

    def __init__(self, nodes: list[AreaNode]):
        self.by_id = {node.id: node for node in nodes}
        self.children: dict[int | None, list[AreaNode]] = {}
        for node in sorted(nodes, key=lambda node: (node.position, node.id)):
            self.children.setdefault(node.parent_id if node.parent_id in self.by_id else None, []).append(node)
        self.nodes = [node for root in self.children.get(None, []) for node in self._walk(root)]
        self.by_code = {node.code: node for node in self.nodes}

    def _walk(self, node: AreaNode):
        yield node
        for child in self.children.get(node.id, []):
            yield from self._walk(child)

    def branch(self, node: AreaNode) -> list[AreaNode]:
        """The area and every area beneath it, in the tree's order."""
        return list(self._walk(node))

    def path(self, node: AreaNode) -> list[AreaNode]:
        """The areas above it, from the area of cooperation down to its parent."""
        path: list[AreaNode] = []
        parent = self.by_id.get(node.parent_id)
        while parent is not None and len(path) < len(self.nodes):
            path.insert(0, parent)
            parent = self.by_id.get(parent.parent_id)
        return path

    def find(self, asked: str) -> AreaNode | None:
        """The area a reader named, by its id or its code in any case (A.1, a.1)."""
        text = asked.strip()
        if text.isascii() and text.isdigit():
            return self.by_id.get(int(text)) if len(text) < 12 else None
        return next((node for node in self.nodes if node.code.upper() == text.upper()), None)


def area_tree(agreement_id: int | None) -> AreaTree:
    """The agreement's focus areas, in one statement (none for no agreement)."""
    if agreement_id is None:
        return AreaTree([])
    return AreaTree([AreaNode(row.id, row.parent_id, row.code, row.title, row.title_ko or "", row.depth, row.position)
                     for row in db.session.execute(
                         select(FocusArea.id, FocusArea.parent_id, FocusArea.code, FocusArea.title,
                                FocusArea.title_ko, FocusArea.depth, FocusArea.position)
                         .where(FocusArea.agreement_id == agreement_id))])


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

def record_discontinuation_notice(actor, agreement: Agreement, notice_date: date, side: str,
                                  reference: str = "", expected_version: int | None = None) -> Agreement:
    """Written notice by one Participant; the MOU ends notice_period_days after its delivery."""
    require(actor, "agreement.edit", agreement)
    check_version(agreement, expected_version)
    with tracked(actor, "agreement.notice", agreement):
        populate(agreement, dict(zip(NOTICE_FIELDS, (notice_date, side, reference))), NOTICE_FIELDS)
        if agreement.signed_date and agreement.discontinuation_notice_date < agreement.signed_date:
            raise Invalid(_("The notice cannot be delivered before the MOU was signed (%(date)s).",
                            date=agreement.signed_date.isoformat()), field="notice_date")
    return agreement


def withdraw_discontinuation_notice(actor, agreement: Agreement, expected_version: int | None = None) -> Agreement:
    require(actor, "agreement.withdraw_notice", agreement)
    check_version(agreement, expected_version)
    with tracked(actor, "agreement.notice_withdrawn", agreement):
        agreement.discontinuation_notice_date = None
        agreement.discontinuation_notice_side = None
        agreement.discontinuation_notice_reference = ""
    return agreement


def record_modification(actor, agreement: Agreement, decided_on: date, description: str) -> Modification:
    """A modification by written mutual decision of the Participants."""
    require(actor, "agreement.edit", agreement)
    modification = Modification(agreement_id=agreement.id, recorded_by_id=actor.id)
    populate(modification, {"decided_on": decided_on, "description": description}, creating=True)
    db.session.add(modification)
    db.session.flush()
    record(actor, "agreement.modification", agreement, after=audited(modification))
    return modification


def update_focus_area(actor, area: FocusArea, data: dict[str, Any], expected_version: int | None = None) -> FocusArea:
    require(actor, "focus_area.edit", area)
    check_version(area, expected_version)
    for key in data:
        if key not in editable(FocusArea):
            raise Invalid(_("%(field)s cannot be changed here.", field=key), field=key)
    with tracked(actor, "focus_area.update", area):
        populate(area, data)
    return area
