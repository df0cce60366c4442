"""The SDK call map (generated from the installed openai SDK's source): each helper is
mapped to the request it makes, reads to GET and writes to their own path."""

from __future__ import annotations

import pytest

from zdr.catalogue.sdk import sdk_call_chains
from zdr.lint.knowledge import sdk_calls


def test_sdk_call_map_matches_the_installed_sdk() -> None:
    assert sdk_call_chains() == sdk_calls(), "run scripts/gen_sdk_calls.py"


@pytest.mark.parametrize(
    ("chain", "call"),
    [
        # @overload stubs have no body: the implementation decides
        ("responses.retrieve", ("GET", "/v1/responses/{response_id}")),
        ("images.generate", ("POST", "/v1/images/generations")),
        ("images.edit", ("POST", "/v1/images/edits")),
        (
            "beta.threads.runs.submit_tool_outputs",
            ("POST", "/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs"),
        ),
        # helpers handed to a library function (runs_poll(self, ...)) read
        ("beta.threads.runs.poll", ("GET", "/v1/threads/{thread_id}/runs/{run_id}")),
        (
            "vector_stores.files.poll",
            ("GET", "/v1/vector_stores/{vector_store_id}/files/{file_id}"),
        ),
        # a helper that writes is named by its write (create, then poll)
        (
            "vector_stores.files.create_and_poll",
            ("POST", "/v1/vector_stores/{vector_store_id}/files"),
        ),
        ("responses.stream", ("POST", "/v1/responses")),
        ("chat.completions.parse", ("POST", "/v1/chat/completions")),
    ],
)
def test_helpers_map_to_the_request_they_make(chain: str, call: tuple[str, str]) -> None:
    assert sdk_calls()[chain] == call


def test_no_path_carries_a_query() -> None:
    assert not [c for c, (_, path) in sdk_calls().items() if "?" in path]
