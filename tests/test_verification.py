"""Anyone holding a copy of adopted minutes can check it: on /verify, through the API and with `jcm verify`."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from pypdf import PdfReader, PdfWriter

from jcm.documents.render import Archival, render_pdf
from jcm.documents.views import minutes_html
from jcm.extensions import db
from jcm.meetings.services import get_meeting
from jcm.minutes import services
from jcm.records import canonical_json, digest
from tests.conftest import csrf_token
from tests.test_minutes_document import adopt, minutes_url, write_minutes


@pytest.fixture
def adopted(app, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    return held_meeting, adopt(app, committee, held_meeting)


def genuine_pdf(client, auth, committee, meeting_id: int, lang: str = "en") -> bytes:
    auth.login(committee.us_delegate)
    data = client.get(minutes_url(meeting_id, "pdf") + f"?lang={lang}").data
    auth.logout()
    return data


def forged_pdf(app, meeting_id: int, *, embed_changed: bool) -> bytes:
    """A copy whose printed text was changed: the genuine record still embedded, or the changed one with the
    genuine digest retyped onto it."""
    from datetime import datetime

    with app.app_context(), app.test_request_context("/", base_url=app.config["BASE_URL"]):
        minutes = services.minutes_for(get_meeting(meeting_id))
        record, sha256 = minutes.adopted_content, minutes.sha256
        changed = copy.deepcopy(record)
        changed["records"][3]["decisions"] = ["The two sides agreed to exchange nothing at all."]
        html = minutes_html(changed, "en", adopted=True, digest=sha256)
        embedded = changed if embed_changed else record
        return render_pdf(html, app.config["BASE_URL"],
                          Archival(canonical_json(embedded), sha256, datetime(2026, 3, 12), "forged"))


def upload(client, data: bytes, name: str = "minutes.pdf"):
    token = csrf_token(client, "/verify")
    return client.post("/verify", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


# --- by digest --------------------------------------------------------------------------------------------

def test_anyone_checks_a_digest_and_learns_the_meeting_never_the_content(client, adopted):
    meeting_id, sha256 = adopted
    assert client.get("/verify").status_code == 200  # no account needed
    token = csrf_token(client, "/verify")
    response = client.post("/verify", data={"csrf_token": token, "sha256": sha256.upper() + "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "It matches" in page
    assert "JCM12" in page and "Margaret Chen" in page and "이준호" in page
    assert "testbed inventories" not in page and "Dr. Jane Doe" not in page  # never the content

    response = client.get(f"/verify?sha256={'0' * 64}")
    assert response.status_code == 404 and "It does not match" in response.get_data(as_text=True)
    for bad in ("abc", "g" * 64, sha256[:-1], "<script>alert(1)</script>"):
        response = client.post("/verify", data={"csrf_token": token, "sha256": bad})
        assert response.status_code == 422, bad
        assert "64 hexadecimal characters" in response.get_data(as_text=True)
        assert "<script>alert" not in response.get_data(as_text=True)


def test_the_api_says_whether_a_digest_matches_without_a_token(client, adopted):
    meeting_id, sha256 = adopted
    body = client.get(f"/api/v1/verify/{sha256}").get_json()
    assert body["match"] is True and body["kind"] == "minutes" and body["meeting"]["id"] == meeting_id
    assert set(body["adopted_by"]) == {"US", "KR"} and body["correction"] is None
    assert "records" not in json.dumps(body)
    assert client.get(f"/api/v1/verify/{'a' * 64}").get_json()["match"] is False
    for bad in ("xyz", "a" * 63, "a" * 65):
        response = client.get(f"/api/v1/verify/{bad}")
        assert response.status_code == 422 and response.get_json()["error"]["code"]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/api/v1/verify/{sha256}"]["get"]["security"] == []


# --- a PDF ------------------------------------------------------------------------------------------------

def test_the_adopted_pdf_is_an_archival_pdf_with_its_record_embedded(app, client, auth, committee, adopted):
    meeting_id, sha256 = adopted
    data = genuine_pdf(client, auth, committee, meeting_id, "ko")
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert reader.trailer["/Root"]["/Lang"] == "ko"
    assert "합의의사록" in reader.metadata.title and "시간(분)" not in reader.metadata.title
    assert reader.metadata.author and reader.metadata.creation_date
    (embedded,) = reader.attachments["record.json"]
    assert digest(json.loads(embedded)) == sha256
    for number, page in enumerate(reader.pages, start=1):  # the reference and digest at the foot of every page
        text = page.extract_text()
        assert sha256 in "".join(text.split()) and "JCM12 · 회의록" in text, number


def test_a_genuine_pdf_matches_and_altered_ones_say_why(app, client, auth, committee, adopted):
    meeting_id, sha256 = adopted
    genuine = genuine_pdf(client, auth, committee, meeting_id)
    response = upload(client, genuine)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "It matches" in page and "byte for byte" in page

    altered = upload(client, forged_pdf(app, meeting_id, embed_changed=False))
    assert altered.status_code == 422 and "has been altered" in altered.get_data(as_text=True)

    retyped = upload(client, forged_pdf(app, meeting_id, embed_changed=True))
    text = retyped.get_data(as_text=True)
    assert retyped.status_code == 422 and "retyped" in text

    swapped = PdfWriter(clone_from=PdfReader(io.BytesIO(genuine)))
    swapped.remove_page(len(swapped.pages) - 1)
    out = io.BytesIO()
    swapped.write(out)
    assert upload(client, out.getvalue()).status_code == 422


def test_bad_uploads_get_a_clear_4xx(app, client, auth, committee, held_meeting):
    write_minutes(app, committee, held_meeting)
    auth.login(committee.us_delegate)
    draft = client.get(minutes_url(held_meeting, "pdf")).data
    auth.logout()
    response = upload(client, draft)
    assert response.status_code == 422 and "no embedded record" in response.get_data(as_text=True)
    response = upload(client, b"GIF89a not a pdf", "minutes.pdf")
    assert response.status_code == 422 and "not a PDF" in response.get_data(as_text=True)
    response = upload(client, b"%PDF-1.7\n garbage that is no PDF at all")
    assert response.status_code == 422
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # as the 25 MB default refuses a 50 MB file
    response = upload(client, b"%PDF-1.7\n" + b"0" * 70_000)
    assert response.status_code == 413 and "larger than JCM accepts" in response.get_data(as_text=True)
    token = csrf_token(client, "/verify")
    assert client.post("/verify", data={"csrf_token": token}).status_code == 422  # nothing given


def test_jcm_verify_checks_a_file_online_and_offline(app, client, auth, committee, adopted, runner, tmp_path):
    meeting_id, sha256 = adopted
    path = tmp_path / "copy.pdf"
    path.write_bytes(genuine_pdf(client, auth, committee, meeting_id))
    result = runner.invoke(args=["verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "MATCHES" in result.output and sha256 in result.output and "JCM12" in result.output

    result = runner.invoke(args=["verify", "--offline", str(path)])
    assert result.exit_code == 0 and "offline" in result.output

    forged = tmp_path / "forged.pdf"
    forged.write_bytes(forged_pdf(app, meeting_id, embed_changed=False))
    result = runner.invoke(args=["verify", str(forged)])
    assert result.exit_code == 1 and "DOES NOT MATCH" in result.output and "altered" in result.output

    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"hello")
    result = runner.invoke(args=["verify", str(junk)])
    assert result.exit_code == 2 and "not a PDF" in result.output


def test_a_kept_copy_lost_is_rendered_again_for_the_check(app, client, auth, committee, adopted):
    import shutil
    from pathlib import Path

    meeting_id, _sha = adopted
    genuine = genuine_pdf(client, auth, committee, meeting_id)
    shutil.rmtree(Path(app.instance_path) / "documents")
    response = upload(client, genuine)
    assert response.status_code == 200 and "byte for byte" in response.get_data(as_text=True)
    assert re.search(r"minutes-\d+-[0-9a-f]{64}-en\.pdf",
                     " ".join(p.name for p in (Path(app.instance_path) / "documents").iterdir()))
    with app.app_context():
        db.session.remove()


def test_jcm_verify_renders_a_lost_kept_copy_itself_and_keeps_it(app, client, auth, committee, adopted, runner,
                                                                 tmp_path):
    """The command line has no request to wait on and no one to ask again later: a kept copy not on disk (lost, or
    never rendered) is rendered there and then, in the command's own process, kept, and the copy checked against it."""
    import shutil
    from pathlib import Path

    from tests.test_document_cache import counting_renders

    meeting_id, sha256 = adopted
    path = tmp_path / "copy.pdf"
    path.write_bytes(genuine_pdf(client, auth, committee, meeting_id, "ko"))
    kept = Path(app.instance_path) / "documents"
    shutil.rmtree(kept)
    with counting_renders(app) as renders:
        result = runner.invoke(args=["verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "MATCHES" in result.output and "byte for byte" in result.output and sha256 in result.output
    assert renders == [True]  # the Korean text's kept copy, archival, rendered by the command itself
    assert (kept / f"minutes-{meeting_id}-{sha256}-ko.pdf").read_bytes() == path.read_bytes()
    with counting_renders(app) as renders:  # kept now: checked against the file, nothing rendered
        assert runner.invoke(args=["verify", "--offline", str(path)]).exit_code == 0
    assert renders == []
    with app.app_context():
        db.session.remove()


# --- in both scripts ----------------------------------------------------------------------------------------

def test_who_adopted_is_named_in_the_readers_script_and_the_api_gives_both(
        app, client, api, committee, held_meeting, runner, tmp_path):
    from jcm.accounts.services import get_user

    with app.app_context():  # the Korean co-chair's account gives his name in Latin letters and in Hangul
        co_chair = get_user(committee.kr_co_chair.id)
        co_chair.name, co_chair.name_ko = "Lee Joon-ho", "이준호"
        db.session.commit()
    write_minutes(app, committee, held_meeting)
    sha256 = adopt(app, committee, held_meeting)
    with app.app_context():
        title = services.minutes_for(get_meeting(held_meeting)).adopted_content["meeting"]["title"]
    assert title["en"] and title["ko"] and title["en"] != title["ko"]

    korean = client.get(f"/verify?sha256={sha256}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "일치합니다" in korean
    assert '<span lang="ko">이준호</span>' in korean and "Lee Joon-ho" not in korean
    assert "Margaret Chen" in korean  # no name in Hangul on record: the one in Latin letters
    assert f'<span lang="ko">{title["ko"]}</span>' in korean and title["en"] not in korean
    english = client.get(f"/verify?sha256={sha256}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Lee Joon-ho" in english and "이준호" not in english and title["en"] in english

    body = client.get(f"/api/v1/verify/{sha256}").get_json()
    assert body["adopted_by"] == {"US": {"name": "Margaret Chen", "name_ko": ""},
                                  "KR": {"name": "Lee Joon-ho", "name_ko": "이준호"}}
    assert body["meeting"]["title"] == title

    # A correction names its adopters in both scripts too.
    with app.app_context():
        get_user(committee.us_co_chair.id).name_ko = "마거릿 첸"
        db.session.commit()
    made = api.post(f"/api/v1/meetings/{held_meeting}/minutes/corrections", committee.kr_secretariat, json={
        "reason": "차기 회의 장소 정정", "changes": {"next_meeting": "Seoul, in the autumn of 2027.",
                                              "next_meeting_ko": "2027년 가을, 서울"}})
    assert made.status_code == 201, made.get_json()
    for person in (committee.us_co_chair, committee.kr_co_chair):
        corrected = api.post(f"/api/v1/meetings/{held_meeting}/minutes/corrections/1/approvals", person, json={})
    corrected = corrected.get_json()["sha256"]
    body = client.get(f"/api/v1/verify/{corrected}").get_json()
    assert body["correction"] == 1 and body["adopted_by"] == {"US": {"name": "Margaret Chen", "name_ko": "마거릿 첸"},
                                                              "KR": {"name": "Lee Joon-ho", "name_ko": "이준호"}}
    korean = client.get(f"/verify?sha256={corrected}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert '<span lang="ko">마거릿 첸</span>' in korean and "Margaret Chen" not in korean

    # `jcm verify` names them in both scripts.
    from tests.test_agenda_document import PDF

    path = tmp_path / "copy.pdf"
    path.write_bytes(api.client.get(minutes_url(held_meeting, "pdf"),
                                    headers={**api.headers(committee.us_observer), **PDF}).data)
    result = runner.invoke(args=["verify", str(path)])
    assert result.exit_code == 0, result.output
    assert "Margaret Chen (마거릿 첸)" in result.output and "Lee Joon-ho (이준호)" in result.output
    assert f"{title['en']} ({title['ko']})" in result.output
