"""The secret detector's C tests (zdr.detect._runs: code_like, about_name) answer as
their Python references do: on generated values and names, and on the values and
names its assignment rule reads in texts written for the tests."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zdr.detect import secrets
from zdr.detect.secrets import _ABOUT_ANY, _ABOUT_LAST, _about_name_in_python, _code_like_in_python

runs = pytest.importorskip("zdr.detect._runs", reason="built without a C compiler")

# What _CODE_LIKE's alternatives tell apart: its signs, brackets and quotes, line
# breaks, ASCII letters of both cases and digits, other scripts' letters and digits.
_CODE_CHARS = "$%{}_.()[]:@!\"'-aEz_ZNC09\n é٣😀"
_CODE_PIECES = (
    *("$", "${", "}", "%", "(", ")", "[", "]", ".", "_", ":", "@", "!", "'", '"', "\n", "é"),
    *("ENC[", "os", "environ", "get", "db", "password", "passwd", "pass", "pwd", "secret"),
    *("token", "api_key", "key", "API", "Key", "x1", "٣", "😀", "a_b"),
)


@settings(max_examples=3000)
@given(
    st.text(alphabet=_CODE_CHARS, max_size=24)
    | st.lists(st.sampled_from(_CODE_PIECES), max_size=8).map("".join)
    | st.text(max_size=24)
)
def test_code_like_as_the_regex_reads_it(value: str) -> None:
    assert runs.code_like(value) == _code_like_in_python(value)


def test_code_like_examples() -> None:
    for value, expected in (
        ("$DB_PASSWORD", True),
        ("${TOKEN}", True),
        ("${TOKEN", True),  # \$\{?\w+\}?
        ("%TOKEN%", True),
        ("settings.SECRET_KEY", True),
        ("os.environ['TOKEN']", True),
        ("os.environ[\nx", False),  # ".*" takes no line break
        ("get_token(scope)", True),
        ("client_secret", True),
        ("client__secret", False),
        ("$_POST['password']", True),
        ("params[:password]", True),
        ("params[x]", False),
        (":db_password", True),
        ("@api_key", True),
        (":db__key", False),
        (":dbkey", False),
        ("!vault", True),
        ("ENC[AES256_GCM,data:x]", True),
        ("Kq8mZ2vR7xW4pT9n", False),
        ("P@ssw0rd!", False),
        ("", False),
    ):
        assert runs.code_like(value) == _code_like_in_python(value) == expected, value
    with pytest.raises(TypeError):
        runs.code_like(b"$TOKEN")


_NAME_PIECES = (
    *("password", "Password", "PASSWORD", "reset", "Url", "URL", "HTMLParser", "secret"),
    *("_", "-", ".", " ", "=", ":", "9", "42", "é", "Ω", "٣", "😀", "K", "\u212a", "ey"),
    *("name", "public", "Hash", "postgres", "POSTGRES", "key", "id", "x"),
)


@settings(max_examples=3000)
@given(st.data())
def test_about_name_as_the_reference_reads_it(data: st.DataObject) -> None:
    pieces = st.lists(st.sampled_from(_NAME_PIECES), max_size=10).map("".join)
    text = data.draw(pieces | st.text(max_size=30))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    value = data.draw(pieces | st.text(max_size=8))
    words = st.frozensets(st.sampled_from(["name", "url", "hash", "9", "html", "x"]), max_size=3)
    tables = data.draw(st.sampled_from([(_ABOUT_LAST, _ABOUT_ANY)]) | st.tuples(words, words))
    args = (text, start, end, value, *tables)
    assert runs.about_name(*args) == _about_name_in_python(*args)


def test_about_name_examples() -> None:
    tables = (_ABOUT_LAST, _ABOUT_ANY)
    for text, name, value, expected in (
        ("password_reset_url = x", "password_reset_url", "x", True),
        ("POSTGRES_PASSWORD=postgres", "PASSWORD", "postgres", True),  # read back
        ("POSTGRES_PASSWORD=Postgres1", "PASSWORD", "Postgres1", False),
        ("publicKeyToken: abc", "Token", "abc", True),  # a word before the name
        ("dbPasswordHTMLParser: v", "Password", "v", False),  # the name ends at "Password"
        ("tokenHTMLParser: v", "tokenHTMLParser", "v", False),
        ("secretName=v", "secretName", "v", True),
        ("REDIS_PASSWORD=\u212aey1", "PASSWORD", "key1", False),
        ("keys_password: \u212aEYS", "password", "\u212aEYS", True),  # Kelvin sign lowers to k
        ("", "", "", False),
    ):
        start = text.find(name) if name else 0
        args = (text, start, start + len(name), value, *tables)
        assert runs.about_name(*args) == _about_name_in_python(*args) == expected, text
    with pytest.raises(ValueError, match="start"):
        runs.about_name("abc", 2, 1, "", *tables)
    with pytest.raises(ValueError, match="start"):
        runs.about_name("abc", 0, 4, "", *tables)
    with pytest.raises(TypeError):
        runs.about_name("abc", 0, 1, "", set(), ["name"])  # type: ignore[arg-type]


def _written_texts() -> Iterator[str]:
    """The strings of the detection tests (texts written for them) and, where the
    corpus is checked out beside the project, pii-dev's development records."""
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value
    for root in Path(__file__).resolve().parents:
        corpus = root / "shared" / "pii-dev" / "dev.jsonl"
        if corpus.exists():
            import json

            with corpus.open(encoding="utf-8") as lines:
                yield from (json.loads(line)["text"] for line in lines)
            return


def test_c_and_python_agree_on_written_texts() -> None:
    """Every assignment the rule finds (its name and value) and every word of the
    texts, as _assigned and the other rules ask them."""
    assignments = words = 0
    for text in _written_texts():
        low = text.lower()
        for m in secrets._ASSIGNMENT.finditer(low):
            group = "qvalue" if m.group("qvalue") is not None else "value"
            value = text[m.start(group) : m.end(group)]
            args = (text, m.start("name"), m.end("name"), value, _ABOUT_LAST, _ABOUT_ANY)
            assert runs.about_name(*args) == _about_name_in_python(*args)
            assert runs.code_like(value) == _code_like_in_python(value)
            assignments += 1
        for word in re.findall(r"[^\s,;\"'`]+", text):
            assert runs.code_like(word) == _code_like_in_python(word)
            words += 1
    assert assignments > 100 and words > 1000
