"""Each fixed vocabulary is one enum: the database's checks, the API, the CLI and the labels in both languages all
follow it, so a value added to an enum without its label or its migration is caught here."""

import enum
import re

from flask_babel import force_locale
import sqlalchemy as sa

from jcm import labels
from jcm import models as shared_models
from jcm.actions import models as action_models
from jcm.audit import models as audit_models
from jcm.extensions import db
from jcm.meetings import models as meeting_models
from jcm.minutes import models as minutes_models
from jcm.mou import models as mou_models

QUOTED = re.compile(r"'([^']*)'")


def vocabularies() -> list[type[enum.StrEnum]]:
    """Every enum the models declare."""
    found = []
    for module in (shared_models, meeting_models, action_models, minutes_models, mou_models, audit_models):
        found += [value for value in vars(module).values() if isinstance(value, type)
                  and issubclass(value, enum.StrEnum) and value is not enum.StrEnum and value.__module__ == module.__name__]
    return found


def checked_columns() -> list[tuple[sa.Table, sa.CheckConstraint]]:
    return [(table, constraint) for table in db.metadata.tables.values() for constraint in table.constraints
            if isinstance(constraint, sa.CheckConstraint) and "vocabulary" in constraint.info]


def test_the_vocabularies_are_the_committees_words():
    assert {vocabulary.__name__ for vocabulary in vocabularies()} == {
        "Side", "Role", "MeetingStatus", "Mode", "AgendaItemKind", "ActionStatus", "ReviewOutcome", "MinutesStatus",
        "ProgressStatus", "CorrectionStatus", "AgreementStatus", "Outcome", "ProposalKind", "ProposalStatus"}
    for vocabulary in vocabularies():
        assert all(member.value == member.value.strip() and "'" not in member.value for member in vocabulary)


def test_every_value_of_every_vocabulary_has_a_label_in_both_languages(app):
    for vocabulary in vocabularies():
        if vocabulary in labels.UNLABELLED:
            assert vocabulary not in labels.LABELS
            continue
        assert vocabulary in labels.LABELS, f"{vocabulary.__name__} has no labels"
        mapping = labels.LABELS[vocabulary]
        assert list(mapping) == list(vocabulary), f"{vocabulary.__name__}: labels and values differ"
        with app.test_request_context():
            english = {value: str(label) for value, label in mapping.items()}
            with force_locale("ko"):
                korean = {value: str(label) for value, label in mapping.items()}
        for value in vocabulary:
            assert english[value], f"{vocabulary.__name__}.{value.name} has no English label"
            assert korean[value] and korean[value] != english[value], f"{vocabulary.__name__}.{value.name}: no Korean"


def test_the_templates_find_the_labels_under_their_usual_names(app):
    names = app.jinja_env.globals
    for name in ("SIDE_LABELS", "ROLE_LABELS", "AGREEMENT_STATUS_LABELS", "MEETING_STATUS_LABELS", "MODE_LABELS",
                 "AGENDA_ITEM_KIND_LABELS", "ACTION_STATUS_LABELS", "REVIEW_OUTCOME_LABELS", "MINUTES_STATUS_LABELS",
                 "PROGRESS_STATUS_LABELS", "progress_labels"):
        assert names[name] in labels.LABELS.values(), name
    assert list(names["SIDES"]) == ["US", "KR"]


def test_each_checked_column_is_checked_against_its_whole_vocabulary_in_the_models(app):
    checked = {(table.name, constraint.info["vocabulary"]) for table, constraint in checked_columns()}
    for vocabulary in vocabularies():
        if vocabulary is not mou_models.AgreementStatus:  # derived from the MOU's dates, never stored
            assert any(used is vocabulary for _table, used in checked), f"{vocabulary.__name__} is checked nowhere"
    for table, constraint in checked_columns():
        assert QUOTED.findall(str(constraint.sqltext)) == list(constraint.info["vocabulary"]), constraint.name


def test_the_migrated_database_accepts_exactly_each_vocabulary(app):
    """The migrations wrote the same lists: a new value needs a migration as well as a member."""
    with app.app_context():
        inspector = sa.inspect(db.engine)
        for table, constraint in checked_columns():
            migrated = {check["name"]: check["sqltext"] for check in inspector.get_check_constraints(table.name)}
            assert constraint.name in migrated, f"{table.name}: no check {constraint.name} in the database"
            assert QUOTED.findall(migrated[constraint.name]) == list(constraint.info["vocabulary"]), constraint.name


def test_the_api_and_the_cli_offer_the_vocabularies(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    text = str(spec)
    for vocabulary in (shared_models.Side, meeting_models.Mode, meeting_models.AgendaItemKind,
                       meeting_models.MeetingStatus, action_models.ActionStatus, minutes_models.MinutesStatus,
                       minutes_models.ProgressStatus, minutes_models.CorrectionStatus):
        assert str(list(map(str, vocabulary))) in text, vocabulary.__name__
    result = app.test_cli_runner().invoke(args=["users", "create", "--help"])
    assert "[US|KR]" in result.output
    assert "[admin|secretariat|co_chair|delegate|observer]" in result.output
