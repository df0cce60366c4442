"""Provider key shapes from maintained rule sets: gitleaks' default rules
(``data/gitleaks.toml``, MIT, the commit named in its header), read as they are, and
detect-secrets' plugins' key shapes (``data/detect_secrets.toml``, Apache-2.0: the
regexes of the plugins that find a key by its shape alone, which gitleaks finds only
beside a provider's name, or not at all: bare Slack, Telegram, Discord, Mailchimp,
Twilio keys, test.pypi.org tokens), and secretlint's rules' shapes that neither has
(``data/secretlint.toml``, MIT: Docker, Figma, Tailscale, Cloudflare, Groq and Vercel
keys; Azure's tenant id, client id and secret under their names).

Each rule has a regex, the keywords that must occur for it to match (gitleaks' own
prefilter: here they are the rule's anchors in the shared scan), an optional minimum
entropy of the secret and allowlists; gitleaks' global allowlist applies to every rule.
A rule's regex is tried only in the lines around its keywords, and compiled the first
time one of them occurs. What is not taken: ``generic-api-key`` (credential names in
any syntax are secrets.py's own rule), rules for files of one kind (``path``: a
request has no file name), and keywords of two
characters (``ey``, ``sk``, ``s.``: too frequent in prose to anchor on; JWTs are
secrets.py's own shape) unless they hold a symbol (``q~``).

The regexes are Go's (RE2) syntax; the few differences from Python's are translated
when a rule is compiled (a flag group in mid-pattern, ``\\z``, POSIX classes), and
they run with ``re.ASCII``, as ``\\w``, ``\\d``, ``\\s`` and ``\\b`` mean in Go.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from zdr.detect.model import Span, span
from zdr.detect.scan import Anchor, Text, top_level, top_level_positions
from zdr.detect.validators import entropy, placeholder, typed_stretch

_DATA: Final = Path(__file__).resolve().parent / "data"
_NAME_BEFORE: Final = r"(?i)[\w.-]{0,50}?"
# The same name read twice, the second in a scoped group (five rules: cohere, okta,
# meraki, privateai, sumologic): two lazy runs of 50, ~2M instructions a window of
# prose searched.
_NAME_BEFORE_TWICE: Final = r"[\w.-]{0,50}?(?i:[\w.-]{0,50}?"
_SKIPPED_RULES: Final = frozenset({"generic-api-key"})
_MIN_KEYWORD: Final = 3
# Where a rule's match may begin: at its keyword or a few characters before (a word
# boundary, a quote or a prefix the regex reads first); and how far it may run after
# it (the longest shapes are a few hundred characters).
_BEFORE: Final = 1
# What detect-secrets' regexes read around a key: its separators, not its characters.
_SEPARATORS: Final = frozenset(' \t\r\n=:"')
_HAS_DIGIT: Final = re.compile(r"[0-9]")
_HAS_LETTER: Final = re.compile(r"[A-Za-z]")
_AFTER: Final = 640
# A rule whose match need not begin at its keyword (gitleaks reads keywords as a filter of
# the whole fragment: `facebook 1308...|rhoK...` matches after its keyword, an Azure
# secret `Xq78Q~...` around it, an OpenAI key `sk-...T3BlbkFJ...` before it) is searched
# this far before the keyword, and _AFTER past it.
_AROUND: Final = 80
# A part of a rule's regex that every match holds after its keyword, written as the
# regex writes it, and its literals: where none of them is in the stretch a match
# may cover, the regex is not tried. curl's header and user rules read up to six lines
# after `curl` for a `-H` or `-u` flag that most commands pasted with it lack (~40k and
# ~130k instructions a failed try).
_NEEDS: Final = {
    "curl-auth-header": (r"[ \t\n\r](?:-H|--header)(?:=|[ \t]{0,5})", ("-H", "--header")),
    # the same of its user flag (`-u`, `--user`: "--user" holds "-u")
    "curl-auth-user": (r"[ \t\n\r](?:-u|--user)(?:=|[ \t]{0,5})", ("-u",)),
}
# What a regex reads that matches no character: flags, boundaries, a leading boundary
# alternation (`(?:^|[\'"\s>=:(,)])`), groups opening.
_ZERO_WIDTH: Final = re.compile(
    r"\(\?[a-zA-Z-]+\)|\\b|\^|\(\?:\^\|\[(?:[^\]\\]|\\.)*\]\)|\(\?[a-zA-Z-]*:|\(|\|"
)


def _anchorable(keyword: str) -> bool:
    """Whether ``keyword`` is rare enough to anchor on: three characters or more, or two
    holding a symbol that words do not (`q~` of an Azure AD client secret, `...8Q~...`);
    not two letters or a letter and a dot (`ey`, `sk`, `s.`: in every text)."""
    return len(keyword) >= _MIN_KEYWORD or any(not (c.isalnum() or c in ".-_") for c in keyword)


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


def _scoped(pattern: str) -> str:
    """``pattern`` as a group of an alternation: its leading flags scoped to it."""
    m = re.match(r"\(\?([a-zA-Z]+)\)", pattern)
    if m:
        return f"(?{m.group(1)}:{pattern[m.end() :]})"
    return f"(?:{pattern})"


class _Allow:
    """One allowlist: regexes (on the secret, the whole match or its line) and
    stopwords (in the secret)."""

    def __init__(self, entry: dict[str, Any]) -> None:
        self.target: str = str(entry.get("regexTarget", "secret"))
        # Two regexes for all of them (each its own group, its flags scoped to it):
        # those anchored at the start are only tried there.
        parts = [go_to_python(str(r)) for r in entry.get("regexes", ())]
        anchored = [p for p in parts if _anchored(p)]
        floating = [p for p in parts if p not in anchored]
        self.anchored = _alternation(anchored)
        self.floating = _alternation(floating)
        self.stopwords = tuple(str(w).lower() for w in entry.get("stopwords", ()))

    def allows(self, secret: str, m: re.Match[str], text: str) -> bool:
        if self.target == "match":
            subject = m.group()
        elif self.target == "line":
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            subject = text[start : len(text) if end < 0 else end]
        else:
            subject = secret
        if self.anchored is not None and self.anchored.match(subject):
            return True
        if self.floating is not None and self.floating.search(subject):
            return True
        if self.stopwords:
            low = secret.lower()
            return any(w in low for w in self.stopwords)
        return False


def _anchored(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts at the start: a leading "^" (after
    its flags) and no "|" outside a group or class."""
    body = re.sub(r"^\(\?[a-zA-Z]+\)", "", pattern)
    return body.startswith("^") and len(top_level(body)) == 1


def _inner(source: str, keywords: tuple[str, ...]) -> bool:
    """Whether a match of ``source`` may begin elsewhere than at one of ``keywords``:
    no keyword in the regex, or one that only something of variable or unknown text
    (a class, a quantifier, another word) comes before."""
    low = source.lower()
    found = [i for k in keywords for i in (low.find(k), low.find(re.escape(k))) if i >= 0]
    if not found:
        return True
    before = _ZERO_WIDTH.sub("", source[: min(found)])
    return before != ""


def _required(source: str, part: str) -> bool:
    """Whether every match of ``source`` holds a match of ``part`` as written (its case):
    ``part`` is an item of the regex's top-level sequence (outside every group and
    class, no alternation of the whole, no flag for the whole) and no quantifier
    follows it."""
    at = source.find(part)
    if at < 0 or len(top_level(source)) != 1 or source.startswith("(?"):
        return False
    return (
        at in top_level_positions(source)
        and source[at + len(part) : at + len(part) + 1] not in "*?{+"
    )


# Python's own regex parser (``re._parser``): what a rule's regex begins with is read
# from its parse, not from its text (groups, alternations, flags).
_SRE_PARSER: Final[Any] = importlib.import_module("re._parser")


def _lead(source: str) -> str:
    """The literal every match of ``source`` begins with (zero-width assertions before
    it passed over), in lower case: "" if a match may begin with a class, a repeat or
    differing alternatives."""
    return "".join(_literal_start(list(_SRE_PARSER.parse(source, re.ASCII).data))[0]).lower()


def _literal_start(items: list[Any]) -> tuple[list[str], bool]:
    """The characters a sequence of parsed items begins with, and whether it is all of
    them: literals, groups of literals, and the prefix all alternatives share."""
    out: list[str] = []
    for op, av in items:
        if op == _SRE_PARSER.AT:  # \b, ^: no character
            continue
        if op == _SRE_PARSER.LITERAL:
            out.append(chr(av))
            continue
        if op == _SRE_PARSER.SUBPATTERN:
            inner, whole = _literal_start(list(av[3].data))
            out.extend(inner)
            if whole:
                continue
        elif op == _SRE_PARSER.BRANCH:
            leads = [_literal_start(list(b.data))[0] for b in av[1]]
            shared = leads[0]
            for lead in leads[1:]:
                k = 0
                while k < min(len(shared), len(lead)) and shared[k] == lead[k]:
                    k += 1
                shared = shared[:k]
            out.extend(shared)
        return out, False
    return out, True


def _lead_matches(
    regex: re.Pattern[str], text: str, low: str, lead: str, start: int, end: int
) -> list[re.Match[str]]:
    """What ``regex.finditer(text, start, end)`` finds, tried only where ``lead`` (what
    every match begins with, in lower case) is in ``low``, the text lower-cased:
    finditer tries every position, the regex's \\b or flags keeping re from skipping
    to its literal itself."""
    out: list[re.Match[str]] = []
    at = low.find(lead, start, end)
    while at >= 0:
        m = regex.match(text, at, end)
        if m is not None:
            out.append(m)
            at = low.find(lead, max(m.end(), at + 1), end)
        else:
            at = low.find(lead, at + 1, end)
    return out


def _alternation(parts: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(_scoped(p) for p in parts), re.ASCII) if parts else None


class _Rule:
    def __init__(self, entry: dict[str, Any], whole: bool = False) -> None:
        self.id = str(entry["id"])
        # A regex where a match begins, for a rule no keyword begins (detect-secrets'
        # shapes: `[0-9]{8,10}:...` a Telegram token); matched on the text as it is.
        self.anchor: str | None = entry.get("anchor")
        source = str(entry["regex"])
        if source.startswith(_NAME_BEFORE):
            # The name gitleaks reads before a context rule's keyword (to show it) may
            # be empty, so dropping it finds the same secrets: no 50-step attempt at
            # every position of the text searched.
            source = "(?i)" + source[len(_NAME_BEFORE) :]
        searched_around = False
        if source.startswith(_NAME_BEFORE_TWICE):
            # Both runs dropped, the rule still searched around its keyword (``inner``)
            # as the regex as written is: each match's groups and end are the same (the
            # leftmost place the rest matches is where both find it).
            source = "(?i:" + source[len(_NAME_BEFORE_TWICE) :]
            searched_around = True
        self.source = go_to_python(source)
        self.entropy = float(entry.get("entropy", 0.0))
        self.group = int(entry.get("secretGroup", 0))
        self.allow = tuple(
            _Allow(a) for a in entry.get("allowlists", ()) if a.get("regexes") or a.get("stopwords")
        )
        self.keywords = tuple(
            str(k).lower() for k in entry.get("keywords", ()) if _anchorable(str(k))
        )
        # A shape with no keyword of its own: a key only when it holds letters and
        # digits both (`AP` and eight letters may be a word in capitals).
        self.mixed = self.anchor is not None
        # detect-secrets' key is its whole match (a group in its regex only groups),
        # less the separators read around it.
        self.whole = whole
        # gitleaks applies these only to files of one kind (a .tf, a .php file): a
        # request has no file name.
        self.path_only = "path" in entry
        # Compiled now, at start-up, not by the first request that holds the keyword.
        self._compiled = re.compile(self.source, re.ASCII)
        self.inner = (
            self.anchor is None
            and bool(self.keywords)
            and (_inner(self.source, self.keywords) or searched_around)
        )
        # What every match of a rule searched around its keyword begins with (`sk-`,
        # `linked`): it is tried only where that is (two characters or more).
        lead = _lead(self.source) if self.inner else ""
        self.lead = lead if len(lead) >= 2 else ""
        self.needs: tuple[str, ...] = ()
        if self.id in _NEEDS:
            part, self.needs = _NEEDS[self.id]
            if not _required(self.source, part):
                raise ValueError(f"rule {self.id!r}: {part!r} is not a part it requires")

    def regex(self) -> re.Pattern[str]:
        return self._compiled

    def secret(self, m: re.Match[str]) -> tuple[int, int]:
        """Where the secret is: the rule's secret group, else its first group that
        matched, else the whole match (as gitleaks reads it); for detect-secrets'
        shapes, the whole match without the separators around it."""
        if self.whole:
            start, end = m.span()
            text = m.string
            while start < end and text[start] in _SEPARATORS:
                start += 1
            while end > start and text[end - 1] in _SEPARATORS:
                end -= 1
            return start, end
        if self.group and m.group(self.group) is not None:
            return m.start(self.group), m.end(self.group)
        for g in range(1, (m.re.groups or 0) + 1):
            if m.group(g) is not None:
                return m.start(g), m.end(g)
        return m.start(), m.end()


def _load() -> tuple[list[_Rule], _Allow]:
    config = tomllib.loads((_DATA / "gitleaks.toml").read_text(encoding="utf-8"))
    rules = [
        rule
        for rule in (_Rule(e) for e in config["rules"] if "regex" in e)
        if rule.id not in _SKIPPED_RULES and rule.keywords and not rule.path_only
    ]
    shapes = tomllib.loads((_DATA / "detect_secrets.toml").read_text(encoding="utf-8"))
    rules.extend(_Rule(e, whole=True) for e in shapes["rules"])
    secretlint = tomllib.loads((_DATA / "secretlint.toml").read_text(encoding="utf-8"))
    rules.extend(_Rule(e) for e in secretlint["rules"])
    return rules, _Allow(config.get("allowlist", {}))


_RULES, _GLOBAL = _load()
_BY_ANCHOR: Final = {f"secret.rule.{i}": rule for i, rule in enumerate(_RULES)}
ANCHORS: Final = tuple(
    Anchor(name, rule.anchor)
    if rule.anchor is not None
    else Anchor(name, "|".join(re.escape(k) for k in rule.keywords), lower=True)
    for name, rule in _BY_ANCHOR.items()
)


def _matches(
    rule: _Rule, text: str, low: str, hits: Sequence[tuple[int, int]]
) -> list[re.Match[str]]:
    """The rule's matches that begin at one of its keywords or up to _BEFORE characters
    before it (a boundary or quote the regex reads first), each tried with ``match``
    where the keyword is: no search through the rest of the text. A match may run to
    _AFTER characters past its keyword (over lines: a few rules read several)."""
    out: list[re.Match[str]] = []
    regex = rule.regex()
    n = len(text)
    done = 0
    if rule.inner:
        for start, end in hits:
            first, last = max(start - _AROUND, done), min(n, end + _AFTER)
            if rule.lead:
                around = _lead_matches(regex, text, low, rule.lead, first, last)
            else:
                around = list(regex.finditer(text, first, last))
            for found in around:
                if found.end() > done:
                    out.append(found)
                    done = found.end()
        return out
    for start, end in hits:
        if start < done:
            continue  # inside the previous match
        if rule.needs and not any(
            text.find(w, max(0, start - _BEFORE), min(n, end + _AFTER)) >= 0 for w in rule.needs
        ):
            continue  # what every match holds is not within reach
        for p in range(max(start - _BEFORE, done), start + 1):
            m = regex.match(text, p, min(n, end + _AFTER))
            if m is not None:
                out.append(m)
                done = max(m.end(), start + 1)
                break
    return out


def _global_applies(secret: str) -> bool:
    """Whether gitleaks' global allowlist can hold ``secret``: its patterns are for
    values that begin with a sign (``$VAR``, ``{{ x }}``, ``%s``, ``@VAR@``, a path) or
    are made of letters alone (``true``, ``null``, ``aaaa``). Trying them on every
    key found cost more than the rules' own regexes."""
    return secret[:1] in "$%{@/" or secret.isalpha()


def _in_filler_word(text: str, start: int, end: int) -> bool:
    """Whether the rule's match stops inside a longer word that is a filler: a key shape
    of fixed length read out of `lin_api_...EXAMPLE` (AWS's documentation writes its keys
    so: `...EXAMPLE`, `...EXAMPLEKEY`). Only asked when a letter or digit touches it."""
    n = len(text)
    if not ((start > 0 and text[start - 1].isalnum()) or (end < n and text[end].isalnum())):
        return False
    floor, ceiling = max(0, start - _FILLER_REACH), min(n, end + _FILLER_REACH)
    while start > floor and text[start - 1].isalnum():
        start -= 1
    while end < ceiling and text[end].isalnum():
        end += 1
    return placeholder(text[start:end])


# How far the word around a match is read (a filler's word is short; a long run of
# letters is not read again at each match inside it).
_FILLER_REACH: Final = 16


def find_keys(t: Text) -> list[Span]:
    """Secrets that gitleaks' rules find, where their keywords occur."""
    out: list[Span] = []
    text = t.raw
    # Whether the secret at (start, end) is a filler, once per place: several rules
    # find the same key (gitleaks' and detect-secrets' shapes of one provider).
    fillers: dict[tuple[int, int], bool] = {}
    for name in t.anchors_found():
        rule = _BY_ANCHOR.get(name)
        if rule is None:
            continue
        for m in _matches(rule, text, t.low, t.spans(name)):
            start, end = rule.secret(m)
            if end <= start:
                continue
            secret = text[start:end]
            if rule.entropy and entropy(secret) < rule.entropy:
                continue
            if rule.mixed and not (_HAS_DIGIT.search(secret) and _HAS_LETTER.search(secret)):
                continue
            filler = fillers.get((start, end))
            if filler is None:
                filler = fillers[start, end] = (
                    placeholder(secret)
                    or typed_stretch(secret)
                    or _in_filler_word(text, start, end)
                )
            if filler or (_global_applies(secret) and _GLOBAL.allows(secret, m, text)):
                continue
            if rule.allow and any(a.allows(secret, m, text) for a in rule.allow):
                continue
            out.append(span(start, _word_end(text, start, end), "API_KEY"))
    return out


def _word_end(text: str, start: int, end: int) -> int:
    """Where the key at ``text[start:end]`` ends: at ``end``, or at the end of the run
    of ASCII letters and digits it stops inside when a rule of fixed length (`glpat-[\\w-]{20}`,
    no boundary after it) read only the first part of a longer token: the rest of the
    token is the key's too, and would reach the provider unmasked."""
    n = len(text)
    # ASCII letters and digits only: a key's characters; Chinese or Japanese written
    # without spaces is letters too, and would be masked with it (review31b).
    if end >= n or not (_ascii_alnum(text[end]) and _ascii_alnum(text[end - 1])):
        return end
    ceiling = min(n, end + 1200)
    while end < ceiling and _ascii_alnum(text[end]):
        end += 1
    return end


def _ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()
