"""The canonical request: one reading of the path, query, framing headers and body.

The gateway decides on this reading and forwards its re-encoding, never the client's
bytes, so no server, proxy or CDN behind it can read the request differently from
the policy and the pseudonymizer. Whatever has two readings is refused:

* path: empty, "." or ".." segments (however encoded), and segments holding, once
  decoded, anything but ASCII letters, digits and "-._~:" (an encoded "/", "\\", "?",
  "#", "%", ";", a space, a control character or NUL);
* framing headers sent twice (Content-Type, Content-Length, Content-Encoding,
  Transfer-Encoding), and the credentials header sent twice;
* bodies: JSON with duplicate keys, NaN/Infinity or invalid UTF-8; compressed bodies
  other than gzip and deflate (those are decoded, bounded, and inspected).
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any, Final
from urllib.parse import parse_qsl, unquote_to_bytes

import orjson

from zdr.asgi import RawHeaders
from zdr.detect.model import in_c
from zdr.errors import (
    AmbiguousRequest,
    BadRequest,
    BodyTooLarge,
    InvalidJSON,
    UnsupportedMediaType,
)
from zdr.exchange import encode_query

# What a path segment may hold once decoded: ASCII letters, digits and "-._~:", which
# is what the ids, model names and fine-tune names of OpenAI-compatible APIs use
# ("ft:gpt-4o-mini:org::id"). Sub-delimiters are left out on purpose: some servers
# read ";" as the start of path parameters, "," or "=" as separators.
_SEGMENT = re.compile(rb"[A-Za-z0-9._~:-]+")
# A path that is its own canonical form: segments of those characters, none encoded,
# none starting with "." (so none is "." or ".."). Read with one match, not per segment.
_PLAIN_PATH = re.compile(rb"(?:/[A-Za-z0-9_~:-][A-Za-z0-9._~:-]*)+")

SINGLE_HEADERS = frozenset(
    {
        b"content-type",
        b"content-length",
        b"content-encoding",
        b"transfer-encoding",
        b"authorization",
        b"api-key",
        b"x-api-key",
        b"host",
    }
)


def canonical_path(raw_path: bytes) -> str:
    """The decoded, checked path, or ``AmbiguousRequest``. Every character it keeps is
    unreserved in URLs, so it is also exactly what the upstream receives."""
    # No cache of paths read: a path holds ids of the client's objects, and nothing of a
    # request is kept after it (the one match below is most of the saving).
    if _PLAIN_PATH.fullmatch(raw_path):
        return raw_path.decode("ascii")
    if not raw_path.startswith(b"/"):
        raise AmbiguousRequest("The request path must start with '/'.")
    out: list[bytes] = []
    for raw in raw_path[1:].split(b"/"):
        if not raw:
            raise AmbiguousRequest("The request path has an empty segment ('//' or a final '/').")
        seg = unquote_to_bytes(raw) if b"%" in raw else raw
        if not _SEGMENT.fullmatch(seg):
            raise AmbiguousRequest(
                "The request path has a character that gateways and servers may read "
                "differently (only letters, digits and '-._~:' are accepted in a segment, "
                "encoded or not)."
            )
        if not seg.strip(b"."):
            raise AmbiguousRequest("The request path has a '.' or '..' segment.")
        out.append(seg)
    return "/" + b"/".join(out).decode("ascii")


QueryPairs = list[tuple[str, str]]


def canonical_query(raw_query: bytes) -> str:
    """The query string parsed into pairs and encoded again ("" for none)."""
    return encode_query(parse_query(raw_query))


def parse_query(raw_query: bytes) -> QueryPairs:
    """The query string's (name, value) pairs, read one way only: anything that is not
    strictly ``name=value&...`` in UTF-8 is refused."""
    if not raw_query:
        return []
    try:
        return parse_qsl(
            raw_query.decode("ascii"),
            keep_blank_values=True,
            strict_parsing=True,
            encoding="utf-8",
            errors="strict",
        )
    except (ValueError, UnicodeDecodeError):
        raise AmbiguousRequest("The query string is not well formed.") from None


def single_headers(headers: RawHeaders) -> None:
    """Refuse a repeated framing or credentials header: two readings of one request."""
    if len(dict(headers)) == len(headers):
        return  # no name is repeated at all (one call in C, not a loop)
    seen: set[bytes] = set()
    for name, _ in headers:
        if name in SINGLE_HEADERS:
            if name in seen:
                raise AmbiguousRequest(
                    f"The request has the {name.decode()} header more than once."
                )
            seen.add(name)


def decode_body(body: bytes, encoding: bytes | None, limit: int) -> bytes:
    """The body with its Content-Encoding undone (gzip, deflate), at most ``limit`` bytes."""
    if encoding is None:
        return body
    coding = encoding.strip().lower()
    if coding in (b"", b"identity"):
        return body
    if coding in (b"gzip", b"x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif coding == b"deflate":
        wbits = zlib.MAX_WBITS
    else:
        raise UnsupportedMediaType(
            "Unsupported Content-Encoding: send the body uncompressed, or gzip or deflate."
        )
    decoder = zlib.decompressobj(wbits)
    try:
        out = decoder.decompress(body, limit + 1)
    except zlib.error:
        raise BadRequest(f"The body is not valid {coding.decode()} data.") from None
    if len(out) > limit or decoder.unconsumed_tail:
        raise BodyTooLarge(f"Request body is larger than the gateway's limit of {limit} bytes.")
    if not decoder.eof or decoder.unused_data:
        raise BadRequest(f"The body is not one complete {coding.decode()} stream.")
    return out


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> None:
    if len(pairs) > 1 and len({k for k, _ in pairs}) != len(pairs):
        raise _DuplicateKey


def _ignore(_: str) -> None:
    return None


# The standard library's scanner, used only to see every key of every object as it
# was written (orjson keeps the last of duplicate keys silently); it builds nothing.
_KEY_SCANNER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates,
    parse_float=_ignore,
    parse_int=_ignore,
    parse_constant=_ignore,
)


def json_colons(body: bytes) -> int:
    """How many ':' ``body`` holds, or -1 if it holds "\\u003", the escape that may
    write a ':' inside a string. The reference for ``zdr.detect._runs.json_colons``
    (C: memchr skips to each byte looked for; bytes.count reads every byte)."""
    return -1 if b"\\u003" in body else body.count(b":")


_json_colons: Final = in_c("json_colons", json_colons)


def _as_many_members(body: bytes, compact: bytes) -> bool:
    """True when ``body`` (JSON that orjson read) has no more object members than
    ``compact``, orjson's serialization of what it read, so none was doubled.

    Every ":" of a JSON text either ends a member's key or sits inside a string, and
    orjson writes the ":" of every string it read as it is. A body without a member
    that orjson dropped (a doubled key, and whatever its first value held) therefore
    has exactly the ":" of ``compact``, unless it wrote one escaped ("\\u003a"): such
    bodies, and any other count, are left to the scanner. ~2k instructions for 1.9 KB
    where the scanner takes ~60k."""
    colons = _json_colons(body)
    return colons >= 0 and colons == _json_colons(compact)


def parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        # orjson's message can quote the input; ours does not.
        raise InvalidJSON(
            "We could not parse the JSON body of your request. The body must be valid UTF-8 JSON."
        ) from None
    if not isinstance(data, dict):
        raise BadRequest("The JSON body of your request must be an object.")
    compact = orjson.dumps(data)
    if compact == body or _as_many_members(body, compact):
        # The body is the compact serialization of what was parsed (what the official
        # SDKs send), or has as many members as it: either way no key was doubled.
        # Other bodies are read once more, key by key (~60k instructions for 1.9 KB).
        return data
    try:
        _KEY_SCANNER.decode(body.decode("utf-8"))
    except _DuplicateKey:
        raise AmbiguousRequest(
            "The JSON body has an object with the same key twice; servers read such "
            "bodies differently, so the gateway does not forward them."
        ) from None
    except ValueError:  # what orjson accepts and the scanner does not: refuse as well
        raise InvalidJSON(
            "The JSON body of your request could not be read unambiguously."
        ) from None
    return data
