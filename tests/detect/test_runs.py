"""zdr.detect._runs (C) finds exactly what its Python references find: the person
detector's capitalised words and the word before one, the phone detector's number
runs, where a birth date can begin."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zdr.detect.model import word_starts
from zdr.detect.names import capitalised_words, cue_before, word_before
from zdr.detect.phone import number_runs
from zdr.gateway.canonical import json_colons
from zdr.pseudonymize.restore import json_strings

runs = pytest.importorskip("zdr.detect._runs", reason="built without a C compiler")

# The characters each regex tells apart, with one of each other kind of text: other
# scripts' letters and digits, wide characters (a text's storage width changes with
# its widest character), spaces of other scripts.
NAME_CHARS = "AaZzÀÖØÞßöøÿĀāſƀɏɐȘșḀảỿἀ'’-.@_ \t\n1٣ΩωЖж中😀\u2003\u00a0:McD"
NUMBER_CHARS = "0123456789 ().-/+)a٣३１𝟘😀\u00a0_"


@settings(max_examples=3000)
@given(st.text(alphabet=NAME_CHARS, max_size=40) | st.text(max_size=40))
def test_capitalised_words_as_the_regex_finds_them(text: str) -> None:
    assert runs.capitalised_words(text) == capitalised_words(text)


@settings(max_examples=3000)
@given(st.text(alphabet=NUMBER_CHARS, max_size=60) | st.text(max_size=60))
def test_number_runs_as_the_regex_finds_them(text: str) -> None:
    assert runs.number_runs(text) == number_runs(text)


@settings(max_examples=3000)
@given(
    st.text(alphabet="ab: \t\n\u2003\u00a0\x1c😀,", max_size=30) | st.text(max_size=30), st.data()
)
def test_word_before_as_split_finds_it(text: str, data: st.DataObject) -> None:
    end = data.draw(st.integers(0, len(text) + 2))
    window = data.draw(st.integers(0, 12))
    assert runs.word_before(text, end, window) == word_before(text, end, window)


@settings(max_examples=3000)
@given(
    st.text(alphabet="ab.:=\"'()[],; \t\n\u2003😀é", max_size=30) | st.text(max_size=30),
    st.data(),
)
def test_cue_before_as_the_reference_finds_it(text: str, data: st.DataObject) -> None:
    end = data.draw(st.integers(0, len(text) + 2))
    window = data.draw(st.integers(0, 12))
    strip = data.draw(st.text(alphabet=",:;=\"'()[]😀", max_size=5))
    label_ends = data.draw(st.text(alphabet=":=\"'😀", max_size=3))
    cues = frozenset(data.draw(st.lists(st.text(alphabet="ab.é😀", max_size=3), max_size=6)))
    args = (text, end, window, strip, label_ends, cues)
    assert runs.cue_before(*args) == cue_before(*args)


class _Word(str):
    pass


def test_cue_before_filters_only_what_no_cue_can_be() -> None:
    """The C function's filter of a cue set (by length, first and last character) is
    made for each set it is given: a set of other shapes, a set given again after
    another, a mutable set changed between calls, a set with a word longer than the
    filter reads or a str subclass, all answer as the reference does."""
    from zdr.detect.names import _CUE_WORDS, _LABEL_ENDS, _STRIP

    long_word = "x" * 40
    sets = [
        _CUE_WORDS,
        frozenset({"dr", "é", "😀a"}),
        frozenset({long_word, "hi"}),
        frozenset({_Word("hi"), "dr"}),
        frozenset({"", "hi"}),
        _CUE_WORDS,
    ]
    words = ["dr", "Dr.", "(mr", "hi,", "hello:", "é", "😀a", long_word, "hi", "", "x", "'"]
    words += sorted(_CUE_WORDS)[::7]
    for cues in sets:
        for word in words:
            for before in ("", " ", "a "):
                text = f"{before}{word} Name"
                args = (text, len(text) - 4, 48, _STRIP, _LABEL_ENDS, cues)
                assert runs.cue_before(*args) == cue_before(*args), (cues, text)
    mutable = {"dr"}
    assert runs.cue_before("dr Ann", 3, 48, ",", ":", mutable) == "dr"
    mutable.add("mr")
    assert runs.cue_before("mr Ann", 3, 48, ",", ":", mutable) == "mr"


@settings(max_examples=3000)
@given(
    st.text(alphabet="ab1/.-_ éΩ٣😀,", max_size=30) | st.text(max_size=30),
    st.text(alphabet="ab1é😀", max_size=4),
    st.text(alphabet="/.-😀", max_size=3),
)
def test_word_starts_as_the_reference_finds_them(text: str, first: str, not_after: str) -> None:
    assert runs.word_starts(text, first, not_after) == word_starts(text, first, not_after)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Dear Jean-Pierre O'Neil,", ["Dear", "Jean-Pierre", "O'Neil"]),
        (
            "McDowell MacKenzie DiCaprio D’Souza LaToya",
            ["McDowell", "MacKenzie", "DiCaprio", "D’Souza", "LaToya"],
        ),
        ("MacDonald1 Mc O'B", ["Mc"]),  # the prefixed forms given back, as the regex does
        ("Jean-Pierre1 x", ["Jean"]),  # the hyphenated part given back, as the regex does
        ("Jo'hn1 Mr.X J. Doe", ["Jo", "Mr", "J.", "Doe"]),
        ("mail@Example.com_Anna x.Bob", []),  # not at the start of a word
        ("Ærøskøbing Łukasz 😀 Émile", ["Ærøskøbing", "Łukasz", "Émile"]),
        (
            "Ștefan Țurcanu, Bảo Trần, Nguyễn Văn Long",
            ["Ștefan", "Țurcanu", "Bảo", "Trần", "Nguyễn", "Văn", "Long"],
        ),
    ],
)
def test_capitalised_words_examples(text: str, words: list[str]) -> None:
    assert [w for _, _, w in runs.capitalised_words(text)] == words
    assert capitalised_words(text) == runs.capitalised_words(text)


def test_number_runs_examples() -> None:
    text = "call (030) 1234-5678 or ٠١٢٣٤٥٦٧٨٩ on 2024 " + "1" * 40
    found = [text[s:e] for s, e in runs.number_runs(text)]
    # At most 26 characters a run; the regex goes on after one.
    assert found == ["030) 1234-5678", "٠١٢٣٤٥٦٧٨٩", "2024 " + "1" * 21, "1" * 19]
    assert number_runs(text) == runs.number_runs(text)


def test_only_str_is_read() -> None:
    with pytest.raises(TypeError):
        runs.capitalised_words(b"Anna")
    with pytest.raises(TypeError):
        runs.number_runs(None)
    with pytest.raises(TypeError):
        runs.word_before("a b", 3)
    with pytest.raises(ValueError, match="negative"):
        runs.word_before("a b", -1, 5)
    with pytest.raises(TypeError):
        runs.cue_before("a b", 3, 5, ",", ":", {"a": 1})
    with pytest.raises(ValueError, match="negative"):
        runs.cue_before("a b", 3, -5, ",", ":", frozenset())


def test_span_is_the_tuple_tuple_new_makes() -> None:
    from zdr.detect.model import Span, span

    made = runs.span(Span, 3, 9, "EMAIL")
    assert type(made) is Span and made == Span(3, 9, "EMAIL") == (3, 9, "EMAIL")
    assert (made.start, made.end, made.label) == (3, 9, "EMAIL")
    assert hash(made) == hash((3, 9, "EMAIL")) and span(3, 9, "EMAIL") == made
    with pytest.raises(TypeError):
        runs.span(list, 3, 9, "EMAIL")
    with pytest.raises(TypeError):
        runs.span(Span, "3", 9, "EMAIL")


@settings(max_examples=2000)
@given(st.data())
def test_add_hits_as_the_reference_adds_them(data: st.DataObject) -> None:
    """A scan's matches, byte offsets at character boundaries of the scanned data
    (behind its one-space sentinel), become the same hits either way."""
    from zdr.detect.scan import add_hits, collect

    text = data.draw(st.text(alphabet="ab é€😀\n", max_size=20) | st.text(max_size=20))
    encoded = b" " + text.encode("utf-8", "replace")
    boundaries = [
        0,
        *(len((" " + text[:i]).encode("utf-8", "replace")) for i in range(1, len(text) + 2)),
    ]
    offset = st.sampled_from(boundaries)
    names = ("a", "b", "c")
    shift = (0, 1, 1)
    matches = data.draw(
        st.lists(st.tuples(st.integers(0, 2), offset, offset).map(lambda m: (m[0], *sorted(m[1:]))))
    )
    by_c: list[int] = []
    by_python: list[int] = []
    for index, start, end in matches:
        runs.collect(index, start, end, 0, by_c)
        collect(index, start, end, 0, by_python)
    assert by_c == by_python
    utf8 = encoded if len(encoded) != len(text) + 1 else None
    expected: dict[str, list[tuple[int, int]]] = {}
    add_hits(expected, by_python, names, shift, utf8)
    got: dict[str, list[tuple[int, int]]] = {}
    runs.add_hits(got, by_c, names, shift, utf8)
    assert got == expected


def test_add_hits_refuses_what_it_cannot_read() -> None:
    with pytest.raises(TypeError):
        runs.add_hits({}, [0, 1], ("a",), (0,), None)  # not whole matches
    with pytest.raises(IndexError):
        runs.add_hits({}, [5, 1, 2], ("a",), (0,), None)
    with pytest.raises(TypeError):
        runs.collect(0, 1, 2, 0, ())  # type: ignore[arg-type]


_NAMES = ["Jane", "Roe", "Jane Roe", "Ana", "Ana Ana", "Jürgen", "van Berg", "Łukasz", "Li 😀"]


@settings(max_examples=2000)
@given(st.data())
def test_mentions_taken_as_the_reference_takes_them(data: st.DataObject) -> None:
    from zdr.detect.names import mentions_taken

    pieces = st.sampled_from([*_NAMES, " ", "\n", "@", ".", "_", "x", "é", "1", ","])
    text = data.draw(st.lists(pieces, max_size=20).map("".join))
    bounds = st.integers(0, len(text))
    found = data.draw(st.lists(st.tuples(bounds, bounds), max_size=4))
    parts = data.draw(st.sets(st.sampled_from([*_NAMES, ""]), max_size=4))
    assert runs.mentions_taken(text, found, parts) == mentions_taken(text, found, parts)


@given(
    st.text(alphabet="aZ09_-+/=é\x00\xff", max_size=40) | st.text(max_size=40).filter(str.isascii)
)
def test_shannon_entropy_is_the_same_float(value: str) -> None:
    from zdr.detect.validators import shannon_entropy

    assert runs.shannon_entropy(value) == shannon_entropy(value)


@settings(max_examples=3000)
@given(
    st.text(alphabet="aabbcdyz0189:/`{-_Aé😀", max_size=40) | st.text(max_size=40),
    st.booleans(),
)
def test_typed_runs_as_the_reference_finds_them(low: str, consecutive: bool) -> None:
    from zdr.detect.validators import _typed_runs_in_python

    assert runs.typed_runs(low, consecutive) == _typed_runs_in_python(low, consecutive)


_WORD_CHARS = "abxy$({<.é€😀\x00\xff"


@settings(max_examples=3000)
@given(
    st.text(alphabet=_WORD_CHARS, max_size=30) | st.text(max_size=30),
    st.lists(st.text(alphabet=_WORD_CHARS, max_size=4), max_size=5).map(tuple),
)
def test_any_in_as_the_reference_finds_them(text: str, words: tuple[str, ...]) -> None:
    from zdr.detect.validators import any_in

    assert runs.any_in(text, words) == any_in(text, words)


@pytest.mark.parametrize("size", [63, 64, 65, 100])
def test_any_in_with_more_words_than_the_index_holds(size: int) -> None:
    """Past the words the C index holds (64), or with a wide word among the first ones,
    the fallback must find what the reference finds (review29 R12)."""
    from zdr.detect.validators import any_in

    words = tuple(f"w{i:03d}" for i in range(size))
    with_wide = (*words[:10], "€x", *words[10:])
    for text in ("", "a w064 b", "w099", "w000", "xx€x", "plain text", "w06"):
        for tried in (words, with_wide, words):  # the held index reused, then replaced
            assert runs.any_in(text, tried) == any_in(text, tried), (text, len(tried))


def test_any_in_examples() -> None:
    assert runs.any_in("sk_live_your_key", ("xxx", "your"))
    assert runs.any_in("${token}", ("xxx", "${"))
    assert runs.any_in("abc", ("",))  # an empty word is in every text, as for ``in``
    assert not runs.any_in("you", ("your",))  # longer than the text
    assert not runs.any_in("yoyoyo_r", ("your",))  # each first character tried
    assert runs.any_in("é€x", ("€x",)) and not runs.any_in("éx", ("€",))  # wide text
    assert not runs.any_in("", ("a",))
    with pytest.raises(TypeError):
        runs.any_in("a", ["a"])  # a tuple of words only
    with pytest.raises(TypeError):
        runs.any_in("a", (1,))


# One tuple of words asked again and again (the C helper indexes the last one it was
# given by first byte; placeholder asks with its one table): words sharing a first
# byte, words longer than the text's rest, a switch to another tuple and back.
_SAME_WORDS = ("ab", "abc", "axy", "b", "xy$", "éx", "(", "aaaa")


@settings(max_examples=3000)
@given(st.text(alphabet=_WORD_CHARS, max_size=30) | st.text(max_size=30), st.booleans())
def test_any_in_one_tuple_as_the_reference_finds_them(text: str, switch: bool) -> None:
    from zdr.detect.validators import any_in

    assert runs.any_in(text, _SAME_WORDS) == any_in(text, _SAME_WORDS)
    if switch:
        assert runs.any_in(text, ("y",)) == any_in(text, ("y",))
    assert runs.any_in(text, _SAME_WORDS) == any_in(text, _SAME_WORDS)


def test_any_in_one_tuple_examples() -> None:
    assert runs.any_in("zzab", _SAME_WORDS) and runs.any_in("xa", _SAME_WORDS) is False
    assert runs.any_in("aaa", _SAME_WORDS) is False  # "aaaa" longer than the rest
    assert runs.any_in("zaxy", _SAME_WORDS) and runs.any_in("xxy$", _SAME_WORDS)
    assert runs.any_in("xb", _SAME_WORDS) and not runs.any_in("xé", _SAME_WORDS)
    assert runs.any_in("zéx", _SAME_WORDS) and runs.any_in("€éx", _SAME_WORDS)  # wide text


@given(st.text(alphabet="abcdxyz0129-_Aéÿ", max_size=40) | st.text(max_size=40))
def test_counts_up_as_the_reference_finds_it(low: str) -> None:
    from zdr.detect.validators import _counts_up_in_python

    assert runs.counts_up(low) == _counts_up_in_python(low)


def test_shannon_entropy_in_c_reads_one_byte_strings_only() -> None:
    with pytest.raises(ValueError, match="one-byte"):
        runs.shannon_entropy("€uro")


@given(st.text(alphabet="ab\x00é", max_size=8))
def test_placeholder_counts_distinct_characters_as_a_set_does(value: str) -> None:
    from zdr.detect.validators import _at_most_two_characters

    assert _at_most_two_characters(value) == (len(set(value)) <= 2)


_LABELS = ["PERSON", "EMAIL", "PHONE", "SECRET", "URL", "NOT_A_LABEL", "OTHER"]


@settings(max_examples=3000)
@given(
    st.lists(
        st.builds(
            lambda start, length, label: (start, start + length, label),
            st.integers(0, 40),
            st.integers(0, 12),
            st.sampled_from(_LABELS),
        ),
        max_size=14,
    )
)
def test_resolve_as_the_reference_resolves(found: list[tuple[int, int, str]]) -> None:
    from zdr.detect.engine import resolve
    from zdr.detect.model import PRIORITY, Span, span

    spans = [span(*f) for f in found]
    got = runs.resolve(list(spans), PRIORITY)
    assert got == resolve(list(spans)) and all(type(s) is Span for s in got)


def test_resolve_refuses_what_is_no_span() -> None:
    with pytest.raises(TypeError):
        runs.resolve([(1, 2, 3), (0, 1, "PERSON")], {})


@settings(max_examples=3000)
@given(st.text(alphabet="0123456789 -._aZé٣\n", max_size=40) | st.text(max_size=40))
def test_card_starts_as_the_regex_finds_them(text: str) -> None:
    from zdr.detect.card import card_starts

    assert runs.card_starts(text) == card_starts(text)


@settings(max_examples=3000)
@given(
    st.lists(
        st.sampled_from(
            [
                "1",
                "742",
                "1234567",
                "٣٤",
                "b",
                "B",
                "Main",
                "É",
                " ",
                "\n",
                ",",
                "-",
                "_",
                "\x1c",
                "x",
            ]
        )
    ).map("".join)
    | st.text(max_size=30)
)
def test_number_word_starts_as_the_regex_finds_them(text: str) -> None:
    from zdr.detect.address import number_word_starts

    assert runs.number_word_starts(text) == number_word_starts(text)


@settings(max_examples=3000)
@given(
    st.lists(
        st.sampled_from(
            ["Anna", "Ærø", "Émile", "O'Neil", "Jean-Pierre", "J.", "Mr.", "@", "×", "÷", "ß"]
            + ["a", "é", "ÿ", "À", "Þ", " ", "\n", ".", "_", "x" * 9, " " * 8, "[", "`"]
        ),
        max_size=30,
    ).map("".join)
)
def test_capitalised_words_of_one_byte_text_as_the_regex_finds_them(text: str) -> None:
    """Texts of one byte a character with long stretches without a capital letter: the
    C scan skips those eight characters at a time."""
    assert runs.capitalised_words(text) == capitalised_words(text)


@settings(max_examples=3000)
@given(
    st.lists(
        st.sampled_from(
            ["a", "é", "ÿ", "B", " ", "\n", "/", ":", "-", ".", "²", "½", "x" * 9, " " * 8]
            + ["1", "42", "4111 1111", "(030) 12"]
        ),
        max_size=30,
    ).map("".join)
)
def test_digit_scans_of_one_byte_text_as_the_references_find_them(text: str) -> None:
    """Texts of one byte a character with long stretches without a digit: the C scans
    skip those eight characters at a time."""
    from zdr.detect.address import number_word_starts
    from zdr.detect.card import card_starts

    assert runs.number_runs(text) == number_runs(text)
    assert runs.number_runs(text, False) == number_runs(text, False)
    assert runs.card_starts(text) == card_starts(text)
    assert runs.number_word_starts(text) == number_word_starts(text)


@settings(max_examples=3000)
@given(st.data())
def test_values_at_runs_as_the_reference_finds_them(data: st.DataObject) -> None:
    from zdr.detect.model import ALNUM_RUN, values_at_runs

    pieces = st.sampled_from([*_NAMES, "+44 20", "(415)", " ", "\n", "-", "_", "x", "é", "1", "😀"])
    text = data.draw(st.lists(pieces, max_size=20).map("".join) | st.text(max_size=30))
    values = data.draw(st.lists(pieces | st.text(max_size=6), max_size=6))
    index: dict[str, list[tuple[int, str]]] = {}
    for value in values:
        run = ALNUM_RUN.search(value)
        if run is not None:
            index.setdefault(run.group(), []).append((run.start(), value))
    offsets = data.draw(st.lists(st.integers(-3, 3), max_size=2))  # any offset is compared
    if index and offsets:
        next(iter(index.values())).extend((o, "x") for o in offsets)
    assert runs.values_at_runs(text, index) == values_at_runs(text, index)


def test_values_at_runs_examples() -> None:
    text = "Ana ana-Berg, Ana_x +44 20 1 Ana" + "a" * 70
    index = {
        "Ana": [(0, "Ana"), (0, "Ana ana")],
        "44": [(1, "+44 20")],
        "Ana" + "a" * 70: [(0, "Ana" + "a" * 70)],
        "Berg": [(4, "ana-Berg"), (9, "x")],
    }
    assert runs.values_at_runs(text, index) == [
        (0, "Ana"),
        (0, "Ana ana"),
        (4, "ana-Berg"),
        (14, "Ana"),
        (20, "+44 20"),
        (29, "Ana" + "a" * 70),
    ]
    with pytest.raises(TypeError):
        runs.values_at_runs(text, [])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        runs.values_at_runs(text, {"Ana": [("0", "Ana")]})  # type: ignore[dict-item]


@settings(max_examples=3000)
@given(
    st.lists(st.sampled_from([b":", b"\\", b"u", b"003", b"\\u003", b"a", b'"', b"\\\\u003a"])).map(
        b"".join
    )
    | st.binary(max_size=40)
)
def test_json_colons_as_the_reference_counts_them(body: bytes) -> None:
    assert runs.json_colons(body) == json_colons(body)


def test_json_colons_counts_or_refuses() -> None:
    assert runs.json_colons(b'{"a":"b:c"}') == 2
    assert runs.json_colons(b'{"a":"\\u003a"}') == -1
    assert runs.json_colons(b"\\u003") == -1
    assert runs.json_colons(b"\\u00") == 0
    with pytest.raises(TypeError):
        runs.json_colons("text")  # type: ignore[arg-type]


@settings(max_examples=3000)
@given(
    st.lists(st.sampled_from([b'"', b"\\", b'\\"', b"a", b":", b" ", b"\xc3\xa9"])).map(b"".join)
    | st.binary(max_size=40)
)
def test_json_strings_as_the_reference_finds_them(body: bytes) -> None:
    assert runs.json_strings(body) == json_strings(body)


def test_json_strings_reads_escapes() -> None:
    body = b'{"a\\"b": ["c\\\\", 1, "d"], "e": "unterminated'
    assert runs.json_strings(body) == [1, 7, 10, 15, 20, 23, 26, 29]
    with pytest.raises(TypeError):
        runs.json_strings("text")  # type: ignore[arg-type]


# What placeholder tells apart: its words' characters, brackets, quotes, "%" and "s",
# line breaks (a repeated unit holds none), digits and letters that count up, upper
# case, and letters whose lower case is ASCII or longer (Kelvin sign, dotted I).
_PLACEHOLDER_CHARS = "abcxyz0123{}[]()%s$<>.*\"'`_-\nXAé\u212a\u0130😀"
_PLACEHOLDER_UNITS = ("ab", "ab1", "abc", "xx", "your", "${", "a1b2", "\n", "token", "**")


@settings(max_examples=5000)
@given(
    st.text(alphabet=_PLACEHOLDER_CHARS, max_size=40)
    | st.lists(st.sampled_from(_PLACEHOLDER_UNITS), max_size=12).map("".join)
    | st.text(max_size=40)
)
def test_placeholder_as_the_reference_finds_it(value: str) -> None:
    from zdr.detect.validators import _NAMING_VALUES, _PLACEHOLDER_WORDS, _placeholder_in_python

    tables = (_PLACEHOLDER_WORDS, _NAMING_VALUES)
    assert runs.placeholder(value, *tables) == _placeholder_in_python(value, *tables)


def test_placeholder_examples() -> None:
    from zdr.detect.validators import _NAMING_VALUES, _PLACEHOLDER_WORDS, _placeholder_in_python

    tables = (_PLACEHOLDER_WORDS, _NAMING_VALUES)
    for value, expected in (
        ("AKIAIOSFODNN7EXAMPLE", True),  # a word, after lower-casing
        ("[PASSWORD]", True),
        ("%(token)s", True),
        ('"_token_"', True),  # a naming value once stripped
        ("aaaaaaab", True),  # two characters
        ("abcd1234abcd1234abcd1234", True),  # a unit repeated
        ('"abababababababab"', True),  # a unit repeated, quotes stripped
        ("ab\nab\nab\nab\nab\nab\n", False),  # "." takes no line break: no unit repeats
        ("abcdefghijklmnop", True),  # counts up
        ("Kq8mZ2vR7xW4pT9n", False),
        ("", True),  # no more than two characters
        ("(x)", True),
        ("(xyz", False),  # not closed
    ):
        assert (
            runs.placeholder(value, *tables) == _placeholder_in_python(value, *tables) == expected
        )
    with pytest.raises(TypeError):
        runs.placeholder(1, *tables)
    with pytest.raises(TypeError):
        runs.placeholder("a", list(_PLACEHOLDER_WORDS), _NAMING_VALUES)


@settings(max_examples=3000)
@given(st.text(alphabet="aabbcyz0129-_ZAé٣\u212a\u0130😀", max_size=40) | st.text(max_size=40))
def test_typed_stretch_as_the_reference_finds_it(value: str) -> None:
    from zdr.detect.validators import _typed_stretch_in_python

    assert runs.typed_stretch(value) == _typed_stretch_in_python(value)


def test_typed_stretch_reads_every_character_as_the_reference() -> None:
    """Each character of the Basic Multilingual Plane and a few above it, in a stretch
    (its lower case may be an ASCII letter or longer, it may be a digit elsewhere)."""
    from zdr.detect.validators import _typed_stretch_in_python

    for code in [*range(0xD800), *range(0xE000, 0x10000), 0x1D7D8, 0x1F600, 0x10FFFF]:
        for value in ("abcde" + chr(code), chr(code) * 6, "12345" + chr(code)):
            assert runs.typed_stretch(value) == _typed_stretch_in_python(value), hex(code)


# The person detector's bare words (names.bare_words).
WORD_CHARS = NAME_CHARS + "sS'’.İ"


@settings(max_examples=3000)
@given(st.text(alphabet=WORD_CHARS, max_size=60) | st.text(max_size=60))
def test_bare_words_as_the_reference_makes_them(text: str) -> None:
    from zdr.detect.names import bare_words

    tokens = capitalised_words(text)
    assert runs.bare_words(tokens) == bare_words(tokens)


@pytest.mark.parametrize(
    ("text", "bares"),
    [
        ("Dear Mr. O'Neil's J. Doe", ["dear", "mr", "o'neil", "j", "doe"]),
        ("Marcil's Tales’s Jean-Pierre.", ["marcil", "tales", "jean-pierre"]),
        ("İlker Ştefan ÇAĞLAR Ærø.", ["i̇lker", "ştefan", "ærø"]),  # İ lowers to two
        ("", []),
    ],
)
def test_bare_words_examples(text: str, bares: list[str]) -> None:
    from zdr.detect.names import bare_words

    tokens = capitalised_words(text)
    assert runs.bare_words(tokens) == bare_words(tokens) == bares


def test_bare_words_agree_on_written_text() -> None:
    """On texts people wrote (the probes' halves that may be read): each capitalised
    word's bare form."""
    from bench.eval.probes import PROBES, PROBES_E, PROBES_F

    from zdr.detect.names import bare_words

    texts = [case[0] for name, cases in PROBES.items() if "held" not in name for case in cases]
    texts += [case[0] for case in PROBES_E["E-dev"] + PROBES_F["F-dev"]]
    assert len(texts) > 300
    for text in texts:
        tokens = capitalised_words(text)
        assert runs.bare_words(tokens) == bare_words(tokens)


def test_bare_words_refuses_what_it_cannot_read() -> None:
    with pytest.raises(TypeError):
        runs.bare_words(((0, 4, "Anna"),))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        runs.bare_words([(0, 4)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        runs.bare_words([(0, 4, b"Anna")])  # type: ignore[list-item]


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
