"""A finished look, as the pages are served: each status is printed as a badge whose word is its label, every
id on a key page is unique (repeated forms included) and each form field has a name a screen reader reads, and a
new agenda item lands before the closing, on the first day unless another is chosen, its day read as a date."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

import pytest

from jcm.accounts.services import get_user
from jcm.extensions import db
from jcm.meetings.services import add_agenda_item, get_meeting
from jcm.minutes.services import open_minutes
from tests.conftest import Person, post_form


@dataclass(frozen=True)
class Scene:
    upcoming: int  # the 13th meeting, in planning over two days, an item on the second
    held: int  # the 12th, held, its draft minutes open
    item: int  # an action item raised at the 12th, owned by the two delegates, overdue


@pytest.fixture
def scene(app, committee, make_meeting, make_action_item) -> Scene:
    return make_scene(app, committee, make_meeting, make_action_item)


def make_scene(app, committee, make_meeting, make_action_item) -> Scene:
    """The 11th meeting held long ago, two items of it still open (the 12th reviews them); the 12th held, its draft
    minutes open, two items raised at it; the 13th in planning, over two days, an item on the second."""
    earlier = make_meeting(ordinal=11, start_date="2025-09-10", focus_areas=("A.1",), status="held")
    make_action_item(title="Share the testbed list", due_date="2026-01-31", meeting_id=earlier)
    make_action_item(title="Map quantum testbeds", focus_area="A.1", due_date="2026-09-30", meeting_id=earlier)
    upcoming = make_meeting(ordinal=13, start_date="2027-03-10", end_date="2027-03-11", focus_areas=("A.1", "B.4"))
    held = make_meeting(ordinal=12, start_date="2026-03-10", focus_areas=("A.1", "B.4"), status="held")
    with app.app_context():
        add_agenda_item(get_user(committee.us_secretariat.id), get_meeting(upcoming),
                        {"title": "Site visit", "title_ko": "현장 방문", "day": date(2027, 3, 11)})
        open_minutes(get_user(committee.us_secretariat.id), get_meeting(held))
        db.session.commit()
    item = make_action_item(title="Exchange AI-ready dataset inventories", due_date="2026-06-30", meeting_id=held)
    make_action_item(title="Joint quantum workshop", focus_area="B.4", due_date="2027-09-30", meeting_id=held)
    return Scene(upcoming, held, item)


def key_pages(committee, scene: Scene) -> list[tuple[str, Person | None, str]]:
    """(name, who reads it, address): every key page, as the person who works on it sees it."""
    secretariat = committee.us_secretariat
    return [
        ("start page", secretariat, "/"),
        ("MOU", secretariat, "/mou"),
        ("meetings", secretariat, "/meetings"),
        ("meeting and agenda builder", secretariat, f"/meetings/{scene.upcoming}"),
        ("held meeting and its review", secretariat, f"/meetings/{scene.held}"),
        ("agenda item form", secretariat, f"/meetings/{scene.upcoming}/items/new"),
        ("minutes editor", secretariat, f"/meetings/{scene.held}/minutes"),
        ("minutes page", committee.kr_delegate, f"/meetings/{scene.held}/minutes"),
        ("register", secretariat, "/action-items"),
        ("my action items", committee.us_delegate, "/my-action-items"),
        ("action item", committee.us_delegate, f"/action-items/{scene.item}"),
        ("search", secretariat, "/search?q=dataset"),
        ("account", secretariat, "/account"),
        ("accounts", committee.us_admin, "/admin/users"),
        ("audit log", committee.us_admin, "/admin/audit"),
        ("sign-in", None, "/login"),
    ]


class Page(HTMLParser):
    """What a page holds that these stories look at: its ids, its form fields and their names, its badges."""

    FIELDS = ("input", "select", "textarea")

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: Counter = Counter()
        self.fields: list[dict] = []
        self.label_for: set[str] = set()
        self.open_labels = 0
        self.badges: list[tuple[str, str]] = []  # (class, words)
        self._badge: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "label":
            self.open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        if tag in self.FIELDS and attributes.get("type") not in ("hidden", "submit", "button"):
            self.fields.append({**attributes, "_in_label": self.open_labels > 0, "_tag": tag})
        classes = (attributes.get("class") or "").split()
        if tag == "span" and "status" in classes:
            self._badge = [" ".join(classes), ""]

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1
        if tag == "span" and self._badge is not None:
            self.badges.append((self._badge[0], " ".join(self._badge[1].split())))
            self._badge = None

    def handle_data(self, data):
        if self._badge is not None:
            self._badge[1] += data

    def unnamed_fields(self) -> list[str]:
        return [field.get("name") or field.get("id") or field["_tag"] for field in self.fields
                if not (field["_in_label"] or field.get("id") in self.label_for or field.get("aria-label")
                        or field.get("aria-labelledby") or field.get("title"))]


def page_as(client, auth, person: Person | None, address: str, language: str = "en") -> Page:
    if person:
        auth.login(person)
    response = client.get(address, headers={"Accept-Language": language})
    assert response.status_code == 200, address
    if person:
        auth.logout()
    return Page(response.get_data(as_text=True))


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_key_page_repeats_an_id_and_each_field_has_a_name(client, auth, committee, scene, language):
    repeated, unnamed, fields = {}, {}, 0
    for name, person, address in key_pages(committee, scene):
        page = page_as(client, auth, person, address, language)
        fields += len(page.fields)
        if twice := sorted(key for key, count in page.ids.items() if count > 1):
            repeated[name] = twice
        if nameless := page.unnamed_fields():
            unnamed[name] = nameless
    assert fields > 50  # the pages' forms are there to be looked at
    assert not repeated, f"ids given more than once: {repeated}"
    assert not unnamed, f"fields with no label: {unnamed}"


class Forms(HTMLParser):
    """The fields of each form on a page, as a browser would post them: {form's class: [(name, value), ...]}."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append((attributes.get("class") or "", []))
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1][1].append((attributes["name"], attributes.get("value") or ""))


def test_a_days_hours_are_set_from_the_page_as_it_is_served(app, client, auth, committee, scene):
    """The day's form posted the day twice, an empty one first, and so never saved the hours it was given."""
    from werkzeug.datastructures import MultiDict

    auth.login(committee.us_secretariat)
    page = client.get(f"/meetings/{scene.upcoming}").get_data(as_text=True)
    day_forms = [fields for classes, fields in Forms(page).forms if "day-hours" in classes.split()]
    assert len(day_forms) == 2  # one a day
    second_day = MultiDict((name, {"starts_at": "10:30"}.get(name, value)) for name, value in day_forms[1])
    assert second_day.getlist("day") == ["2027-03-11"]
    response = client.post(f"/meetings/{scene.upcoming}/days", data=second_day)
    assert response.status_code == 302
    with app.app_context():
        hours = {day.day.isoformat(): day.starts_at.strftime("%H:%M") for day in get_meeting(scene.upcoming).days}
    assert hours == {"2027-03-10": "09:00", "2027-03-11": "10:30"}


def test_each_status_is_a_badge_that_says_its_label(client, auth, committee, scene):
    def badges(person, address, language="en"):
        return page_as(client, auth, person, address, language).badges

    assert ("status status--planning", "Planning") in badges(committee.us_observer, "/meetings")
    assert ("status status--held", "Held") in badges(committee.us_observer, "/meetings")
    meeting = badges(committee.kr_observer, f"/meetings/{scene.upcoming}", "ko")
    assert meeting[0] == ("status status--planning", "준비 중")
    assert [badge for badge in meeting if badge[0] == "status status--not_agreed"] == [
        ("status status--not_agreed", "아직 동의하지 않음")] * 2  # neither side has agreed the agenda yet
    assert ("status status--draft", "Draft") in badges(committee.us_observer, f"/meetings/{scene.held}/minutes")
    register = badges(committee.us_observer, "/action-items")
    assert ("status status--open", "Open") in register and ("status status--overdue", "Overdue") in register
    item = badges(committee.us_delegate, f"/action-items/{scene.item}")
    assert item == [("status status--open", "Open"), ("status status--overdue", "Overdue")]
    assert ("status status--succeeded", "Succeeded") in badges(committee.us_admin, "/admin/audit")


def test_a_new_item_lands_before_the_closing_on_the_first_day_unless_another_is_chosen(
        app, client, auth, committee, scene):
    auth.login(committee.us_secretariat)
    form = client.get(f"/meetings/{scene.upcoming}/items/new").get_data(as_text=True)
    assert '<option selected value="2027-03-10">March 10, 2027 (Wed)</option>' in form
    assert '<option value="2027-03-11">March 11, 2027 (Thu)</option>' in form
    auth.logout()
    auth.login(committee.kr_secretariat)
    korean = client.get(f"/meetings/{scene.upcoming}/items/new", headers={"Accept-Language": "ko"})
    assert '<option selected value="2027-03-10">2027년 3월 10일 (수)</option>' in korean.get_data(as_text=True)

    for title, day in (("Lunch", "2027-03-10"), ("Joint workshop", "2027-03-11")):
        response = post_form(client, f"/meetings/{scene.upcoming}/items/new",
                             {"kind": "other_business", "title": title, "title_ko": title, "duration_minutes": "30",
                              "day": day})
        assert response.status_code == 302
    with app.app_context():
        items = get_meeting(scene.upcoming, with_agenda=True).items
        by_day = {}
        for item in sorted(items, key=lambda item: item.position):
            by_day.setdefault(item.day.isoformat(), []).append(item.title)
    assert by_day["2027-03-10"][-2:] == ["Lunch", "Closing remarks"]  # the closing still ends the meeting's day
    assert by_day["2027-03-11"] == ["Site visit", "Joint workshop"]  # and the second day's items follow in order
