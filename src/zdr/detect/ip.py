"""IP addresses (v4 and v6) that could identify a machine: not loopback or unspecified."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Final

from zdr.detect.model import (
    Span,
    span,
    starts_word,
    text_before,
)
from zdr.detect.scan import Anchor, Text, matches_at
from zdr.detect.validators import (
    public_ip,
)


class IpDetector:
    name = "ip_address"
    labels = ("IP_ADDRESS",)
    anchored = True
    anchors = (
        # ASCII digits: public_ip accepts no others, and Unicode's \d (every
        # script's digits, in UTF-8) cost the scan ~3 M instructions per pii-dev pass.
        Anchor("ip.v4", r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]", word_start="_."),
        # An address _ipv6 can accept has "::" beside a hex digit, or a hex letter in
        # one of three groups in a row (runs of decimal digits and colons are clock
        # times and ratios, which it refuses).
        Anchor(
            "ip.v6",
            r"::[0-9a-fA-F]|[0-9a-fA-F]::"
            r"|[a-fA-F][0-9a-fA-F]{0,3}:[0-9a-fA-F]{1,4}:"
            r"|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,3}[a-fA-F][0-9a-fA-F]{0,3}:"
            r"|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,3}[a-fA-F]",
        ),
    )
    _v4 = re.compile(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![\w]|\.\d)")

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for m in matches_at(self._v4, text, t.spans("ip.v4")):
            if not starts_word(text, m.start(), "_."):
                continue
            before = text_before(text, m.start(), 12)
            if before.endswith(("v", "version ", "version: ")):
                continue
            # After a "/": a URL's host or path segment, a log's "from/10.0.0.12", but
            # also a product's version (Chrome/120.0.0.0 in every user agent).
            if before.endswith("/") and not before.endswith("//") and m.group().endswith(".0"):
                continue
            if public_ip(m.group()) and not _network(text, m.group(), m.end()):
                out.append(span(m.start(), m.end(), "IP_ADDRESS"))
        if t.has("ip.v6"):
            out.extend(_ipv6(text, t.spans("ip.v6")))
        return out


_PREFIX_LENGTH: Final = re.compile(r"/(\d{1,2})(?!\d)")


def _network(text: str, address: str, end: int) -> bool:
    """A network written in CIDR form, its host bits zero, of 256 addresses or more
    ("10.8.0.0/16"): a range, no one's address. A host's address with its prefix
    ("10.8.3.4/16"), a /32 (one host) or a small block (an office's /28) is one."""
    m = _PREFIX_LENGTH.match(text, end)
    if m is None or int(m.group(1)) > 24:
        return False
    try:
        ipaddress.IPv4Network(f"{address}/{m.group(1)}")  # strict: host bits must be zero
    except ValueError:
        return False
    return True


_HEXCOLON: Final = frozenset("0123456789abcdefABCDEF:")
_DECIMAL_COLONS: Final = re.compile(r"[\d:]+")


def _ipv6(text: str, anchors: Sequence[tuple[int, int]]) -> list[Span]:
    """Maximal runs of hex digits and colons around the colons of the anchors, checked
    by ipaddress."""
    out: list[Span] = []
    n, pos = len(text), 0
    for anchor, _ in anchors:
        colon = text.find(":", anchor)
        if colon < pos:
            continue
        start, end = colon, colon
        while start > 0 and text[start - 1] in _HEXCOLON:
            start -= 1
        while end < n and text[end] in _HEXCOLON:
            end += 1
        pos = max(end, colon + 1)
        value = (
            text[start:end].strip(":") if not text[start:end].startswith("::") else text[start:end]
        )
        if value.count(":") < 2 or len(value) < 6:
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
            continue
        # Not part of a longer token: a letter, a digit or "." and more after it (an
        # IPv4 tail, a domain); a full stop ending the sentence is no part of it.
        if end < n and (
            text[end].isalnum() or (text[end] == "." and text[end + 1 : end + 2].isalnum())
        ):
            continue
        if _DECIMAL_COLONS.fullmatch(value) and "::" not in value:
            continue  # clock times and ratios
        if public_ip(value):
            offset = text.find(value, start)
            out.append(span(offset, offset + len(value), "IP_ADDRESS"))
    return out
