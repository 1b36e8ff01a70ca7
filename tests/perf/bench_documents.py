"""Benchmark: the documents of a meeting of 40 agenda items — agenda.html and minutes.html beside a bare endpoint,
made anew (the first request after a change) and again at the same version of the content (jcm.documents.drafts),
and their PDFs off the request: a draft's first render beside plain WeasyPrint on the same HTML, a second download
of the unchanged draft (the draft cache, found by its record's digest, remembered by the content's version) beside
an agreed agenda version's kept copy, and the kept copy beside the same bytes from a bare Flask app.

Targets from the issue (point 3): agenda.html and minutes.html ≤ 40× the bare endpoint; a kept copy ≤ 20 ms to
serve and a second download of an unchanged draft as fast; a new draft's render ≤ 1.2× plain WeasyPrint. Every
figure is a ratio to something measured in the same run (the machine is shared); nothing is asserted about time.
The bare endpoint and JCM are served the same way: in this process, through Werkzeug's test client.
"""

from __future__ import annotations

from flask import Flask, Response, current_app
from sqlalchemy import event

from jcm.accounts.services import get_user
from jcm.documents import views
from jcm.documents.render import DEFAULT_OPTIONS, lay_out, render_pdf
from jcm.extensions import db
from jcm.meetings.services import add_agenda_item, agree_agenda, get_meeting
from tests.conftest import complete_both_texts
from tests.perf.bench_adopted_record import Rounds, pages, plain
from tests.perf.bench_minutes import AGENDA_ITEMS, build_long_minutes, timed
from tests.perf.figures import ms, sec, verdict

HTML_RUNS, SERVE_RUNS, RENDER_ROUNDS = 20, 30, 3
HTML_WITHIN, SERVE_WITHIN, RENDER_RATIO = 40, 0.020, 1.2


def build_agreed_agenda(app, committee, make_meeting) -> int:
    """A meeting of 40 agenda items whose agenda both sides agreed (in both languages, checked)."""
    meeting_id = make_meeting(ordinal=13, start_date="2027-09-10", focus_areas=("A.1", "B.4"))
    with app.app_context():
        us = get_user(committee.us_secretariat.id)
        for n in range(AGENDA_ITEMS - len(get_meeting(meeting_id, with_agenda=True).items)):
            add_agenda_item(us, get_meeting(meeting_id), {
                "kind": "other_business", "title": f"Joint research programme {n + 1}", "title_ko": f"공동 연구 사업 {n + 1}",
                "duration_minutes": 10})
        db.session.commit()
    complete_both_texts(app, committee, meeting_id)
    with app.app_context():
        for person in (committee.us_secretariat, committee.kr_secretariat):
            agree_agenda(get_user(person.id), get_meeting(meeting_id))
        db.session.commit()
    return meeting_id


def untagged(html: str, base_url: str) -> bytes:
    """render_pdf of a draft without PDF tags (the structure tree screen readers follow): what the tags cost."""
    options = {**DEFAULT_OPTIONS, "pdf_tags": False}
    return lay_out(html, base_url, None, **options).write_pdf(**options)


def test_bench_documents(app, client, auth, committee, make_meeting, make_action_item, figures, quick):
    html_runs, serve_runs, rounds = (5, 10, 2) if quick else (HTML_RUNS, SERVE_RUNS, RENDER_ROUNDS)

    @app.get("/bench/bare")
    def bare_route():
        return Response("<!doctype html><p>bare</p>", mimetype="text/html")

    kept_bytes: dict[str, bytes] = {}
    bare_app = Flask("bench")
    bare_app.add_url_rule("/bare", "bare", lambda: Response("<!doctype html><p>bare</p>", mimetype="text/html"))
    bare_app.add_url_rule("/bare.pdf", "bare_pdf", lambda: Response(kept_bytes["en"], mimetype="application/pdf"))
    bare_client = bare_app.test_client()

    minutes_meeting = build_long_minutes(app, committee, make_meeting, make_action_item)
    agreed_meeting = build_agreed_agenda(app, committee, make_meeting)
    auth.login(committee.us_delegate)

    # --- the HTML documents -------------------------------------------------------------------------------
    with app.app_context():
        engine = db.engine
    urls = {"agenda.html (draft, 40 items)": f"/meetings/{minutes_meeting}/agenda.html?lang=en",
            "agenda.html (agreed, 40 items)": f"/meetings/{agreed_meeting}/agenda.html?lang=en",
            "minutes.html (draft, 40 records)": f"/meetings/{minutes_meeting}/minutes.html?lang=en"}
    statements: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for name, url in urls.items():
        seen: list[str] = []
        listener = lambda *args, seen=seen: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.get(url)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200, (url, response.status_code)
        statements[name], sizes[name] = len(seen), len(response.data)
    bare_wall, bare_cpu, _ = timed(lambda: bare_client.get("/bare"), serve_runs)
    route_wall, route_cpu, _ = timed(lambda: client.get("/bench/bare"), serve_runs)
    html = {name: timed(lambda url=url: client.get(url), html_runs)[:2] for name, url in urls.items()}
    made = app.extensions["jcm.content.made.bulky"]

    def anew(url: str):
        """As the first request after a change: nothing remembered at the content's version."""
        made.clear()
        return client.get(url)

    html_anew = {name: timed(lambda url=url: anew(url), html_runs)[:2] for name, url in urls.items()}

    figures.section(f"Documents of {AGENDA_ITEMS} agenda items, through the test client (ratios to a bare Flask app)")
    figures.add(f"  bare Flask endpoint, median of {serve_runs}", ms(bare_wall), ms(bare_cpu))
    figures.add("  a bare route of the JCM app (its request hooks)", ms(route_wall), ms(route_cpu))
    for name, (wall, cpu) in html.items():
        figures.add(f"  {name}: {statements[name]} SQL made anew, {sizes[name] // 1024} KB", "")
        for how, (wall, cpu) in (("again, the content unchanged", html[name]),
                                 ("made anew (the first after a change)", html_anew[name])):
            figures.add(f"     {how}, median of {html_runs}", ms(wall), ms(cpu))
            figures.add("       ratio to the bare endpoint", f"{wall / bare_wall:.0f}×", f"{cpu / bare_cpu:.0f}×",
                        *((f"≤ {HTML_WITHIN}×", verdict(wall / bare_wall <= HTML_WITHIN, cpu / bare_cpu <= HTML_WITHIN))
                          if wall is html[name][0] else ()))

    # --- the PDFs -----------------------------------------------------------------------------------------
    # A draft is found in the cache by the digest of its record (jcm/documents/pdfs.py draft_key), remembered with
    # the record at the content's version: a second download reads the file, as a kept copy is read.
    drafts = {"agenda.pdf": f"/meetings/{minutes_meeting}/agenda.pdf?lang=en",
              "minutes.pdf": f"/meetings/{minutes_meeting}/minutes.pdf?lang=en"}
    kept_url = f"/meetings/{agreed_meeting}/agenda.pdf?lang=en"
    first, again = {}, {}
    for name, url in drafts.items():
        wall, cpu, answer = timed(lambda url=url: client.get(url), 1)  # renders; waits (PDF_WAIT_SECONDS)
        assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
        first[name] = (wall, cpu)
        again_wall, again_cpu, answer_again = timed(lambda url=url: client.get(url), serve_runs)
        assert answer_again.data == answer.data
        again[name] = (again_wall, again_cpu)
    kept = client.get(kept_url)  # the first asks it to be kept (no preparation in tests)
    assert kept.status_code == 200
    kept_wall, kept_cpu, kept_again = timed(lambda: client.get(kept_url), serve_runs)
    assert kept_again.data == kept.data
    kept_bytes["en"] = kept.data
    bare_pdf_wall, bare_pdf_cpu, _ = timed(lambda: bare_client.get("/bare.pdf"), serve_runs)

    for name, (wall, cpu) in first.items():
        figures.add(f"  {name}, a new draft: first download (rendered, waited for)", sec(wall), sec(cpu))
    for name, (wall, cpu) in again.items():
        figures.add(f"  {name}, the unchanged draft again (the draft cache, by the digest remembered), median of "
                    f"{serve_runs}", ms(wall), ms(cpu), f"≤ {SERVE_WITHIN * 1000:.0f} ms",
                    verdict(wall <= SERVE_WITHIN, cpu <= SERVE_WITHIN))
        figures.add("     ratio to the kept copy below", f"{wall / kept_wall:.1f}×", f"{cpu / kept_cpu:.1f}×")
    figures.add(f"  agenda.pdf, an agreed version's kept copy, median of {serve_runs}", ms(kept_wall), ms(kept_cpu),
                f"≤ {SERVE_WITHIN * 1000:.0f} ms", verdict(kept_wall <= SERVE_WITHIN, kept_cpu <= SERVE_WITHIN))
    figures.add("     the same bytes from a bare Flask app", ms(bare_pdf_wall), ms(bare_pdf_cpu))
    figures.add("     ratio: kept copy / bare Flask app", f"{kept_wall / bare_pdf_wall:.0f}×",
                f"{kept_cpu / bare_pdf_cpu:.0f}×")

    # --- a draft's render beside plain WeasyPrint on the same HTML ---------------------------------------
    with app.test_request_context("/", base_url="http://localhost"):
        base_url = current_app.config["BASE_URL"]
        record = views._agenda_edition(minutes_meeting).record
        draft_html = views.agenda_html(record, "en")
        db.session.rollback()
        plain(draft_html, base_url)  # warm up: fontconfig, the stylesheet, the fonts' first use
        renders = Rounds({"plain": lambda: plain(draft_html, base_url),
                          "draft": lambda: render_pdf(draft_html, base_url),
                          "untagged": lambda: untagged(draft_html, base_url)}, rounds)
    assert pages(renders.result["plain"]) == pages(renders.result["draft"])
    (plain_wall, plain_cpu), (draft_wall, draft_cpu), (untagged_wall, untagged_cpu) = (
        renders.median(name) for name in ("plain", "draft", "untagged"))
    ratio, cpu_ratio = renders.ratio("draft", "plain")
    untagged_ratio, untagged_cpu_ratio = renders.ratio("untagged", "plain")
    figures.add(f"  plain WeasyPrint on the draft agenda's HTML ({pages(renders.result['plain'])} pages), "
                f"median of {rounds}", sec(plain_wall), sec(plain_cpu))
    figures.add("  render_pdf of the draft as served (tagged, Hangul words kept)", sec(draft_wall), sec(draft_cpu))
    figures.add("     ratio: draft / plain", f"{ratio:.2f}×", f"{cpu_ratio:.2f}×", f"≤ {RENDER_RATIO}×",
                verdict(ratio <= RENDER_RATIO, cpu_ratio <= RENDER_RATIO))
    figures.add("  the same without PDF tags", sec(untagged_wall), sec(untagged_cpu))
    figures.add("     ratio: untagged / plain", f"{untagged_ratio:.2f}×", f"{untagged_cpu_ratio:.2f}×")
