"""Texts built to make a pattern backtrack: each must be read in linear time. A
quadratic pattern takes minutes on these 100 KB texts where a linear one takes
milliseconds, so the generous bound below only fails on the first (a request body is
attacker-controlled: this is a denial of service, not a speed target)."""

from __future__ import annotations

import time

import pytest

from zdr.detect import DetectorSet

DETECT = DetectorSet()
N = 100_000


@pytest.mark.parametrize(
    "text",
    [
        "auth=" + " " * N + "!",  # login call / auth tuple
        "password" + " " * N + "!",  # password word, then no value
        "password is" + " " * N + "!",
        "x" * N + "@",  # one long lower-case word in a text without capitals
        "://a:bcd@" + "x" * N + "@",
        "api_key =" + " " * N + "!",
        "Attendees: " + "Ab, " * (N // 4),
        "a.github.io" * (N // 11),  # a chain of per-user hosts: each read back once
        "first,last\n" * (N // 11),  # every line a header: rows read once
        "name,city\n" * (N // 10),
        "redis-cli " * (N // 10) + "-a",  # one line of commands: read once
        "-pass" + " " * N + "!",
        "lin_api_" + "a1B" * (N // 3),  # a long word around each match: read a little
        "AAAA==" * (N // 6),
        "<password>" + "<![CDATA[" * (N // 9),
        "auth plain " + " " * N,
        "x = '" + "Ab1" * 10 + "'; " + " " * N,  # a quoted run; the name read back a little
        "openssl passwd " * (N // 15),  # each reads its own arguments, at most 200 characters
        "password is now" + " " * N + "!",
        "first=Ann; " * (N // 11),  # paired keys: each looks for its partner nearby
        "Name: ANN, " * (N // 11),  # a surname in capitals, then given names
        "GET /" + "a" * N,  # a request line's path with no query
        "GET /?" * (N // 6),
    ],
    ids=[
        "auth-call",
        "password-word",
        "password-is",
        "lower-word",
        "dsn",
        "key",
        "list",
        "user-hosts",
        "pair-headers",
        "key-headers",
        "redis-cli",
        "dash-pass",
        "filler-word",
        "base64-padding",
        "cdata",
        "smtp-plain",
        "quoted-name",
        "openssl-passwd",
        "password-is-now",
        "paired-keys",
        "surname-first",
        "request-path",
        "request-lines",
    ],  # fmt: skip
)
def test_a_crafted_text_is_read_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    DETECT.detect(text)
    assert time.perf_counter() - start < 5.0
