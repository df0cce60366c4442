"""Tokens: stable across requests, restored when a model bends them, never guessed."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zdr.pseudonymize.tokens import HEX_DIGITS, Vault, partial_token_start

KEY = b"t" * 32


def test_same_value_same_token_in_every_request() -> None:
    a, b = Vault(KEY), Vault(KEY)
    assert a.token_for("EMAIL", "jane@example.com") == b.token_for("EMAIL", "jane@example.com")
    assert a.token_for("EMAIL", "jane@example.com") != a.token_for("EMAIL", "john@example.com")
    # The label is part of the hash, and another secret gives other tokens.
    assert a.token_for("PERSON", "Jane") != a.token_for("EMAIL", "Jane")[1:]
    assert Vault(b"u" * 32).token_for("EMAIL", "jane@example.com") != b.token_for(
        "EMAIL", "jane@example.com"
    )


@pytest.mark.parametrize(
    "written",
    [
        "{t}",
        "{t_lower}",
        "{t_nobrackets}",
        "[{label} {hex}]",
        "[{label}-{hex_upper}]",
        "[ {label}_{hex} ]",
        "[{label}_{hex}",
        "{label}_{hex}]",
    ],
)
def test_bent_tokens_are_restored(written: str) -> None:
    vault = Vault(KEY)
    token = vault.token_for("PERSON", "Jane Roe")
    hex_digits = token[len("[PERSON_") : -1]
    text = written.format(
        t=token,
        t_lower=token.lower(),
        t_nobrackets=token[1:-1],
        label="PERSON",
        hex=hex_digits,
        hex_upper=hex_digits.upper(),
    )
    assert vault.restore(f"Dear {text}, welcome.") == "Dear Jane Roe, welcome."


def test_multi_word_labels_bent() -> None:
    vault = Vault(KEY)
    token = vault.token_for("DATE_OF_BIRTH", "1987-03-14")
    hex_digits = token[-1 - HEX_DIGITS : -1]
    assert vault.restore(f"born [date of birth {hex_digits}]") == "born 1987-03-14"
    assert vault.restore(f"born [DATEOFBIRTH_{hex_digits}]") == "born 1987-03-14"


def test_unknown_or_foreign_tokens_are_left_alone() -> None:
    vault = Vault(KEY)
    vault.token_for("EMAIL", "jane@example.com")
    other = Vault(b"o" * 32).token_for("EMAIL", "x@y.z")
    text = f"see {other} and [EMAIL_deadbeef] and PERSON_12345678 in the log"
    assert vault.restore(text) == text


def test_json_escaped_restore() -> None:
    vault = Vault(KEY)
    token = vault.token_for("SECRET", 'pa"ss\\word')
    arguments = json.dumps({"password": token})
    restored = vault.restore(arguments, json_escape=True)
    assert json.loads(restored) == {"password": 'pa"ss\\word'}


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("Hello [PER", "[PER"),
        ("Hello [PERSON_1a2", "[PERSON_1a2"),
        ("Hello PERSON_1a2b3c4d", "PERSON_1a2b3c4d"),
        ("Hello [", "["),
        ("Hello world.", ""),
        ("done [PERSON_1a2b3c4d]", ""),
    ],
)
def test_partial_token_detection(text: str, held: str) -> None:
    assert text[partial_token_start(text) :] == held


def _bent_forms(token: str) -> list[str]:
    """The shapes models write a token back in (as in test_bent_tokens_are_restored)."""
    label, digits = token[1:-1].rsplit("_", 1)
    return [
        token,
        token.lower(),
        token.upper(),
        f"{label}_{digits}",
        f"[{label} {digits}]",
        f"[ {label}-{digits.upper()} ]",
        f"{label.lower().replace('_', ' ')} {digits}",
        f"{label}{digits}",
        f"[{label}_{digits}",
    ]


_VAULT = Vault(b"k" * 32)
_TOKENS = [
    _VAULT.token_for("PERSON", "Jane Roe"),
    _VAULT.token_for("EMAIL", "jane@example.com"),
    _VAULT.token_for("DATE_OF_BIRTH", "1990-03-03"),
]
_PIECES = [form for t in _TOKENS for form in _bent_forms(t)] + [
    " ", "\n", "[", "]", "_", "x", "é", "1", "PERSON", "[EMAIL_00000000]", "deadbeef",
    _TOKENS[0][8:16], "a" + _TOKENS[1][7:15], "”", "日本",
]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), st.booleans())
def test_restore_from_hex_digits_equals_the_whole_text_pattern(text: str, escape: bool) -> None:
    """Restoring from where the vault's hex digits occur finds exactly what trying the
    tolerant token pattern at every position finds."""
    assert _VAULT.restore(text, json_escape=escape) == _VAULT._restore_by_pattern(text, escape)


# A request with more tokens than are looked for one by one: its hex digits are found
# in one pass over runs of hex digits instead.
_BIG_VAULT = Vault(b"k" * 32)
_BIG_TOKENS = [_BIG_VAULT.token_for("PERSON", f"Person {i}") for i in range(40)]
_BIG_PIECES = [form for t in _BIG_TOKENS[:3] for form in _bent_forms(t)] + [
    " ", "x", "1", "ab", "é", "deadbeef", _BIG_TOKENS[5][8:16], "e" + _BIG_TOKENS[6][8:16],
    _BIG_TOKENS[7][8:12], _BIG_TOKENS[7][12:16], "PERSON", "[EMAIL_00000000]",
]  # fmt: skip


@given(st.lists(st.sampled_from(_BIG_PIECES), max_size=12).map("".join), st.booleans())
def test_many_tokens_restore_like_few(text: str, escape: bool) -> None:
    """With many tokens, the one pass finds the same digits as a search per token, and
    restoring equals the whole-text pattern."""
    from zdr.detect.model import occurrences

    low = text.lower()
    assert len(_BIG_VAULT._hex) > 24
    assert _BIG_VAULT._digits_at(low) == sorted(
        p for h in _BIG_VAULT._hex for p in occurrences(low, h)
    )
    data = text.encode()  # byte offsets: the same digits, in the same order
    assert [data[p : p + 12].lower().decode() for p in _BIG_VAULT.digits_in(data)] == [
        low[p : p + 12] for p in _BIG_VAULT._digits_at(low)
    ]
    assert _BIG_VAULT.restore(text, json_escape=escape) == _BIG_VAULT._restore_by_pattern(
        text, escape
    )
