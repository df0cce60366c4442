"""review31b: failing inputs found reviewing lead31 (speedB, speedA, secrets10, 85bd723,
21b69a1). Each input below is detected as asserted on main (f99b66f) and not on lead31,
unless its comment says otherwise."""

from __future__ import annotations

import pytest

from zdr.detect import DetectorSet
from zdr.detect.names import cue_before

DETECT = DetectorSet()


def labelled(text: str, label: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECT.detect(text) if s.label == label]


# must-fix: keyrules._word_end extends a key over str.isalnum, which is true of CJK and
# kana: a Chinese or Japanese sentence written without spaces after a key is masked
# with it (up to 1200 characters). Main masked the key alone.
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("密钥AKIAY3T3RMX3JXHEKRHE是这个请不要分享给任何人", "AKIAY3T3RMX3JXHEKRHE"),
        ("令牌是glpat-Y3t3rMx3JXhEKRHEeTEr请保密不要告诉别人谢谢", "glpat-Y3t3rMx3JXhEKRHEeTEr"),
        ("トークンはglpat-Y3t3rMx3JXhEKRHEeTErです。", "glpat-Y3t3rMx3JXhEKRHEeTEr"),
    ],
)
def test_a_key_does_not_take_the_words_of_a_script_without_spaces(text: str, key: str) -> None:
    assert labelled(text, "API_KEY") == [key]


# must-fix: the password's value judged without "!" or "?" (85bd723's rstrip(".!?:")):
# a password ending in "!" is a usual choice, and these were masked on main.
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pw: qwerty!", "qwerty!"),
        ("The wifi password is sunshine!", "sunshine!"),
        ("password is Summer!", "Summer!"),
        ("Her password was monkey! and nobody guessed it.", "monkey!"),
    ],
)
def test_a_password_ending_in_a_symbol_is_masked(text: str, value: str) -> None:
    assert labelled(text, "SECRET") == [value]


# should-fix (new false positives of _WHAT_FOR: "Your password is case-sensitive." was
# already masked on main): a hyphenated adjective ending a sentence is no password.
@pytest.mark.parametrize(
    "text",
    [
        "The password for the admin account is case-sensitive.",
        "The password for your account is self-managed.",
        "Your password for the portal is single-use.",
    ],
)
def test_a_hyphenated_adjective_is_no_password(text: str) -> None:
    assert labelled(text, "SECRET") == []


# should-fix: _digest_name drops the value whatever it is; only a digest-shaped value
# (hex of a digest's length, a crypt string) is a digest.
@pytest.mark.parametrize(
    "text",
    [
        'signing_key_sha256 = "kX9vQ2mLp8RtY4wZ"',
        'db_password_md5 = "S3cr3t!Passw0rd"',
    ],
)
def test_a_digest_named_setting_with_no_digest_is_masked(text: str) -> None:
    assert labelled(text, "SECRET") + labelled(text, "API_KEY") != []


# should-fix: _names_slot leaves any lower-case words with a slot word in them; these
# read as chosen passwords as much as "Secret-Garden-2024" does.
@pytest.mark.parametrize(
    "text",
    [
        'db_password = "summer-password-2024"',
        'db_password = "blue-key-77"',
        'password = "hunter-pass-1"',
    ],
)
def test_a_chosen_password_with_a_slot_word_is_masked(text: str) -> None:
    assert labelled(text, "SECRET") != []


# should-fix (21b69a1): hard-wrapped mail breaks a line after a title; the name on the
# next line is no form's field.
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I met Mr.\nBaker yesterday about the roof.", "Baker"),
        ("Dear Mrs.\nBrown, thank you for your letter.", "Brown"),
    ],
)
def test_a_title_ending_a_wrapped_line_cues_the_name(text: str, name: str) -> None:
    assert name in labelled(text, "PERSON")


# should-fix (_runs.c cue_filter): Py_XSETREF frees the previous set before the new
# set's tables are stored; a finalizer run by that free (a set subclass's __del__, or
# another thread switched to while it runs) that caches a third set leaves cue_set
# pointing at it with the second set's tables.
def test_cue_filter_is_consistent_when_freeing_the_last_set_runs_code() -> None:
    _runs = pytest.importorskip("zdr.detect._runs", reason="built without a C compiler")
    first, second = frozenset({"aa"}), frozenset({"zz"})

    class Dropped(set[str]):
        def __del__(self) -> None:
            _runs.cue_before("zz Ann", 3, 48, ",", ":", second)

    _runs.cue_before("q Ann", 2, 48, ",", ":", Dropped({"q"}))
    _runs.cue_before("aa Ann", 3, 48, ",", ":", first)
    args = ("zz Ann", 3, 48, ",", ":", second)
    assert _runs.cue_before(*args) == cue_before(*args) == "zz"
