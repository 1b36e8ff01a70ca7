"""Two equally authentic texts: each text a secretariat writes has an English and a Korean version, each with its
state — missing, written, stale or checked — kept as the texts change, and each side checks the language it answers
for (for this MOU: the U.S. for English, Korea for Korean)."""

from __future__ import annotations

import pytest

from jcm.extensions import db

TITLE_KO = "AI 활용 가능 데이터셋 목록 교환"


def _item(app, item_id):
    from jcm.actions.services import get_action_item

    return get_action_item(item_id)


def _state(app, item_id, field="title"):
    """The states of the item's text; the API's statuses alone of every text read the same as the states' (so each
    story here holds them equal: missing, written, stale, checked)."""
    from jcm.bilingual import states, statuses

    with app.app_context():
        item = _item(app, item_id)
        found = {name: {language: state.status for language, state in by_language.items()}
                 for name, by_language in states(item).items()}
        assert statuses(item) == found
        return found[field]


def _edit(app, committee, item_id, **fields):
    from jcm.accounts.services import get_user
    from jcm.actions.services import update_action_item

    with app.app_context():
        update_action_item(get_user(committee.kr_secretariat.id), _item(app, item_id), fields)
        db.session.commit()


def _check(app, committee, item_id, language, who="kr_secretariat", field="title"):
    from jcm.accounts.services import get_user
    from jcm.texts.services import check_text

    with app.app_context():
        check_text(get_user(getattr(committee, who).id), _item(app, item_id), field, language)
        db.session.commit()


def test_an_action_item_written_in_english_only_misses_its_korean_text(app, make_action_item):
    item = make_action_item()
    assert _state(app, item) == {"en": "written", "ko": "missing"}
    assert _state(app, item, "description") == {"en": "empty", "ko": "empty"}


def test_a_translation_follows_the_english_and_a_change_of_the_english_makes_it_stale(app, committee,
                                                                                       make_action_item):
    from jcm.bilingual import text_state

    item = make_action_item()
    _edit(app, committee, item, title_ko=TITLE_KO)
    assert _state(app, item) == {"en": "written", "ko": "written"}  # translating does not make the English stale
    _edit(app, committee, item, title="Exchange AI-ready dataset inventories twice a year")
    assert _state(app, item) == {"en": "written", "ko": "stale"}
    with app.app_context():
        stale = text_state(_item(app, item), "title", "ko")
        assert stale.difference == ["-Exchange AI-ready dataset inventories",
                                    "+Exchange AI-ready dataset inventories twice a year"]
    _edit(app, committee, item, title_ko="AI 활용 가능 데이터셋 목록 연 2회 교환")
    assert _state(app, item) == {"en": "written", "ko": "written"}


def test_both_languages_written_in_one_save_follow_each_other(app, committee, make_action_item):
    item = make_action_item(title_ko=TITLE_KO)
    assert _state(app, item) == {"en": "written", "ko": "written"}
    _edit(app, committee, item, title="Exchange inventories", title_ko="목록 교환")
    assert _state(app, item) == {"en": "written", "ko": "written"}


def test_each_side_checks_its_own_language_and_a_later_change_undoes_the_check(app, committee, make_action_item):
    item = make_action_item(title_ko=TITLE_KO)
    _check(app, committee, item, "ko", who="kr_secretariat")
    _check(app, committee, item, "en", who="us_secretariat")
    assert _state(app, item) == {"en": "checked", "ko": "checked"}
    _edit(app, committee, item, title="Exchange AI-ready dataset inventories by June")
    assert _state(app, item) == {"en": "written", "ko": "stale"}  # the English changed: both need a look again
    _check(app, committee, item, "ko", who="kr_secretariat")  # the Korean side finds its text still right
    assert _state(app, item) == {"en": "written", "ko": "checked"}


@pytest.mark.parametrize("who, language, refused", [
    ("us_secretariat", "ko", "PermissionDenied"),  # the U.S. does not answer for the Korean text
    ("kr_secretariat", "en", "PermissionDenied"),
    ("kr_co_chair", "ko", "PermissionDenied"),
    ("kr_observer", "ko", "PermissionDenied"),
])
def test_only_the_secretariat_of_the_side_answering_for_a_language_checks_it(app, committee, make_action_item,
                                                                               who, language, refused):
    from jcm import errors

    item = make_action_item(title_ko=TITLE_KO)
    with pytest.raises(getattr(errors, refused)):
        _check(app, committee, item, language, who=who)
    assert _state(app, item) == {"en": "written", "ko": "written"}


def test_a_missing_text_cannot_be_checked(app, committee, make_action_item):
    from jcm.errors import Invalid

    item = make_action_item()
    with pytest.raises(Invalid, match="no text in this language"):
        _check(app, committee, item, "ko")


def test_which_side_answers_for_which_language_is_data_of_the_agreement(app, committee, make_action_item):
    from jcm.mou.models import Agreement

    with app.app_context():
        agreement = db.session.get(Agreement, committee.agreement_id)
        assert (agreement.answers_for("en"), agreement.answers_for("ko")) == ("US", "KR")
        agreement.korean_side = "US"  # an agreement where one side answers for both
        db.session.commit()
    item = make_action_item(title_ko=TITLE_KO)
    _check(app, committee, item, "ko", who="us_secretariat")
    assert _state(app, item)["ko"] == "checked"


def test_gaps_name_each_text_missing_stale_or_unchecked(app, committee, make_action_item):
    from jcm.bilingual import gaps

    item = make_action_item(description="Twice a year.")
    _check(app, committee, item, "en", who="us_secretariat", field="title")
    with app.app_context():
        found = {(gap.english, gap.language, gap.status) for gap in gaps([_item(app, item)])}
    assert found == {("title", "ko", "missing"), ("description", "en", "written"), ("description", "ko", "missing")}


def test_the_api_shows_each_texts_state_and_takes_a_check(app, committee, make_action_item, api):
    item = make_action_item(title_ko=TITLE_KO)
    shown = api.get(f"/api/v1/texts/action_item/{item}", committee.kr_delegate).get_json()
    assert shown["answering"] == {"en": "US", "ko": "KR"}
    assert shown["texts"]["title"]["ko"]["status"] == "written"
    revision = shown["texts"]["title"]["ko"]["revision"]
    stale = api.post(f"/api/v1/texts/action_item/{item}/checks", committee.kr_secretariat,
                     json={"field": "title", "language": "ko", "revision": revision + 1})
    assert stale.status_code == 409
    checked = api.post(f"/api/v1/texts/action_item/{item}/checks", committee.kr_secretariat,
                       json={"field": "title", "language": "ko", "revision": revision})
    assert checked.status_code == 201, checked.get_json()
    assert checked.get_json()["texts"]["title"]["ko"]["status"] == "checked"
    assert checked.get_json()["texts"]["title"]["ko"]["checked_by"] == committee.kr_secretariat.id
    refused = api.post(f"/api/v1/texts/action_item/{item}/checks", committee.us_secretariat,
                       json={"field": "title", "language": "ko"})
    assert refused.status_code == 403
    for path in (f"/api/v1/texts/action_item/{2**31}", f"/api/v1/texts/nonsense/{item}"):
        assert api.get(path, committee.kr_delegate).status_code == 404
    odd = api.post(f"/api/v1/texts/action_item/{item}/checks", committee.kr_secretariat,
                   json={"field": "due_date", "language": "ko"})
    assert odd.status_code == 422


def test_texts_written_before_their_state_was_kept_count_as_written(app, committee, make_action_item):
    item = make_action_item(title_ko=TITLE_KO)
    with app.app_context():
        found = _item(app, item)
        found.language_state = {}
        db.session.commit()
    assert _state(app, item) == {"en": "written", "ko": "written"}
    _edit(app, committee, item, title="Exchange inventories")
    assert _state(app, item) == {"en": "written", "ko": "stale"}
