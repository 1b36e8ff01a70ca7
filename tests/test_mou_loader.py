"""The MOU as data: the bundled U.S.–ROK file, `jcm mou load`, and what a broken file is told."""

import textwrap

import pytest
from sqlalchemy import func, select

from jcm.accounts.models import Organization
from jcm.audit.models import AuditEvent
from jcm.extensions import db
from jcm.mou.loader import MouFileError, bundled_mou_path, parse_mou_file, parse_mou_text
from jcm.mou.models import Agreement, FocusArea

BUNDLED = bundled_mou_path("us-rok-st-mou.yaml")

MINIMAL = textwrap.dedent("""\
    agreement:
      code: test-mou
      title: A Test MOU
      short_title: Test MOU
    participants:
      - side: US
        name: The Government of the United States of America
        short_name: United States
      - side: KR
        name: The Government of the Republic of Korea
        short_name: Republic of Korea
    focus_areas:
      - code: A
        title: Area A
        children:
          - code: A.1
            title: First focus
""")


def test_the_bundled_file_describes_every_area_and_focus_area_of_the_mou():
    spec = parse_mou_file(BUNDLED)
    codes = [area["code"] for area in spec.focus_areas]
    assert [c for c in codes if "." not in c] == ["A", "B"]
    assert [c for c in codes if c.count(".") == 1 and c.startswith("A.")] == [f"A.{i}" for i in range(1, 10)]
    assert [c for c in codes if c.count(".") == 1 and c.startswith("B.")] == [f"B.{i}" for i in range(1, 7)]
    assert [c for c in codes if c.count(".") == 2] == [f"B.6.{i}" for i in range(1, 6)]
    titles = {area["code"]: area["title"] for area in spec.focus_areas}
    assert titles["A"] == "Accelerating AI Adoption and Innovation"
    assert titles["B"] == "Trusted Technology Leadership"
    assert titles["B.1"] == "Research Security"
    assert "Quantum" in titles["B.4"] and "Artemis II" in titles["B.6.2"]
    for area in spec.focus_areas:
        assert area["title_ko"] and area["summary"] and area["summary_ko"], area["code"]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in area["title_ko"]), area["code"]


def test_the_bundled_file_holds_the_terms_parties_and_named_agencies():
    spec = parse_mou_file(BUNDLED)
    assert spec.agreement["notice_period_days"] == 180
    assert "strategic science and technology" in spec.agreement["purpose"]
    assert [t["code"] for t in spec.terms] == ["operative", "modification", "discontinuation", "implementation",
                                              "non_binding"]
    assert "last signature" in spec.terms[0]["text"]
    assert "Joint Committee Meeting" in spec.terms[3]["text"]
    assert {p["side"] for p in spec.participants} == {"US", "KR"}
    agencies = {(o["side"], o["acronym"]) for o in spec.organizations}
    assert {("US", "NSF"), ("US", "NASA"), ("US", "CAISI"), ("KR", "NRF"), ("KR", "IITP")} <= agencies
    assert all(o["name_ko"] for o in spec.organizations if o["side"] == "KR")


def test_loading_creates_the_tree_and_loading_again_changes_nothing(app, mou):
    with app.app_context():
        agreement = db.session.get(Agreement, mou)
        b6 = db.session.scalar(select(FocusArea).where(FocusArea.code == "B.6"))
        children = db.session.scalars(select(FocusArea).where(FocusArea.parent_id == b6.id)).all()
        assert [c.code for c in children] == [f"B.6.{i}" for i in range(1, 6)]
        assert b6.parent_id is not None and b6.depth == 1 and children[0].depth == 2
        assert agreement.short_title == "U.S.–ROK Science and Technology MOU"
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert events > 20  # the first load is in the audit trail

    result = app.test_cli_runner().invoke(args=["mou", "load", str(BUNDLED)])
    assert result.exit_code == 0, result.output
    assert "no changes" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_changed_file_updates_by_code_and_keeps_every_id(app, mou, tmp_path):
    with app.app_context():
        before = {a.code: a.id for a in db.session.scalars(select(FocusArea))}
    changed = BUNDLED.read_text(encoding="utf-8").replace("title: Research Security",
                                                          "title: Research Security and Integrity")
    path = tmp_path / "changed.yaml"
    path.write_text(changed, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["mou", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "focus area B.1" in result.output
    with app.app_context():
        after = {a.code: a.id for a in db.session.scalars(select(FocusArea))}
        assert after == before
        b1 = db.session.scalar(select(FocusArea).where(FocusArea.code == "B.1"))
        assert b1.title == "Research Security and Integrity"
        assert b1.version == 2  # an edit form opened before the load is now stale
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "focus_area.update"))
        assert event.before["title"] == "Research Security" and event.after["title"] == b1.title


def test_a_focus_area_dropped_from_the_file_is_kept_for_what_links_to_it(app, mou, tmp_path):
    text = BUNDLED.read_text(encoding="utf-8")
    start = text.index("          - code: B.6.5")
    path = tmp_path / "fewer.yaml"
    path.write_text(text[:start], encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["mou", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "B.6.5 is no longer in the file" in result.output
    with app.app_context():
        assert db.session.scalar(select(FocusArea).where(FocusArea.code == "B.6.5")) is not None


def test_organizations_are_loaded_once_per_side_and_acronym(app, mou):
    with app.app_context():
        nrf = db.session.scalar(select(Organization).where(Organization.acronym == "NRF"))
        assert nrf.side == "KR" and nrf.name_ko == "한국연구재단"
    app.test_cli_runner().invoke(args=["mou", "load", str(BUNDLED)])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization).where(
            Organization.acronym == "NRF")) == 1


def problems_of(text: str) -> list[str]:
    with pytest.raises(MouFileError) as caught:
        parse_mou_text(text, "mou.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_the_minimal_file_is_valid():
    spec = parse_mou_text(MINIMAL)
    assert [a["code"] for a in spec.focus_areas] == ["A", "A.1"]


@pytest.mark.parametrize("change, expected", [
    (("      - code: A.1\n        title: First focus", "      - code: A.1\n        title: \"\""),
     "mou.yaml:17: focus_areas[0].children[0].title: must not be empty"),
    (("      - code: A.1\n", "      - code: B.1\n"), "mou.yaml:16: focus_areas[0].children[0].code: must start with its parent's code “A.”"),
    (("      - code: A.1\n", "      - code: a-1\n"), "mou.yaml:16: focus_areas[0].children[0].code: must look like A, A.3 or B.6.1"),
    (("  - side: KR", "  - side: JP"), "mou.yaml:9: participants[1].side: must be US or KR"),
    (("  short_title: Test MOU\n", ""), "mou.yaml:2: agreement.short_title: is required"),
    (("        title: First focus", "        title: First focus\n        colour: blue"),
     "mou.yaml:18: focus_areas[0].children[0].colour: is not a known field"),
    (("  code: test-mou", "  code: Test MOU!"), "mou.yaml:2: agreement.code: must be lower-case letters, digits and hyphens"),
    (("  title: A Test MOU\n", "  title: A Test MOU\n  signed_date: 2025-02-30\n"),
     "mou.yaml:4: agreement.signed_date: “2025-02-30” is not a date (YYYY-MM-DD)"),
])
def test_each_problem_names_file_line_and_field(change, expected):
    old, new = change
    assert old in MINIMAL
    assert expected in problems_of(MINIMAL.replace(old, new))


def test_a_duplicate_code_names_both_lines():
    text = MINIMAL + "      - code: A.1\n        title: Again\n"
    assert any("“A.1” is already used on line 16" in p for p in problems_of(text))


def test_yaml_that_does_not_parse_is_reported_with_its_line():
    (problem,) = problems_of("agreement:\n  code: [unclosed\nparticipants: []\n")
    assert problem.startswith("mou.yaml:3: -: is not valid YAML")


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(MouFileError, match="file not found"):
        parse_mou_file(tmp_path / "nope.yaml")
    binary = tmp_path / "mou.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(MouFileError, match="is not UTF-8 text"):
        parse_mou_file(binary)


def test_jcm_mou_load_refuses_a_broken_file_and_loads_nothing(app, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(MINIMAL.replace("  - side: KR", "  - side: JP"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["mou", "load", str(path)])
    assert result.exit_code != 0
    assert f"{path}:9: participants[1].side: must be US or KR" in result.output
    assert "nothing was loaded" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0


def test_hangul_and_markup_in_a_file_are_kept_as_text(app, tmp_path):
    path = tmp_path / "ko.yaml"
    path.write_text(MINIMAL.replace("title: First focus", "title: \"<script>alert(1)</script> 연구 보안\""),
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["mou", "load", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        area = db.session.scalar(select(FocusArea).where(FocusArea.code == "A.1"))
        assert area.title == "<script>alert(1)</script> 연구 보안"
