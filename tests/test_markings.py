"""Distribution markings: every document of a meeting says who it is for — "For the use of the two governments" /
"양국 정부 내부용" unless its secretariats chose otherwise — on every page, on screen and in the PDF, and in the PDF's
metadata; adopted minutes keep the marking frozen with their record."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services as minutes_services
from jcm.records import digest
from tests.conftest import post_form
from tests.test_agenda_document import PDF
from tests.test_corrections import corrections_url, propose
from tests.test_minutes_document import adopt, minutes_url, write_minutes

GOVERNMENTS = {"en": "For the use of the two governments", "ko": "양국 정부 내부용"}
UNRESTRICTED = {"en": "Unrestricted", "ko": "공개"}


def marking_url(meeting_id: int) -> str:
    return f"/api/v1/meetings/{meeting_id}/marking"


def pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def keywords(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).metadata["/Keywords"]


def assert_marked(client, url: str, words: dict[str, str]) -> None:
    """The document in each language, and the two side by side, carries the marking at the top of its HTML, on every
    page of its PDF and in the PDF's keywords."""
    for lang in ("en", "ko", "both"):
        wanted = words[lang] if lang != "both" else f"{words['en']} / {words['ko']}"
        html = client.get(f"{url}.html?lang={lang}").get_data(as_text=True)
        assert f'<p class="document-marking" role="note">{wanted}</p>' in html
        assert f'<meta name="keywords" content="{wanted}">' in html
        pdf = client.get(f"{url}.pdf?lang={lang}", headers=PDF)
        assert pdf.status_code == 200
        found = pages(pdf.data)
        assert len(found) > 1 and all(wanted in page for page in found), (lang, [p[:160] for p in found])
        assert keywords(pdf.data) == wanted


def test_a_meetings_documents_are_for_the_two_governments_unless_the_secretariats_choose_otherwise(
        app, client, auth, api, committee, make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.kr_delegate)
    assert_marked(client, f"/meetings/{meeting_id}/agenda", GOVERNMENTS)
    assert api.get(marking_url(meeting_id), committee.kr_observer).get_json() == {
        "meeting_id": meeting_id, "marking": "governments", "label": GOVERNMENTS["en"],
        "label_ko": GOVERNMENTS["ko"], "version": 0, "choices": ["governments", "unrestricted"]}

    changed = api.client.put(marking_url(meeting_id), headers=api.headers(committee.kr_secretariat),
                             json={"marking": "unrestricted"})
    assert changed.status_code == 200 and changed.get_json()["version"] == 1
    assert_marked(client, f"/meetings/{meeting_id}/agenda", UNRESTRICTED)
    # Based on the version before, a change is refused with the marking as it stands.
    stale = api.client.put(marking_url(meeting_id), headers=api.headers(committee.us_secretariat),
                           json={"marking": "governments", "version": 0})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["current"]["marking"] == "unrestricted"


def test_a_bad_marking_is_refused_clearly_and_an_observer_cannot_set_one(app, client, auth, api, committee,
                                                                         make_meeting):
    meeting_id = make_meeting()
    put = api.client.put
    for value in ("secret", "us_only", "", 5):
        refused = put(marking_url(meeting_id), headers=api.headers(committee.us_secretariat), json={"marking": value})
        assert refused.status_code == 422, value
    assert put(marking_url(meeting_id), headers=api.headers(committee.us_secretariat), json={}).status_code == 422
    for person in (committee.us_observer, committee.kr_observer, committee.kr_delegate, committee.us_co_chair):
        assert put(marking_url(meeting_id), headers=api.headers(person),
                   json={"marking": "unrestricted"}).status_code == 403
    assert put(marking_url(999999), headers=api.headers(committee.us_secretariat),
               json={"marking": "unrestricted"}).status_code == 404

    auth.login(committee.us_observer)
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert GOVERNMENTS["en"] in page and "Change the marking" not in page
    assert client.post(f"/meetings/{meeting_id}/marking", data={"marking": "unrestricted"}).status_code in (400, 403)
    auth.logout()

    auth.login(committee.us_secretariat)
    url = f"/meetings/{meeting_id}"
    bad = post_form(client, f"/meetings/{meeting_id}/marking", {"marking": "secret", "version": "0"}, page=url)
    assert bad.status_code == 422 and "A meeting&#39;s documents are marked" in bad.get_data(as_text=True)
    good = post_form(client, f"/meetings/{meeting_id}/marking", {"marking": "unrestricted", "version": "0"},
                     page=url, follow_redirects=True)
    assert good.status_code == 200 and "The marking of the meeting&#39;s documents has been changed." in \
        good.get_data(as_text=True)
    assert api.get(marking_url(meeting_id), committee.us_observer).get_json()["marking"] == "unrestricted"


def test_adopted_minutes_print_the_marking_frozen_with_them_and_it_no_longer_changes(
        app, client, auth, api, committee, held_meeting):
    assert api.client.put(marking_url(held_meeting), headers=api.headers(committee.us_secretariat),
                          json={"marking": "unrestricted"}).status_code == 200
    write_minutes(app, committee, held_meeting)
    auth.login(committee.kr_co_chair)
    assert_marked(client, minutes_url(held_meeting, "x")[:-2], UNRESTRICTED)  # the draft carries it
    sha = adopt(app, committee, held_meeting)
    with app.app_context():
        content = minutes_services.minutes_for(get_meeting(held_meeting)).adopted_content
        assert content["marking"] == "unrestricted" and digest(content) == sha
    assert_marked(client, minutes_url(held_meeting, "x")[:-2], UNRESTRICTED)
    refused = api.client.put(marking_url(held_meeting), headers=api.headers(committee.us_secretariat),
                             json={"marking": "governments", "version": 1})
    assert refused.status_code == 409 and "adopted with their marking" in refused.get_json()["error"]["message"]

    # A correction is a new record made from the adopted one: it keeps the marking, on every page.
    item = content["records"][3]["agenda_item_id"]
    assert propose(api, committee, held_meeting, item).status_code == 201
    for co_chair in (committee.kr_co_chair, committee.us_co_chair):
        assert api.post(f"{corrections_url(held_meeting)}/1/approvals", co_chair,
                        json={"version": 1}).status_code == 201
    with app.app_context():
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        corrected = minutes_services.get_correction(minutes, 1).content
        assert corrected["correction"]["number"] == 1 and corrected["marking"] == "unrestricted"
    assert_marked(client, minutes_url(held_meeting, "x")[:-2], UNRESTRICTED)


def test_minutes_adopted_before_markings_were_kept_print_the_default_and_still_verify(
        app, client, auth, api, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    adopt(app, committee, held_meeting)
    with app.app_context():  # a record frozen before markings were kept: no marking in it, its digest of then
        minutes = minutes_services.minutes_for(get_meeting(held_meeting))
        earlier = {key: value for key, value in minutes.adopted_content.items() if key != "marking"}
        minutes.adopted_content, minutes.sha256 = earlier, digest(earlier)
        db.session.commit()
        sha = minutes.sha256
    auth.login(committee.us_delegate)
    html = client.get(minutes_url(held_meeting) + "?lang=en").get_data(as_text=True)
    assert f'<p class="document-marking" role="note">{GOVERNMENTS["en"]}</p>' in html and sha in html
    record = api.get(f"/api/v1/verify/{sha}")
    assert record.status_code == 200


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_implementation_report_carries_the_default_marking(client, auth, committee, held_meeting, lang):
    auth.login(committee.us_co_chair)
    html = client.get(f"/reports/implementation.html?lang={lang}").get_data(as_text=True)
    assert f'<p class="document-marking" role="note">{GOVERNMENTS[lang]}</p>' in html
    pdf = client.get(f"/reports/implementation.pdf?lang={lang}", headers=PDF)
    assert pdf.status_code == 200
    assert all(GOVERNMENTS[lang] in page for page in pages(pdf.data)) and keywords(pdf.data) == GOVERNMENTS[lang]





def test_an_agreed_agenda_prints_the_marking_frozen_with_it(app, client, auth, api, committee, agreed_meeting):
    with app.app_context():
        from jcm.documents.records import agreed_agenda

        assert agreed_agenda(get_meeting(agreed_meeting)).record["marking"] == "governments"
    assert api.client.put(marking_url(agreed_meeting), headers=api.headers(committee.us_secretariat),
                          json={"marking": "unrestricted"}).status_code == 200
    auth.login(committee.kr_delegate)
    html = client.get(f"/meetings/{agreed_meeting}/agenda.html?lang=ko").get_data(as_text=True)
    assert f'<p class="document-marking" role="note">{GOVERNMENTS["ko"]}</p>' in html
