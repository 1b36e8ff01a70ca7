"""A focus area's page: a minister's adviser asks how quantum cooperation has gone since the MOU was signed, and a
new delegate what was decided on AI for science and who owes what. Every node of the MOU's tree has a page: its
text in both languages, every meeting that took it up (the latest first) with the progress its minutes record —
the adopted text once adopted, never a row changed behind it —, the decisions, each linked to its record, its action
items open and closed with the meetings each was carried over to, and its papers; a parent rolls its children up,
each line naming its area."""

from __future__ import annotations

import io
import re
from html import escape

import pytest
from sqlalchemy import select, update

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.minutes.models import ProgressEntry
from jcm.mou.models import FocusArea
from tests.conftest import complete_both_texts, post_form
from tests.test_attachments_follow_the_record import PDF
from tests.test_minutes import DECISIONS, DECISIONS_KO, DISCUSSION, DISCUSSION_KO
from tests.test_query_counts import counting

PROGRESS_BADGE = re.compile(r'class="status status--(?:not_started|on_track|at_risk|off_track|completed)"')


def area_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(FocusArea.id).where(FocusArea.code == code))


def secretariat(committee, side: str = "US"):
    return get_user(committee.get(side, "secretariat").id)


def record_progress(app, committee, meeting_id: int, progress: dict[str, tuple[str, str, str]],
                    decisions: list[str] | None = None, decisions_ko: list[str] | None = None):
    """The U.S. secretariat opens the meeting's minutes and records the progress of each area (status, narrative,
    its Korean), and the decisions under the A.1 item (the meeting's fourth record)."""
    with app.app_context():
        us = secretariat(committee)
        minutes = services.open_minutes(us, get_meeting(meeting_id))
        for code, (status, narrative, narrative_ko) in progress.items():
            services.save_progress(us, minutes, area_id(app, code), status, narrative, narrative_ko=narrative_ko)
        if decisions:
            section = services.ordered_sections(minutes)[3]
            services.save_section(us, section, DISCUSSION, decisions, 1, discussion_ko=DISCUSSION_KO,
                                  decisions_ko=decisions_ko)
        db.session.commit()


def adopt(app, committee, meeting_id: int) -> None:
    """Both texts complete and checked, the minutes circulated and adopted by both co-chairs."""
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        minutes = services.minutes_for(get_meeting(meeting_id))
        services.set_status(secretariat(committee), minutes, "circulated")
        services.adopt(get_user(committee.us_co_chair.id), minutes)
        services.adopt(get_user(committee.kr_co_chair.id), minutes)
        db.session.commit()


def page(client, area: int, status: int = 200) -> str:
    response = client.get(f"/focus-areas/{area}")
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def section(html: str, name: str) -> str:
    """One part of the page: the MOU's text, the meetings, the decisions, the action items or the papers."""
    found = re.search(rf'<section class="panel" id="{name}".*?</section>', html, re.S)
    assert found, name
    return found.group(0)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def three_meetings(app, committee, make_meeting) -> list[int]:
    """The 10th, 11th and 12th meetings, held a year apart, each with A.1 and B.4 on the agenda; the minutes of each
    record A.1's progress, worse then better, and B.4's; the 12th decided two things on A.1."""
    meetings = [make_meeting(ordinal=n, start_date=f"20{14 + n}-03-10", status="held") for n in (10, 11, 12)]
    record_progress(app, committee, meetings[0], {
        "A.1": ("on_track", "Testbeds opened to both sides.", "테스트베드를 양측에 개방하였다."),
        "B.4": ("not_started", "Quantum call in preparation.", "양자 공동 공모를 준비 중이다.")})
    record_progress(app, committee, meetings[1], {
        "A.1": ("at_risk", "Funding of the testbeds delayed.", "테스트베드 예산 지연."),
        "B.4": ("on_track", "Quantum call launched.", "양자 공동 공모를 착수하였다.")})
    record_progress(app, committee, meetings[2], {
        "A.1": ("completed", "Testbeds shared.", "테스트베드 공유 완료."),
        "B.4": ("on_track", "B.4 is on track.", "B.4는 계획대로 추진되고 있음.")}, DECISIONS, DECISIONS_KO)
    return meetings


# --- the area's text and its place in the tree --------------------------------------------------------------------

def test_the_page_shows_the_mous_text_in_both_languages_and_its_place_in_the_tree(app, client, auth, committee):
    auth.login(committee.us_delegate)
    with app.app_context():
        area = db.session.scalar(select(FocusArea).where(FocusArea.code == "B.6"))
        children = list(db.session.scalars(select(FocusArea).where(FocusArea.parent_id == area.id)
                                           .order_by(FocusArea.position)))
        parent = db.session.get(FocusArea, area.parent_id)
    html = page(client, area.id)
    text = section(html, "text")
    for words in (area.title, area.title_ko, area.summary, area.summary_ko):
        assert words and escape(words, quote=False) in text
    assert 'lang="en"' in text and 'lang="ko"' in text
    assert text.index(escape(area.title)) < text.index(area.title_ko)  # the reader's language first
    # The path to it in the tree, and each area under it, lead to their own pages.
    breadcrumb = html.split('<nav class="breadcrumb"')[1].split("</nav>")[0]
    assert f'href="/focus-areas/{parent.id}"' in breadcrumb and parent.code in breadcrumb
    assert len(children) == 5
    for child in children:
        assert f'<a href="/focus-areas/{child.id}"><span class="fa__code">{child.code}</span>' in text


def test_the_mou_page_links_every_node_of_the_tree_to_its_page(app, client, auth, committee):
    auth.login(committee.kr_observer)
    html = client.get("/mou").get_data(as_text=True)
    with app.app_context():
        areas = db.session.execute(select(FocusArea.id, FocusArea.code)).all()
    assert len(areas) == 22
    for area in areas:
        assert f'<a class="fa__titles" href="/focus-areas/{area.id}">' in html, area.code


# --- the meetings that took it up --------------------------------------------------------------------------------

def test_every_meeting_that_took_it_up_is_shown_the_latest_first_with_its_status_and_narrative(
        app, client, auth, committee, three_meetings, make_meeting):
    make_meeting(ordinal=13, start_date="2027-03-10", focus_areas=("B.4",))  # A.1 is not on its agenda
    auth.login(committee.kr_observer)
    html = section(page(client, area_id(app, "A.1")), "meetings")
    shown = [int(found) for found in re.findall(r'<li class="fa-meeting" id="meeting-(\d+)"', html)]
    assert shown == list(reversed(three_meetings))  # the 13th never took A.1 up
    entries = dict(zip(shown, re.split(r'<li class="fa-meeting"', html)[1:]))
    for meeting, status, word, narrative in ((three_meetings[0], "on_track", "On track", "Testbeds opened to both sides."),
                                              (three_meetings[1], "at_risk", "At risk", "Funding of the testbeds delayed."),
                                              (three_meetings[2], "completed", "Completed", "Testbeds shared.")):
        entry = entries[meeting]
        # The status is a word, styled by its value: never colour alone.
        assert f'<span class="status status--{status}">{word}</span>' in entry
        assert narrative in entry
        assert "B.4" not in text_of(entry)  # another area's progress is not this one's
        assert f'href="/meetings/{meeting}#item-' in entry  # the agenda item that took it up
        assert "Draft" in text_of(entry)
    assert "테스트베드 예산 지연." in entries[three_meetings[1]]


def test_a_parent_rolls_its_children_up_each_line_naming_its_area(app, client, auth, committee, three_meetings,
                                                                    make_action_item):
    make_action_item(title="Exchange AI-ready dataset inventories", focus_area="A.3")
    make_action_item(title="Organise a joint quantum workshop", focus_area="B.4")
    auth.login(committee.us_observer)
    a1 = area_id(app, "A.1")
    html = page(client, area_id(app, "A"))
    meetings = section(html, "meetings")
    assert len(PROGRESS_BADGE.findall(meetings)) == 3  # A.1's at each meeting, not B.4's
    assert f'<a class="fa__code" href="/focus-areas/{a1}"' in meetings
    assert "Testbeds shared." in meetings and "B.4 is on track." not in meetings
    actions = text_of(section(html, "action-items"))
    assert "Exchange AI-ready dataset inventories" in actions and "A.3" in actions
    assert "Organise a joint quantum workshop" not in actions
    # The area of cooperation B holds B.4's progress and item, and none of A's.
    other = page(client, area_id(app, "B"))
    assert len(PROGRESS_BADGE.findall(section(other, "meetings"))) == 3 and "Testbeds shared." not in other
    assert "Organise a joint quantum workshop" in section(other, "action-items")


def test_adopted_minutes_are_shown_as_adopted_and_corrected_never_as_a_row_changed_behind_them(
        app, client, auth, committee, three_meetings):
    twelfth = three_meetings[2]
    adopt(app, committee, twelfth)
    with app.app_context():  # a row changed behind the adopted record, past the services
        db.session.execute(update(ProgressEntry).where(ProgressEntry.focus_area_id == area_id(app, "A.1"))
                           .values(narrative="Rewritten behind the record.", status="off_track"))
        db.session.commit()
    auth.login(committee.kr_delegate)
    entry = section(page(client, area_id(app, "A.1")), "meetings").split(f'id="meeting-{twelfth}"')[1]
    entry = entry.split('<li class="fa-meeting"')[0]
    assert "Testbeds shared." in entry and "Rewritten behind the record." not in entry
    assert "status--completed" in entry and "Adopted" in text_of(entry)

    with app.app_context():
        minutes = services.minutes_for(get_meeting(twelfth))
        correction = services.propose_correction(secretariat(committee), minutes, {
            "progress": [{"focus_area": "A.1", "narrative": "Testbeds shared in July.",
                          "narrative_ko": "7월에 테스트베드를 공유하였다."}]}, "기한 오기 수정")
        services.adopt_correction(get_user(committee.us_co_chair.id), correction)
        services.adopt_correction(get_user(committee.kr_co_chair.id), correction)
        db.session.commit()
    corrected = section(page(client, area_id(app, "A.1")), "meetings").split(f'id="meeting-{twelfth}"')[1]
    corrected = corrected.split('<li class="fa-meeting"')[0]
    assert "Testbeds shared in July." in corrected and "7월에 테스트베드를 공유하였다." in corrected
    assert "Rewritten behind the record." not in corrected


def test_a_long_history_is_read_a_page_of_meetings_at_a_time(app, client, auth, committee, three_meetings,
                                                               monkeypatch):
    from jcm.dashboard import services as dashboard

    monkeypatch.setattr(dashboard, "MEETINGS_PER_PAGE", 2)
    auth.login(committee.us_delegate)
    a1 = area_id(app, "A.1")
    first = page(client, a1)
    meetings = section(first, "meetings")
    assert re.findall(r'id="meeting-(\d+)"', meetings) == [str(m) for m in reversed(three_meetings[1:])]
    assert "Meetings 1–2 of 3" in text_of(meetings) and f'href="/focus-areas/{a1}?page=2"' in meetings
    assert f'id="decisions-{three_meetings[2]}"' in first  # the decisions of the meetings on the page
    second = client.get(f"/focus-areas/{a1}?page=2").get_data(as_text=True)
    assert re.findall(r'id="meeting-(\d+)"', section(second, "meetings")) == [str(three_meetings[0])]
    assert "Meetings 3–3 of 3" in text_of(second)
    assert "None at the meetings on this page." in section(second, "decisions")
    # A page that is not there, and a page that is not a number: a clear message, never a 500.
    missing = client.get(f"/focus-areas/{a1}?page=3")
    assert missing.status_code == 404 and "There is no page 3: the history of A.1 fills 2 pages." in missing.get_data(
        as_text=True)
    assert client.get(f"/focus-areas/{a1}?page=0").status_code == 404
    for bad, why in (("abc", "page must be a whole number"), ("1.5", "page must be a whole number"),
                     ("99999999999999999999999", "page is out of range")):
        refused = client.get(f"/focus-areas/{a1}?page={bad}")
        assert refused.status_code == 422 and why in refused.get_data(as_text=True), bad


# --- decisions, action items, papers -------------------------------------------------------------------------

def test_the_decisions_taken_on_it_are_listed_meeting_by_meeting_each_linked_to_its_record(
        app, client, auth, committee, three_meetings):
    twelfth = three_meetings[2]
    auth.login(committee.us_delegate)
    html = section(page(client, area_id(app, "A.1")), "decisions")
    assert f'id="decisions-{twelfth}"' in html and f'id="decisions-{three_meetings[0]}"' not in html
    for english, korean in zip(DECISIONS, DECISIONS_KO):
        assert english in html and korean in html
    assert html.count(f'href="/meetings/{twelfth}/minutes.html#item-4"') == 2  # its record in the minutes
    document = client.get(f"/meetings/{twelfth}/minutes.html").get_data(as_text=True)
    assert 'id="item-4"' in document and DECISIONS[0] in document.split('id="item-4"')[1].split('class="record"')[0]
    # The decisions were taken under A.1's item: B.4's page has none.
    assert "No decision has been recorded on it yet." in section(page(client, area_id(app, "B.4")), "decisions")


def test_its_action_items_open_and_closed_with_their_owners_and_the_meetings_each_was_carried_over_to(
        app, client, auth, committee, make_meeting, make_action_item):
    from jcm.actions.services import get_action_item, record_review

    first, second, third = (make_meeting(ordinal=n, start_date=f"202{n - 6}-03-10", status="held")
                            for n in (7, 8, 9))
    carried = make_action_item(title="Exchange AI-ready dataset inventories", meeting_id=first,
                               due_date="2021-06-30")
    finished = make_action_item(title="Report on the workshop", meeting_id=first, due_date="2021-06-30",
                                owners={"US": [{"organization_id": _organization(app, "NSF")}],
                                        "KR": [{"user_id": committee.kr_delegate.id}]})
    make_action_item(title="Organise a joint quantum workshop", focus_area="B.4", meeting_id=first)
    with app.app_context():
        us = secretariat(committee)
        record_review(us, get_action_item(carried), get_meeting(second), "continued", "2022-09-30")
        record_review(us, get_action_item(carried), get_meeting(third), "continued", "2023-09-30")
        record_review(us, get_action_item(finished), get_meeting(second), "done")
        db.session.commit()
    auth.login(committee.kr_observer)
    html = section(page(client, area_id(app, "A.1")), "action-items")
    open_part, closed_part = html.split('id="closed-actions-heading"')
    assert "Exchange AI-ready dataset inventories" in open_part and "Report on the workshop" in closed_part
    assert "Organise a joint quantum workshop" not in html  # B.4's
    assert "1 open (1 overdue)" in text_of(html) and "1 closed" in text_of(html)
    row = open_part.split(f'href="/action-items/{carried}"')[1].split("</tr>")[0]
    assert "David Okafor" in row and "박지훈" in row  # an owner on each side
    assert "status--overdue" in row and "2 meetings" in text_of(row)  # reviewed and continued at two meetings
    closed = closed_part.split(f'href="/action-items/{finished}"')[1].split("</tr>")[0]
    assert "National Science Foundation" in closed and "status--done" in closed and "1 meeting" in text_of(closed)


def _organization(app, acronym: str) -> int:
    from jcm.accounts.models import Organization

    with app.app_context():
        return db.session.scalar(select(Organization.id).where(Organization.acronym == acronym))


def test_many_action_items_show_the_first_and_lead_to_the_register_for_all(app, client, auth, committee,
                                                                            make_action_item, monkeypatch):
    from jcm.dashboard import services as dashboard

    monkeypatch.setattr(dashboard, "ITEMS_SHOWN", 2)  # a long register in three items
    for due in ("2027-09-30", "2027-03-31", "2027-06-30"):
        make_action_item(title="Exchange AI-ready dataset inventories", focus_area="A.2", due_date=due)
    auth.login(committee.us_delegate)
    a = area_id(app, "A")
    html = section(page(client, a), "action-items")
    assert html.split("<tbody>")[1].count("<tr") == 2
    assert html.index("2027-03-31") < html.index("2027-06-30") and "2027-09-30" not in html  # the soonest due first
    assert f'href="/action-items?focus_area={a}&amp;status=open,in_progress">All 3 in the register' in html
    register = client.get(f"/action-items?focus_area={a}&status=open,in_progress").get_data(as_text=True)
    assert register.count("Exchange AI-ready dataset inventories") == 3  # the register holds all of the branch's


def test_its_papers_are_listed_by_meeting_each_linked_to_its_download(app, client, auth, committee, held_meeting):
    from jcm.meetings.attachments import add_attachment
    from jcm.meetings.models import AgendaItem, agenda_item_focus_area
    from jcm.meetings.services import get_agenda_item

    with app.app_context():
        item = db.session.scalar(select(AgendaItem.id).join(agenda_item_focus_area).where(
            AgendaItem.meeting_id == held_meeting, agenda_item_focus_area.c.focus_area_id == area_id(app, "A.1")))
        paper = add_attachment(secretariat(committee), get_agenda_item(item), "AI_testbeds_<b>.pdf", io.BytesIO(PDF))
        db.session.commit()
        paper_id, filename = paper.id, paper.filename
    auth.login(committee.kr_observer)
    html = section(page(client, area_id(app, "A.1")), "papers")
    link = re.search(rf'<a href="(/attachments/{paper_id}/[^"]+)">', html)
    assert link and filename.replace("<", "&lt;").replace(">", "&gt;") in html
    download = client.get(link.group(1))
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert "No paper has been presented on it yet." in section(page(client, area_id(app, "B.4")), "papers")


# --- who reads it, in which language ------------------------------------------------------------------------

def test_in_korean_the_korean_texts_come_first(app, client, auth, committee, three_meetings):
    auth.login(committee.kr_delegate)
    post_form(client, "/language", {"locale": "ko"}, page="/mou")
    with app.app_context():
        area = db.session.scalar(select(FocusArea).where(FocusArea.code == "A.1"))
    html = page(client, area.id)
    assert '<html lang="ko">' in html
    text = section(html, "text")
    assert text.index(area.title_ko) < text.index(area.title)
    meetings = section(html, "meetings")
    assert meetings.index("테스트베드 공유 완료.") < meetings.index("Testbeds shared.")
    assert ">완료<" in meetings and ">지연 우려<" in meetings  # the status words in Korean
    decisions = section(html, "decisions")
    assert decisions.index(DECISIONS_KO[0]) < decisions.index(DECISIONS[0])
    for english in ("The text of the MOU", "At each meeting", "Decisions", "Action items", "Papers", "Progress",
                    "On the agenda", "Carried over", "Open", "Closed"):
        assert f">{english}<" not in html, english


def test_a_narrative_is_text_never_markup(app, client, auth, committee, held_meeting):
    record_progress(app, committee, held_meeting, {
        "A.1": ("on_track", "<script>alert('x')</script> <b>bold</b>", "<img src=x onerror=alert(1)>")})
    auth.login(committee.us_observer)
    html = page(client, area_id(app, "A.1"))
    assert "<script>alert" not in html and "<b>bold</b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# --- bad addresses ------------------------------------------------------------------------------------------

def test_an_unknown_area_is_a_clear_404_and_a_bad_address_never_a_500(app, client, auth, committee):
    auth.login(committee.us_delegate)
    missing = page(client, 99999, status=404)
    assert "There is no focus area with id 99999." in missing
    for address in ("/focus-areas/99999999999999999999999", "/focus-areas/abc", "/focus-areas/-1",
                    "/focus-areas/1.5", "/focus-areas/%00"):
        assert client.get(address).status_code == 404, address


def test_an_area_of_another_agreement_is_shown_under_its_own_agreement(app, client, auth, committee,
                                                                       other_agreements_area):
    auth.login(committee.us_delegate)
    html = page(client, other_agreements_area)
    assert "A focus area of another agreement" in html
    with app.app_context():
        agreement = db.session.get(FocusArea, other_agreements_area).agreement_id
    assert f'href="/mou/{agreement}#fa-{other_agreements_area}"' in html
    assert "No meeting has taken it up yet." in html


# --- speed ----------------------------------------------------------------------------------------------------

def test_the_page_costs_the_same_number_of_statements_for_two_meetings_or_five(
        app, client, auth, committee, make_meeting, make_action_item):
    from jcm.dashboard import services as dashboard
    from jcm.meetings.attachments import add_attachment
    from jcm.meetings.models import AgendaItem
    from jcm.meetings.services import get_agenda_item

    def held(ordinals: tuple[int, ...], adopted: tuple[int, ...]) -> None:
        """Meetings with A.1's and B.4's progress, decisions under A.1, papers, action items; some adopted."""
        meetings = {n: make_meeting(ordinal=n, start_date=f"20{10 + n}-03-10", status="held") for n in ordinals}
        for n, meeting in meetings.items():
            record_progress(app, committee, meeting, {"A.1": ("at_risk", "Delayed.", "지연."),
                                                      "B.4": ("on_track", "On track.", "계획대로 추진되고 있음.")},
                            DECISIONS, DECISIONS_KO)
            for code in ("A.1", "A.2", "A.3"):
                make_action_item(meeting_id=meeting, focus_area=code, due_date=f"20{11 + n}-06-30")
        with app.app_context():
            for item in db.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id.in_(meetings.values()),
                                                                       AgendaItem.kind == "focus_area")).all():
                add_attachment(secretariat(committee), get_agenda_item(item), f"paper-{item}.pdf", io.BytesIO(PDF))
            db.session.commit()
        for n in adopted:
            adopt(app, committee, meetings[n])

    def statements(area: int) -> int:
        dashboard._FROM_ADOPTED.clear()  # each count reads the adopted texts, as the first reader after a restart
        with counting(app) as seen:
            page(client, area)
        return len(seen)

    held((1, 2), adopted=(1,))
    auth.login(committee.us_delegate)
    few = {code: statements(area_id(app, code)) for code in ("A", "A.1", "B.4")}
    held((3, 4, 5), adopted=(3,))
    make_action_item(focus_area="A.2", due_date="2020-06-30")  # between meetings, overdue
    many = {code: statements(area_id(app, code)) for code in ("A", "A.1", "B.4")}
    assert many == few, f"{few} statements for two meetings, {many} for five"
