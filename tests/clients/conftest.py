"""Shared by the real-client tests: the personal data they plant, and the check that
none of it reached the fake upstream."""

from __future__ import annotations

from zdr.fake.openai import FakeOpenAI

NAME, EMAIL, PHONE = "Margarethe Vandersloot", "m.vandersloot@example.org", "+44 20 7946 0958"
PLANTED = (NAME, EMAIL, PHONE)
ASK = f"What is the weather in Paris? Write to {NAME} at {EMAIL} or call {PHONE}."


def assert_never_sent(fake: FakeOpenAI) -> None:
    """No planted value in any request the upstream received, and at least one request."""
    assert fake.requests, "the upstream received nothing"
    for req in fake.requests:
        raw = req.body.decode("utf-8", "replace")
        for value in PLANTED:
            assert value not in raw, f"{value!r} reached the upstream on {req.path}"
