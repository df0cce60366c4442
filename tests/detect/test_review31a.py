"""review31a: failing inputs found reviewing lead31 (4cb5b3d..e7220c0)."""

from __future__ import annotations

import pytest

from zdr.detect import DetectorSet

DETECT = DetectorSet()


def labelled(text: str, label: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECT.detect(text) if s.label == label]


@pytest.mark.parametrize(
    "text",
    [
        # must-fix: an ordinary word and the sentence's full stop is no password
        "The password for your account is incorrect.",
        "A password for the account is required.",
        "Das Passwort für das Konto ist erforderlich.",
        "Het wachtwoord voor dit account is verlopen.",
        "Le mot de passe du compte est incorrect.",
        "A senha do usuário é obrigatória.",
        "Das Passwort für den Admin-Zugang ist abgelaufen: bitte neu setzen.",
    ],
)
def test_an_error_message_about_a_password_holds_none(text: str) -> None:
    assert labelled(text, "SECRET") == []


@pytest.mark.parametrize(
    "text",
    [
        # must-fix: the new phone words are found inside other words
        "Is this number 2147483647 the max int?",  # "his number"
        "Pick another number: 2125551234 was already taken.",  # "her number"
        "The other number 3125550143 is the invoice total in cents.",
        "Four numbers: 2125551234 and more",  # "our number"
        "Use a dummy number like 6175550199 in tests.",  # "my number"
        "Right-click to open the context menu 4155552671 times",  # "text me"
        "a radial distance of 2125551234 meters",  # "dial "
    ],
)
def test_phone_words_inside_other_words_are_no_cue(text: str) -> None:
    assert labelled(text, "PHONE") == []


@pytest.mark.parametrize(
    "text",
    [
        # must-fix: Brazil's types at a sentence's start, before a year or a count
        "Conjunto de dados 3 foi carregado com sucesso.",
        "Setor de vendas 3 cresceu 12% no trimestre.",
        "Setor Público, 2023: receitas cresceram.",
        "Morro do Chapéu, 2019: chuvas fortes.",
        "Conjunto A, 5 elementos; Conjunto B, 7 elementos.",
        "Jardim Botânico 2 ingressos esgotados",
        "Morro Bay 3 nights at the Inn",
    ],
)
def test_brazils_street_types_in_prose_are_no_address(text: str) -> None:
    assert labelled(text, "STREET_ADDRESS") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # should-fix: a number in the phone's own label ("24h") hides its phone word
        ("Phone (24h) for booking: 415-555-0132", "415-555-0132"),
        ("call me after 3pm re booking 415-555-0132", "415-555-0132"),
    ],
)
def test_a_digit_in_the_phones_label_keeps_its_phone_word(text: str, value: str) -> None:
    assert labelled(text, "PHONE") == [value]


@pytest.mark.parametrize(
    "text",
    [
        # should-fix: _WORD_THEN_VALUE's verbs lack war/è/es/é that _WHAT_FOR admits
        "der Token für die Registry war Qm7rT2xKp9LzW4nVb8Hc",
        "il token per il registro è Qm7rT2xKp9LzW4nVb8Hc",
        "el token para el registro es Qm7rT2xKp9LzW4nVb8Hc",
    ],
)
def test_a_token_said_with_what_it_is_for_in_each_language(text: str) -> None:
    assert "Qm7rT2xKp9LzW4nVb8Hc" in labelled(text, "SECRET")


def test_one_long_line_of_dates_is_read_in_linear_time() -> None:
    # should-fix: each date counted the separators from its line's start (quadratic)
    import time

    started = time.perf_counter()
    DETECT.detect("born;" + "1990-01-02;" * 20000)  # 220 kB on one line
    assert time.perf_counter() - started < 2.0
