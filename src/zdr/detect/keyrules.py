"""Provider key shapes from a maintained rule set: gitleaks' default rules
(``data/gitleaks.toml``, MIT, the commit named in its header), read as they are.

Each rule has a regex, the keywords that must occur for it to match (gitleaks' own
prefilter: here they are the rule's anchors in the shared scan), an optional minimum
entropy of the secret and allowlists; gitleaks' global allowlist applies to every rule.
A rule's regex is tried only in the lines around its keywords, and compiled the first
time one of them occurs. What is not taken: ``generic-api-key`` (credential names in
any syntax are secrets.py's own rule), rules that only name files, and keywords of two
characters (``ey``, ``sk``, ``s.``: too frequent in prose to anchor on; JWTs are
secrets.py's own shape).

The regexes are Go's (RE2) syntax; the few differences from Python's are translated
when a rule is compiled (a flag group in mid-pattern, ``\\z``, POSIX classes), and
they run with ``re.ASCII``, as ``\\w``, ``\\d``, ``\\s`` and ``\\b`` mean in Go.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Final

from zdr.detect.model import Span, span
from zdr.detect.scan import Anchor, Text
from zdr.detect.validators import placeholder, shannon_entropy

_DATA: Final = Path(__file__).resolve().parent / "data" / "gitleaks.toml"
_SKIPPED_RULES: Final = frozenset({"generic-api-key"})
_MIN_KEYWORD: Final = 3
# How far a rule's match may begin before its keyword (gitleaks' context rules read up
# to 50 name characters and 20 more before the operator) and end after it.
_BEFORE: Final = 256
_AFTER: Final = 1024


def go_to_python(pattern: str) -> str:
    """A Go (RE2) regex in Python's syntax: ``(?i)`` in mid-pattern, which Python
    refuses, becomes a scoped ``(?i:...)`` to the end of its group (closed and opened
    again around each ``|`` of that group, as RE2 applies it); ``\\z`` becomes ``\\Z``;
    ``[[:alnum:]]``-style classes their ASCII ranges."""
    for posix, ascii_range in (
        ("[[:alnum:]]", "[0-9A-Za-z]"),
        ("[[:alpha:]]", "[A-Za-z]"),
        ("[[:digit:]]", "[0-9]"),
        ("[:alnum:]", "0-9A-Za-z"),
    ):
        pattern = pattern.replace(posix, ascii_range)
    out: list[str] = []
    # Per open group: how many scoped flag groups opened in it are still open.
    pending: list[int] = [0]
    flags_open: list[str] = [""]
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            pair = pattern[i : i + 2]
            out.append("\\Z" if pair == "\\z" else pair)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            # A "]" right after "[" or "[^" is a literal member.
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                out.append("]")
                i += 1
            i += 1
            continue
        m = re.match(r"\(\?([a-zA-Z]+)\)", pattern[i:])
        if m and i > 0:
            out.append(f"(?{m.group(1)}:")
            pending[-1] += 1
            flags_open[-1] += m.group(1)
            i += m.end()
            continue
        if c == "(":
            pending.append(0)
            flags_open.append("")
            out.append(c)
        elif c == ")":
            out.append(")" * pending.pop())
            flags_open.pop()
            out.append(c)
        elif c == "|" and pending[-1]:
            out.append(")" * pending[-1] + "|" + f"(?{flags_open[-1]}:")
            pending[-1] = 1
        else:
            out.append(c)
        i += 1
    out.append(")" * pending[-1])
    return "".join(out)


class _Allow:
    """One allowlist: regexes (on the secret, the whole match or its line) and
    stopwords (in the secret)."""

    def __init__(self, entry: dict[str, Any]) -> None:
        self.target: str = str(entry.get("regexTarget", "secret"))
        self.regexes = tuple(
            re.compile(go_to_python(str(r)), re.ASCII) for r in entry.get("regexes", ())
        )
        self.stopwords = tuple(str(w).lower() for w in entry.get("stopwords", ()))

    def allows(self, secret: str, match: str, line: str) -> bool:
        subject = match if self.target == "match" else line if self.target == "line" else secret
        if any(r.search(subject) for r in self.regexes):
            return True
        low = secret.lower()
        return any(w in low for w in self.stopwords)


class _Rule:
    def __init__(self, entry: dict[str, Any]) -> None:
        self.id = str(entry["id"])
        self.source = go_to_python(str(entry["regex"]))
        self.entropy = float(entry.get("entropy", 0.0))
        self.group = int(entry.get("secretGroup", 0))
        self.allow = tuple(
            _Allow(a) for a in entry.get("allowlists", ()) if a.get("regexes") or a.get("stopwords")
        )
        self.keywords = tuple(
            str(k).lower() for k in entry.get("keywords", ()) if len(k) >= _MIN_KEYWORD
        )
        self._compiled: re.Pattern[str] | None = None

    def regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source, re.ASCII)
        return self._compiled

    def secret(self, m: re.Match[str]) -> tuple[int, int]:
        """Where the secret is: the rule's secret group, else its first group that
        matched, else the whole match (as gitleaks reads it)."""
        if self.group and m.group(self.group) is not None:
            return m.start(self.group), m.end(self.group)
        for g in range(1, (m.re.groups or 0) + 1):
            if m.group(g) is not None:
                return m.start(g), m.end(g)
        return m.start(), m.end()


def _load() -> tuple[list[_Rule], _Allow]:
    config = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    rules = [
        rule
        for rule in (_Rule(e) for e in config["rules"] if "regex" in e)
        if rule.id not in _SKIPPED_RULES and rule.keywords
    ]
    return rules, _Allow(config.get("allowlist", {}))


_RULES, _GLOBAL = _load()
_BY_ANCHOR: Final = {f"secret.rule.{i}": rule for i, rule in enumerate(_RULES)}
ANCHORS: Final = tuple(
    Anchor(name, "|".join(re.escape(k) for k in rule.keywords), lower=True)
    for name, rule in _BY_ANCHOR.items()
)


def _windows(text: str, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines around each keyword (its own and the next, at most _BEFORE characters
    before it and _AFTER after), merged where they meet."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for start, end in hits:
        ws = max(text.rfind("\n", 0, start) + 1, start - _BEFORE, 0)
        we = text.find("\n", end)
        if we >= 0:
            nxt = text.find("\n", we + 1)
            we = n if nxt < 0 else nxt
        else:
            we = n
        we = min(we, end + _AFTER)
        if out and ws <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], we))
        else:
            out.append((ws, we))
    return out


def find_keys(t: Text) -> list[Span]:
    """Secrets that gitleaks' rules find, where their keywords occur."""
    out: list[Span] = []
    text = t.raw
    for name in t.anchors_found():
        rule = _BY_ANCHOR.get(name)
        if rule is None:
            continue
        regex = rule.regex()
        for ws, we in _windows(text, list(t.spans(name))):
            for m in regex.finditer(text, ws, we):
                start, end = rule.secret(m)
                if end <= start:
                    continue
                secret = text[start:end]
                if rule.entropy and shannon_entropy(secret) < rule.entropy:
                    continue
                if placeholder(secret):
                    continue
                line_start = text.rfind("\n", 0, start) + 1
                line_end = text.find("\n", end)
                line = text[line_start : len(text) if line_end < 0 else line_end]
                if _GLOBAL.allows(secret, m.group(), line):
                    continue
                if any(a.allows(secret, m.group(), line) for a in rule.allow):
                    continue
                out.append(span(start, end, "API_KEY"))
    return out
