"""Usernames and handles: each rule with hits and the near-misses it must leave (text
written for this test)."""

from __future__ import annotations

import pytest

from zdr.detect import DetectorSet

DETECT = DetectorSet()


def usernames(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECT.detect(text) if s.label == "USERNAME"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # After a word that names an account's name, with a verb or a sign.
        ("hi, my username is tomas_r88 and the reset fails", ["tomas_r88"]),
        ("Benutzername: hkrueger", ["hkrueger"]),
        ("login: mbeki01 (locked)", ["mbeki01"]),
        ("handle: '@okoro'", ["okoro"]),
        ("user name = 'ines.q'", ["ines.q"]),
        # A platform's name, then the handle.
        ("add me on discord: night_owl_77 or telegram @lenagr", ["night_owl_77", "lenagr"]),
        ("steam id: ferrocactus9", ["ferrocactus9"]),
        # "user" alone: quoted, after a preposition, or of a handle's shape.
        ("sshd[412]: Failed password for invalid user okwuosa from 10.2.3.4", ["okwuosa"]),
        ("role changed for user 'dpetrova' by admin", ["dpetrova"]),
        ("session opened by user r_tanaka", ["r_tanaka"]),
        # Mentions in chat, of a handle's shape or a name.
        ("DM from @yui_k: can you cover Friday? cc @priya", ["yui_k", "priya"]),
    ],
)
def test_handles_are_found(text: str, found: list[str]) -> None:
    assert usernames(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "the login is failing again",  # "login" and "handle" are nouns too
        "please handle the refund today",
        "open the login page",
        "login: home / dashboard",  # a breadcrumb
        "Login: https://app.acme.io/login",  # a URL's scheme
        "the user is happy with it",  # "user" the noun
        "User: Summarize this thread",  # a speaker label, an ordinary word after it
        "User: 10 tips for onboarding",  # a number alone is no handle
        "    @property\n    def name(self): ...",  # a decorator
        'public Client(@Value("${api.key}") String key)',  # an annotation
        "<%= @variable %> in the template",  # a template's variable
        "https://username:password@example.com/api",  # URL userinfo
        "https://{{user}}:{{pass}}@config.example.com",
        "DISCORD=0000000000000000000000",  # a config's token, not a handle
        "twitchaccesstoken_token = 'abc'",  # a platform's name inside a longer word
        "import os.path; print(self.name)",  # code, no name handle
        "@channel please review",  # everyone, no one in particular
        "see docs.python.org/3/library",
    ],
)
def test_look_alikes_are_left(text: str) -> None:
    assert usernames(text) == []
