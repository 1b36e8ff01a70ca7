"""Reading and checking an MOU taxonomy file; every problem names its file, line and field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from jcm.accounts.models import Organization
from jcm.models import SIDES
from jcm.mou.models import Agreement, FocusArea

AGREEMENT_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
FOCUS_CODE = re.compile(r"^[A-Z0-9]{1,8}(\.[A-Za-z0-9]{1,8}){0,2}$")
ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9&.\- ]{0,31}$")
MAX_DEPTH = 2  # area → focus area → sub-topic


def _lengths(model: type, *names: str) -> dict[str, int]:
    """The text fields of the file's sections with the most characters each holds, as the model declares them."""
    return {name: model.__table__.c[name].info["field"].max_length for name in names}


AGREEMENT_FIELDS = _lengths(Agreement, "code", "title", "title_ko", "short_title", "short_title_ko", "purpose",
                            "purpose_ko", "language_note", "language_note_ko")
PARTICIPANT_FIELDS = {"side": 2, "name": 300, "name_ko": 300, "short_name": 100, "short_name_ko": 100}
ORGANIZATION_FIELDS = {"side": 2, **_lengths(Organization, "acronym", "name", "name_ko")}
FOCUS_FIELDS = _lengths(FocusArea, "code", "title", "title_ko", "summary", "summary_ko")
TERM_FIELDS = {"code": 64, "text": 2000, "text_ko": 2000}


@dataclass
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class MouFileError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


class Node(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 1
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember their lines (see _construct_mapping)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Node:
    mapping = Node()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text until checked, so an impossible one is reported rather than crashing the parser.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


@dataclass
class MouSpec:
    agreement: dict[str, Any]
    terms: list[dict[str, Any]]
    participants: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    focus_areas: list[dict[str, Any]]  # flat, in tree order, each with parent_code and depth


@dataclass
class _Checker:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, field_name, message))

    def mapping(self, value: Any, line: int, where: str) -> Node | None:
        if not isinstance(value, Node):
            self.add(line, where, "must be a mapping of fields")
            return None
        return value

    def strings(self, node: Node, where: str, limits: dict[str, int], required: tuple[str, ...]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in node:
            if key not in limits and key not in ("children", "terms", "signed_date", "notice_period_days"):
                self.add(node.key_lines.get(key, node.line), f"{where}.{key}", "is not a known field")
        for name, limit in limits.items():
            line = node.key_lines.get(name, node.line)
            value = node.get(name)
            if value is None:
                if name in required:
                    self.add(node.line, f"{where}.{name}", "is required")
                out[name] = ""
                continue
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                self.add(line, f"{where}.{name}", "must be text")
                continue
            text = str(value).strip()
            if name in required and not text:
                self.add(line, f"{where}.{name}", "must not be empty")
            if len(text) > limit:
                self.add(line, f"{where}.{name}", f"is longer than {limit} characters")
            out[name] = text
        return out

    def sequence(self, node: Node, key: str, where: str, required: bool) -> list:
        value = node.get(key)
        if value is None:
            if required:
                self.add(node.line, f"{where}{key}", "is required")
            return []
        if not isinstance(value, list):
            self.add(node.key_lines.get(key, node.line), f"{where}{key}", "must be a list")
            return []
        return value


def parse_mou_file(path: str | Path) -> MouSpec:
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MouFileError([Problem(name, 0, "-", "file not found")]) from None
    except UnicodeDecodeError as error:
        raise MouFileError([Problem(name, 0, "-", f"is not UTF-8 text ({error.reason})")]) from None
    return parse_mou_text(text, name)


def parse_mou_text(text: str, name: str = "<text>") -> MouSpec:
    check = _Checker(name)
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise MouFileError([Problem(name, line, "-", f"is not valid YAML: {getattr(error, 'problem', error)}")]) from None
    root = check.mapping(document, 1, "file")
    if root is None:
        raise MouFileError(check.problems)
    for key in root:
        if key not in ("agreement", "participants", "organizations", "focus_areas"):
            check.add(root.key_lines[key], key, "is not a known section")

    agreement: dict[str, Any] = {}
    terms: list[dict[str, Any]] = []
    node = check.mapping(root.get("agreement"), root.key_lines.get("agreement", 1), "agreement")
    if node is not None:
        agreement = check.strings(node, "agreement", AGREEMENT_FIELDS, ("code", "title", "short_title"))
        if agreement.get("code") and not AGREEMENT_CODE.match(agreement["code"]):
            check.add(node.key_lines["code"], "agreement.code", "must be lower-case letters, digits and hyphens")
        agreement["signed_date"] = _date(check, node, "signed_date", "agreement.signed_date")
        agreement["notice_period_days"] = _days(check, node)
        seen_terms: set[str] = set()
        for index, item in enumerate(check.sequence(node, "terms", "agreement.", required=False)):
            where = f"agreement.terms[{index}]"
            term_node = check.mapping(item, node.key_lines.get("terms", node.line), where)
            if term_node is None:
                continue
            term = check.strings(term_node, where, TERM_FIELDS, ("code", "text"))
            if term.get("code") in seen_terms:
                check.add(term_node.line, f"{where}.code", f"“{term['code']}” appears twice")
            seen_terms.add(term.get("code", ""))
            terms.append(term)

    participants: list[dict[str, Any]] = []
    items = check.sequence(root, "participants", "", required=True)
    for index, item in enumerate(items):
        where = f"participants[{index}]"
        participant_node = check.mapping(item, root.key_lines.get("participants", 1), where)
        if participant_node is None:
            continue
        participant = check.strings(participant_node, where, PARTICIPANT_FIELDS, ("side", "name", "short_name"))
        if participant.get("side") and participant["side"] not in SIDES:
            check.add(participant_node.key_lines.get("side", participant_node.line), f"{where}.side",
                      "must be US or KR")
        participants.append(participant)
    if items and sorted(p.get("side", "") for p in participants) != sorted(SIDES):
        check.add(root.key_lines.get("participants", 1), "participants", "must name exactly one US and one KR Participant")

    organizations: list[dict[str, Any]] = []
    seen_orgs: set[tuple[str, str]] = set()
    for index, item in enumerate(check.sequence(root, "organizations", "", required=False)):
        where = f"organizations[{index}]"
        org_node = check.mapping(item, root.key_lines.get("organizations", 1), where)
        if org_node is None:
            continue
        org = check.strings(org_node, where, ORGANIZATION_FIELDS, ("side", "acronym", "name"))
        if org.get("side") and org["side"] not in SIDES:
            check.add(org_node.key_lines.get("side", org_node.line), f"{where}.side", "must be US or KR")
        if org.get("acronym") and not ACRONYM.match(org["acronym"]):
            check.add(org_node.key_lines["acronym"], f"{where}.acronym", "must be a short acronym")
        key = (org.get("side", ""), org.get("acronym", ""))
        if key in seen_orgs:
            check.add(org_node.line, f"{where}.acronym", f"“{key[1]}” appears twice for side {key[0]}")
        seen_orgs.add(key)
        organizations.append(org)

    focus_areas: list[dict[str, Any]] = []
    seen_codes: dict[str, int] = {}

    def walk(items: list, where: str, parent: dict | None, depth: int, line: int) -> None:
        for index, item in enumerate(items):
            here = f"{where}[{index}]"
            area_node = check.mapping(item, line, here)
            if area_node is None:
                continue
            area = check.strings(area_node, here, FOCUS_FIELDS, ("code", "title"))
            code = area.get("code", "")
            code_line = area_node.key_lines.get("code", area_node.line)
            if code and not FOCUS_CODE.match(code):
                check.add(code_line, f"{here}.code", "must look like A, A.3 or B.6.1")
            elif code and parent is not None and not code.startswith(parent["code"] + "."):
                check.add(code_line, f"{here}.code", f"must start with its parent's code “{parent['code']}.”")
            if code in seen_codes:
                check.add(code_line, f"{here}.code", f"“{code}” is already used on line {seen_codes[code]}")
            elif code:
                seen_codes[code] = code_line
            area.update(parent_code=parent["code"] if parent else None, depth=depth, line=area_node.line)
            focus_areas.append(area)
            children = check.sequence(area_node, "children", here + ".", required=False)
            if children and depth >= MAX_DEPTH:
                check.add(area_node.key_lines["children"], f"{here}.children", "sub-topics cannot have children")
                continue
            walk(children, here + ".children", area, depth + 1, area_node.key_lines.get("children", area_node.line))

    top = check.sequence(root, "focus_areas", "", required=True)
    if root.get("focus_areas") is not None and not top:
        check.add(root.key_lines["focus_areas"], "focus_areas", "must list at least one area of cooperation")
    walk(top, "focus_areas", None, 0, root.key_lines.get("focus_areas", 1))

    if check.problems:
        raise MouFileError(check.problems)
    return MouSpec(agreement, terms, participants, organizations, focus_areas)


def _date(check: _Checker, node: Node, key: str, where: str) -> date | None:
    value = node.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        check.add(node.key_lines.get(key, node.line), where, f"“{value}” is not a date (YYYY-MM-DD)")
        return None


def _days(check: _Checker, node: Node) -> int:
    value = node.get("notice_period_days", 180)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
        check.add(node.key_lines.get("notice_period_days", node.line), "agreement.notice_period_days",
                  "must be a whole number of days between 0 and 3650")
        return 180
    return value


def bundled_mou_path(name: str) -> Path:
    return Path(__file__).resolve().parent.parent / "data" / name
