"""The API fuzzed from its own OpenAPI document (schemathesis): a secretariat's program sends every operation
bodies, queries and paths made from what the document says, valid and not, on records that exist; no answer is a
5xx, every status is one the document lists, and every header and body is the shape the document describes."""

from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 6}  # for each operation: about a minute in all
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
# The path's ids are mostly those of records that exist (the test database counts from 1), sometimes not.
KNOWN_IDS = st.one_of(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=2**31 - 1))


def test_no_operation_of_the_api_fails_on_any_input_it_is_sent(app, api, committee, held_meeting, make_meeting,
                                                                make_action_item):
    make_meeting(ordinal=13, start_date="2027-03-10")
    make_action_item(meeting_id=held_meeting)
    headers = api.headers(committee.us_secretariat)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        ids = [parameter.name for parameter in operation.path_parameters
               if parameter.name.endswith("_id") or parameter.name == "number"]
        for mode, examples in EXAMPLES.items():

            @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode), known=st.fixed_dictionaries(
                {name: KNOWN_IDS for name in ids}))
            def call(case, known):
                if case.path_parameters is not None and mode is GenerationMode.POSITIVE:
                    case.path_parameters.update(known)
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                call()
            except Unsatisfiable:  # no invalid value of this kind can be made (a path of any text): nothing to send
                continue
            except Exception as failure:  # every operation is tried; all that fail are shown together
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)


def test_the_pagination_header_is_what_the_document_says_it_is(api, committee, make_action_item):
    from jsonschema import validate

    for title in ("Exchange dataset inventories", "Plan the quantum workshop", "Draft the joint report"):
        make_action_item(title=title)
    document = api.client.get("/api/v1/openapi.json").get_json()
    header = document["paths"]["/api/v1/action-items"]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    described = document["components"]["headers"][header["$ref"].rsplit("/", 1)[1]]
    assert described["required"] is True
    schema = document["components"]["schemas"][
        described["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    pages = {}
    for query in ("per_page=2", "per_page=2&page=2", "per_page=2&page=9", "status=dropped"):
        response = api.get(f"/api/v1/action-items?{query}", committee.kr_observer)
        assert response.status_code == 200
        pages[query] = json.loads(response.headers["X-Pagination"])
        validate(pages[query], schema)
    assert pages["per_page=2"] == {"total": 3, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 1,
                                   "next_page": 2}
    assert pages["per_page=2&page=2"]["previous_page"] == 1 and "next_page" not in pages["per_page=2&page=2"]
    assert "page" not in pages["per_page=2&page=9"] and pages["status=dropped"] == {"total": 0, "total_pages": 0}
