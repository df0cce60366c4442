"""Multipart form bodies (RFC 7578): parsed into parts, inspected, serialized afresh.

The gateway never forwards the client's multipart bytes: it forwards ``Form.serialize``
of the parts it parsed, with a boundary of its own, so what the upstream reads is what
the policy and the pseudonymizer saw. Anything a second parser could read differently
(a part without a name, a repeated field, a transfer encoding, extended parameters,
bytes after the closing boundary) is refused.

Parsing is python-multipart's streaming parser (the one Starlette uses); writing is
a few lines here, because the output format is fixed and simple.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from zdr.errors import MalformedForm

# A part's own media type, when it is a plain "type/subtype" (parameters allowed).
_MEDIA_TYPE = re.compile(rb"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;[ -~]*)?")
_PART_HEADERS = frozenset({b"content-disposition", b"content-type"})
_DISPOSITION_PARAMS = frozenset({b"name", b"filename"})
_IDENTIFIER = re.compile(r"[A-Za-z0-9_.\[\]-]{1,64}")


@dataclass(slots=True)
class Part:
    name: str
    data: bytes
    filename: str | None = None
    content_type: bytes | None = None

    @property
    def is_file(self) -> bool:
        return self.filename is not None

    @property
    def text(self) -> str:
        """A text field's value (parsing checked that it is UTF-8)."""
        return self.data.decode("utf-8")


@dataclass(slots=True)
class Form:
    parts: list[Part] = field(default_factory=list)

    def fields(self) -> dict[str, str | list[str]]:
        """Text fields by name; a field named ``x[]`` may repeat and gives a list."""
        out: dict[str, str | list[str]] = {}
        for p in self.parts:
            if p.is_file:
                continue
            if p.name.endswith("[]"):
                values = out.setdefault(p.name, [])
                assert isinstance(values, list)
                values.append(p.text)
            else:
                out[p.name] = p.text
        return out

    def set_text(self, name: str, value: str) -> None:
        for p in self.parts:
            if p.name == name and not p.is_file:
                p.data = value.encode("utf-8")
                return
        self.parts.append(Part(name, value.encode("utf-8")))

    def serialize(self) -> tuple[bytes, bytes]:
        """(body, content-type header value) with a fresh boundary."""
        boundary = secrets.token_hex(16).encode()
        out = bytearray()
        for p in self.parts:
            out += b"--" + boundary + b'\r\nContent-Disposition: form-data; name="'
            out += _quote(p.name) + b'"'
            if p.filename is not None:
                out += b'; filename="' + _quote(p.filename) + b'"'
            out += b"\r\n"
            if p.content_type is not None:
                out += b"Content-Type: " + p.content_type + b"\r\n"
            out += b"\r\n" + p.data + b"\r\n"
        out += b"--" + boundary + b"--\r\n"
        return bytes(out), b"multipart/form-data; boundary=" + boundary


def _quote(value: str) -> bytes:
    # The HTML standard's escaping of field names and file names in multipart bodies.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A").encode("utf-8")


def shown(name: str) -> str:
    """A field name for an error message: only when it is a plain identifier."""
    return repr(name) if _IDENTIFIER.fullmatch(name) else "(a field)"


def boundary_of(content_type: bytes) -> bytes:
    media, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if media != b"multipart/form-data" or not boundary or len(boundary) > 70:
        raise MalformedForm("The multipart body has no valid boundary in its Content-Type.")
    return boundary


class _Collector:
    """python-multipart callbacks -> a list of raw parts (headers, data)."""

    def __init__(self) -> None:
        self.parts: list[tuple[list[tuple[bytes, bytes]], bytearray]] = []
        self._field = bytearray()
        self._value = bytearray()
        self.ended = False

    def part_begin(self) -> None:
        self.parts.append(([], bytearray()))

    def part_data(self, data: bytes, start: int, end: int) -> None:
        self.parts[-1][1].extend(data[start:end])

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._field.extend(data[start:end])

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value.extend(data[start:end])

    def header_end(self) -> None:
        self.parts[-1][0].append((bytes(self._field).lower(), bytes(self._value).strip()))
        self._field.clear()
        self._value.clear()

    def end(self) -> None:
        self.ended = True


def parse_form(body: bytes, content_type: bytes) -> Form:
    boundary = boundary_of(content_type)
    collector = _Collector()
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": collector.part_begin,
            "on_part_data": collector.part_data,
            "on_header_field": collector.header_field,
            "on_header_value": collector.header_value,
            "on_header_end": collector.header_end,
            "on_end": collector.end,
        },
    )
    try:
        consumed = parser.write(body)
        parser.finalize()
    except MultipartParseError:
        raise MalformedForm("The multipart body could not be parsed.") from None
    if not collector.ended or consumed != len(body):
        raise MalformedForm("The multipart body does not end with its closing boundary.")
    form = Form()
    seen: set[str] = set()
    for headers, data in collector.parts:
        form.parts.append(_part(headers, bytes(data), seen))
    return form


def _part(headers: list[tuple[bytes, bytes]], data: bytes, seen: set[str]) -> Part:
    names = [h for h, _ in headers]
    if len(names) != len(set(names)) or not set(names) <= _PART_HEADERS:
        raise MalformedForm(
            "A multipart part has a repeated header or one other than "
            "Content-Disposition and Content-Type."
        )
    values = dict(headers)
    raw_disposition = values.get(b"content-disposition", b"")
    if b"*=" in raw_disposition.replace(b" ", b""):
        # RFC 2231/5987 extended parameters (filename*=...), which python-multipart
        # ignores and other parsers read: refused rather than read one way.
        raise MalformedForm("A multipart part has an extended (name*=) parameter.")
    disposition, params = parse_options_header(raw_disposition)
    if disposition != b"form-data" or b"name" not in params:
        raise MalformedForm(
            "Every multipart part needs 'Content-Disposition: form-data; name=...'."
        )
    if not set(params) <= _DISPOSITION_PARAMS:
        raise MalformedForm(
            "A multipart part has Content-Disposition parameters zdr does not read."
        )
    try:
        name = params[b"name"].decode("utf-8")
        filename = params[b"filename"].decode("utf-8") if b"filename" in params else None
    except UnicodeDecodeError:
        raise MalformedForm("A multipart field name or file name is not UTF-8.") from None
    if name in seen and not name.endswith("[]"):
        raise MalformedForm(f"The multipart field {shown(name)} is repeated.")
    seen.add(name)
    ctype = values.get(b"content-type")
    if ctype is not None and not _MEDIA_TYPE.fullmatch(ctype):
        raise MalformedForm(f"The multipart part {shown(name)} has an invalid Content-Type.")
    if filename is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedForm(
                f"The multipart text field {shown(name)} is not UTF-8 (send files with a filename)."
            ) from None
    return Part(name, data, filename, ctype)
