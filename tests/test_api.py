"""The JSON API: tokens, the foundation's resources, JSON errors and the generated OpenAPI document."""

import re

import pytest
from openapi_spec_validator import validate

from jcm.accounts.models import ApiToken
from jcm.extensions import db


def test_without_a_token_the_api_answers_401_in_json(client, committee):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer jcm_not-a-real-token"})
    assert bad.status_code == 401
    basic = client.get("/api/v1/me", headers={"Authorization": "Basic YWxpY2U6cGFzcw=="})
    assert basic.status_code == 401


def test_a_browser_session_is_not_an_api_credential(client, auth, committee):
    auth.login(committee.us_admin)
    assert client.get("/api/v1/me").status_code == 401


def test_me_is_the_tokens_account(api, committee):
    body = api.get("/api/v1/me", committee.kr_co_chair).get_json()
    assert body["email"] == committee.kr_co_chair.email
    assert body["name"] == "이준호" and body["side"] == "KR" and body["role"] == "co_chair"
    assert set(body) >= {"id", "email", "name", "side", "role", "organization_id", "locale"}


def test_a_revoked_token_stops_working(app, api, committee):
    assert api.get("/api/v1/me", committee.us_delegate).status_code == 200
    result = app.test_cli_runner().invoke(args=["tokens", "revoke", api.token(committee.us_delegate)[:12]])
    assert result.exit_code == 0, result.output
    assert api.get("/api/v1/me", committee.us_delegate).status_code == 401


def test_tokens_are_stored_only_as_hashes(app, api, committee):
    plain = api.token(committee.us_secretariat)
    with app.app_context():
        stored = db.session.scalars(db.select(ApiToken)).all()
        assert stored and all(plain not in (t.token_hash, t.prefix) for t in stored)
        assert all(len(t.token_hash) == 64 for t in stored)


def test_a_program_that_only_reads_shows_its_token_in_use(app, client, auth, api, committee):
    from datetime import timedelta

    from jcm.models import utcnow

    def last_used():
        with app.app_context():
            return db.session.scalar(db.select(ApiToken.last_used_at).where(ApiToken.user_id == committee.kr_delegate.id))

    api.token(committee.kr_delegate)
    assert last_used() is None
    assert api.get("/api/v1/meetings", committee.kr_delegate).status_code == 200
    first = last_used()
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    assert api.get(f"/api/v1/meetings/{10**9}", committee.kr_delegate).status_code == 404  # a use all the same
    assert last_used() == first  # kept to within five minutes: not one write per request
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(last_used_at=first - timedelta(hours=3)))
        db.session.commit()
    assert api.get("/api/v1/me", committee.kr_delegate).status_code == 200
    assert last_used() > first - timedelta(hours=3)

    auth.login(committee.kr_delegate)  # the owner sees when it was last used, and so does an administrator
    page = client.get("/account").get_data(as_text=True)
    cells = re.findall(r"<td>([^<]*)</td>", page[page.index("<td>tests</td>"):])
    assert cells[0] == "tests" and cells[2] not in ("", "—")  # for, created, last used


def test_jcm_tokens_create_prints_a_token_that_works(app, client, committee):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", committee.kr_secretariat.email.upper()])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["email"] == committee.kr_secretariat.email
    unknown = app.test_cli_runner().invoke(args=["tokens", "create", "--email", "nobody@example.gov"])
    assert unknown.exit_code != 0 and "no account" in unknown.output


def test_agreements_and_one_agreement_with_its_focus_area_tree(api, committee):
    (agreement,) = api.get("/api/v1/agreements", committee.us_delegate).get_json()
    assert agreement["code"] == "us-rok-st-mou" and agreement["status"] == "operative"
    assert agreement["participants"]["KR"]["name"] == "The Government of the Republic of Korea"
    detail = api.get(f"/api/v1/agreements/{agreement['id']}", committee.us_delegate).get_json()
    assert [area["code"] for area in detail["focus_areas"]] == ["A", "B"]
    ai, trusted = detail["focus_areas"]
    assert len(ai["children"]) == 9 and len(trusted["children"]) == 6
    space = trusted["children"][5]
    assert space["code"] == "B.6" and [c["code"] for c in space["children"]] == [f"B.6.{i}" for i in range(1, 6)]
    assert detail["terms"][2]["code"] == "discontinuation" and detail["notice_period_days"] == 180


def test_focus_areas_flat(api, committee):
    areas = api.get("/api/v1/focus-areas", committee.kr_observer).get_json()
    assert len(areas) == 22
    first = areas[0]
    assert set(first) >= {"id", "code", "title", "title_ko", "parent_id", "agreement_id"}
    by_code = {area["code"]: area for area in areas}
    assert by_code["A.3"]["parent_id"] == by_code["A"]["id"]
    filtered = api.get(f"/api/v1/focus-areas?parent_id={by_code['B.6']['id']}", committee.kr_observer).get_json()
    assert [a["code"] for a in filtered] == [f"B.6.{i}" for i in range(1, 6)]


def test_users_and_organizations(api, committee):
    users = api.get("/api/v1/users", committee.us_observer).get_json()
    assert len(users) == 10
    korean = api.get("/api/v1/users?side=KR&role=secretariat", committee.us_observer).get_json()
    assert [u["name"] for u in korean] == ["김서연"]
    orgs = api.get("/api/v1/organizations?side=KR", committee.us_observer).get_json()
    assert {o["acronym"] for o in orgs} >= {"NRF", "IITP"} and all(o["side"] == "KR" for o in orgs)
    assert set(orgs[0]) >= {"id", "side", "name", "name_ko", "acronym"}


@pytest.mark.parametrize("path", ["/api/v1/agreements/99999", "/api/v1/focus-areas/99999", "/api/v1/users/99999",
                                  "/api/v1/no-such-thing"])
def test_an_unknown_id_or_path_is_a_json_404(api, committee, path):
    response = api.get(path, committee.us_admin)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", ["side=JP", "role=emperor", "organization_id=abc", "active=perhaps"])
def test_a_nonsense_filter_is_a_json_422_naming_the_field(api, committee, query):
    response = api.get(f"/api/v1/users?{query}", committee.us_admin)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "unprocessable_entity" and query.split("=")[0] in error["message"]


def test_a_method_the_resource_does_not_take_is_a_json_405(api, committee):
    response = api.post("/api/v1/agreements", committee.us_admin, json={})
    assert response.status_code == 405 and "error" in response.get_json()


def test_the_openapi_document_is_generated_and_valid(client, committee):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    paths = set(spec["paths"])
    assert {"/api/v1/agreements", "/api/v1/agreements/{agreement_id}", "/api/v1/focus-areas", "/api/v1/me",
            "/api/v1/users", "/api/v1/organizations"} <= paths
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "side" in {p["name"] for p in spec["paths"]["/api/v1/users"]["get"]["parameters"]}


@pytest.mark.parametrize("path", ["/api/v1/agreements/100000000000000000000",
                                  "/api/v1/users?organization_id=100000000000000000000",
                                  "/api/v1/focus-areas?parent_id=99999999999"])
def test_an_id_too_large_for_the_database_is_a_clear_4xx(api, committee, path):
    response = api.get(path, committee.us_admin)
    assert response.status_code in (404, 422) and "error" in response.get_json()


def test_a_page_with_an_id_too_large_is_a_404(client, auth, committee):
    auth.login(committee.us_admin)
    assert client.get("/meetings/100000000000000000000").status_code == 404
    assert client.get("/admin/users/99999999999").status_code == 404


def test_one_token_loader_serves_the_api_the_documents_and_the_exports(app, client, auth, api, committee,
                                                                        make_meeting):
    meeting_id = make_meeting()
    auth.login(committee.us_admin)  # a browser session beside the token: the API answers for the token alone
    response = api.get("/api/v1/me", committee.kr_delegate)
    assert response.get_json()["email"] == committee.kr_delegate.email and "Set-Cookie" not in response.headers
    auth.logout()
    token = api.token(committee.kr_delegate)
    for path in ("/api/v1/me", f"/meetings/{meeting_id}/agenda.html", "/action-items.csv"):
        assert api.get(path, committee.kr_delegate).status_code == 200, path
    app.test_cli_runner().invoke(args=["tokens", "revoke", token[:12]])
    for path in ("/api/v1/me", f"/meetings/{meeting_id}/agenda.html", "/action-items.csv"):
        assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 401, path
