"""Usernames and handles: the value after a word that names one ("username is
kofi_asante92", "invalid user mdiallo", "discord: valentinaq_art") and @mentions in
chat ("DM from @kenji_w"): an account's name identifies its holder as a name does.

Handles made of a first name and a surname ("s.kowalski") with no such word were tried:
an anchor for them cost 6% of the chat request's detection and found none of the held
probes' handles the cues had not."""

from __future__ import annotations

import re
from typing import Final

from zdr.detect.model import Span, span
from zdr.detect.names import COMMON_WORDS, name_list
from zdr.detect.scan import Anchor, Text, matches_at

# Words that name an account's name, and platforms whose name labels one.
_ACCOUNT_WORDS: Final = (
    r"user ?names?|user ?ids?|(?P<noun>logins?|log-ins?|handles?)|screen ?names?|"
    r"gamertags?|nicknames?|benutzername|nom d'utilisateur|nombre de usuario|nome utente|"
    r"gebruikersnaam|nome de usuário"
)
_PLATFORMS: Final = (
    r"discord|steam(?: ?id)?|telegram|instagram|insta|twitter|github|gitlab|skype|slack|"
    r"wechat|snapchat|tiktok|reddit|twitch|xbox|psn|mastodon|bluesky"
)
_CUE_WORDS: Final = f"{_ACCOUNT_WORDS}|{_PLATFORMS}"
# After the word, a verb or a sign and any value ("login: jdoe"); without one, only a
# quoted value or one of a handle's shape ("discord valentinaq_art", not "login page").
# "=" only after an account word: "DISCORD=..." in a config holds a token.
# "login" and "handle" are other nouns too ("the login is failing"): after them
# neither a verb nor a sign is enough.
_STRONG_CUE: Final = re.compile(
    rf"(?:(?P<account>{_ACCOUNT_WORDS})|{_PLATFORMS})(?![\w-])[ \t]*"
    r"(?:(?P<verb>is|was|ist|est|es|è)|(?P<sign>:|(?<=[ \t])[-–—]|(?P<equals>=)))?[ \t]*"
    r"(?P<quote>[\"'‘“`]?)[ \t]*(?P<at>@?)"
)
# A cue inside a URL or an identifier ("//username:password@", "sso/login-url") names
# no account.
_NOT_BEFORE_CUE: Final = frozenset("/-_.{$%<")
# "user" alone names an account in logs and records ("invalid user mdiallo", "for user
# 'gkaraca'"), but is an ordinary noun as often: there the value is quoted, follows a
# preposition, or has a handle's shape.
_USER_CUE: Final = re.compile(r"user[ \t]*(?:[:=][ \t]*)?([\"'‘“`]?)")
_USER_AFTER: Final = frozenset("for by invalid from to of with unknown".split())
_HANDLE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{1,38}[A-Za-z0-9_]|[A-Za-z0-9]{2}")
_MENTION: Final = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9._\-]{0,38}[A-Za-z0-9_])")
_BEFORE_MENTION: Final = frozenset(" \t\n\"'([<>")


def _handle_shaped(value: str) -> bool:
    """A letter, and a digit, "_" or "." inside: no ordinary word is written so, and a
    number alone is no handle ("User: 10 tips")."""
    return any(c.isalpha() for c in value) and any(c.isdigit() or c in "_." for c in value)


class HandleDetector:
    name = "username"
    labels = ("USERNAME",)
    anchored = True
    anchors = (
        Anchor("handle.cue", _CUE_WORDS, lower=True, word_start=""),
        Anchor("handle.user", "user[ \t:=]", lower=True, word_start=""),
        Anchor("handle.mention", "@[A-Za-z0-9_]", word_start=""),
    )

    def __init__(self) -> None:
        self.first = name_list("first_names_us.txt") | name_list("first_names_world.txt")
        self.surnames = name_list("surnames.txt") | name_list("surnames_proper.txt")

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text, low = t.raw, t.low
        for m in matches_at(_STRONG_CUE, low, t.spans("handle.cue")):
            if text[m.start() - 1 : m.start()] in _NOT_BEFORE_CUE and m.start() > 0:
                continue
            if m.group("equals") and not m.group("account"):
                continue
            # After "login" or "handle" (other nouns too: "login: home / dashboard"),
            # only a quoted value, an "@" or a handle's shape.
            sign = m.group("noun") is None and (m.group("verb") or m.group("sign"))
            loose = bool(sign or m.group("quote") or m.group("at"))
            self._value_at(text, m.end(), loose, out)
        for m in matches_at(_USER_CUE, low, t.spans("handle.user")):
            if text[m.start() - 1 : m.start()] in _NOT_BEFORE_CUE and m.start() > 0:
                continue
            before = low[max(0, m.start() - 9) : m.start()].split()
            loose = bool(m.group(1)) or (bool(before) and before[-1] in _USER_AFTER)
            self._value_at(text, m.end(), loose, out)
        for start, _ in t.spans("handle.mention"):
            line_start = text.rfind("\n", 0, start) + 1
            # After a space, a quote or a bracket; not first on its line (a decorator,
            # an annotation, a CSS rule) nor after "}" or ":" (URL userinfo's "@").
            if not text[line_start:start].strip() or text[start - 1] not in _BEFORE_MENTION:
                continue
            mention = _MENTION.match(text, start)
            if mention is None or text[mention.end() : mention.end() + 1] in ("(", "/"):
                continue
            value = mention.group(1)
            # A handle's shape or a name: "@variable" in a template is code.
            if _handle_shaped(value) or self._a_name(value.lower()):
                out.append(span(mention.start(1), mention.end(1), "USERNAME"))
        return out

    def _a_name(self, word: str) -> bool:
        return word not in COMMON_WORDS and (word in self.first or word in self.surnames)

    def _value_at(self, text: str, at: int, loose: bool, out: list[Span]) -> None:
        """The handle at ``at``: any when ``loose``, else only one of a handle's shape;
        never an ordinary word, nor a function called."""
        m = _HANDLE.match(text, at)
        if m is None:
            return
        value = m.group().rstrip(".-")
        after = text[m.start() + len(value) : m.start() + len(value) + 1]
        if value.lower() in COMMON_WORDS or after in ("(", "/") or text.startswith("://", m.end()):
            return  # an ordinary word, a function called, a path or a URL's scheme
        if not (loose or _handle_shaped(value)):
            return
        out.append(span(m.start(), m.start() + len(value), "USERNAME"))
