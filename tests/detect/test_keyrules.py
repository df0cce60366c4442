"""Provider keys from gitleaks' rule set (keyrules.py) and keys with an issuer's prefix;
the values here are made up for these tests (not copied from any fixture)."""

from __future__ import annotations

import re

import pytest

from zdr.detect import DetectorSet
from zdr.detect.keyrules import _RULES, go_to_python

DETECT = DetectorSet()


def masked(text: str) -> set[str]:
    return {text[s.start : s.end] for s in DETECT.detect(text)}


def test_every_rule_compiles_in_python() -> None:
    assert len(_RULES) > 150
    for rule in _RULES:
        rule.regex()


@pytest.mark.parametrize(
    ("go", "python"),
    [
        (r"\b(LTAI(?i)[a-z0-9]{20})\b", r"\b(LTAI(?i:[a-z0-9]{20}))\b"),
        (r"x(?i)a|b", r"x(?i:a)|(?i:b)"),  # RE2 keeps the flag across "|" of its group
        (r"a[[:alnum:]]{3}\z", r"a[0-9A-Za-z]{3}\Z"),
        (r"(?i)start", r"(?i)start"),
    ],
)
def test_go_syntax_is_translated(go: str, python: str) -> None:
    assert go_to_python(go) == python
    re.compile(python)


@pytest.mark.parametrize(
    "key",
    [
        "glpat-" + "Zx81mQ2vLr5TbN0wKe7Y",  # GitLab
        "dop_v1_" + "4f9a0c3e" * 8,  # DigitalOcean
        "hvs." + "CAESIK3m9Qv0rTz8Lw2Xy5Bn7Jd1Hs4Fg6Ka0Pe3Uo9Ri" * 2,  # Vault
        "xapp-1-A0B1C2D3E4F-4821905736214-"
        + "a4c123b1612dd272d1371c17149d439536b3216fdaeeb975729fae923d5a4fd1",  # Slack app token
    ],
)
def test_provider_keys_are_found_without_a_name(key: str) -> None:
    text = f"copied from the console: {key}\n"
    assert any(key.startswith(m) or m.startswith(key[:12]) for m in masked(text)), text


@pytest.mark.parametrize(
    "key",
    [
        "vcx_" + "Q7mZ2kP9xR4tLw8Nv3Bc6Hj1Fd5Sg0Ay7Eu2Io4",  # an issuer's prefix, long body
        "acme_pat_" + "b9F2kQ7mZx4Lr8Tv1Nw6Hc3Jd5Sg0Ay7E",
    ],
)
def test_a_key_with_an_issuer_prefix_is_found(key: str) -> None:
    assert key in masked(f"use {key} for the deploy"), key


@pytest.mark.parametrize(
    "text",
    [
        "charge id pi_3MtwBwLkdIwHu7ix28a3tqPa was refunded",  # an object id: short body
        "sha_" + "9f8e7d6c5b4a3f2e1d0c" * 2,  # one case: a hash
        "sk_live_" + "A" * 24,  # filler in a key's shape
        "hf_" + "Fake" * 9,
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_ids_hashes_and_fillers_are_left_alone(text: str) -> None:
    assert not any(len(m) > 12 for m in masked(text)), (text, masked(text))


# detect-secrets' key shapes (data/detect_secrets.toml): keys found by their shape alone,
# with no provider's name around them. Made-up values of the documented formats.
@pytest.mark.parametrize(
    "key",
    [
        "xoxp-" + "418230-557201-906124-" + "c7e2a9d0b4f13e8a65",  # Slack, older shape
        "8130274659:" + "AAF3kQz8Lr2vN7xWb0Tm5Hc9Jd4Sg1Ay6Eu",  # Telegram bot token
        "pypi-AgENdGVzdC5weXBpLm9yZw" + "Iq7Zk2Lm9Rx4Tv8Nw3Bc6Hj1Fd5Sg0Ay" * 3,  # test.pypi.org
        "9c1e7a3f5b2d8e4a6c0f9b1d3e7a5c2f-us14",  # Mailchimp
        "AC" + "4f9a0c3e7b1d" * 2 + "5e8a2c6f",  # Twilio account SID
    ],
)
def test_detect_secrets_shapes_are_found_without_a_name(key: str) -> None:
    text = f"pasted it here: {key} (rotated since)\n"
    assert key in masked(text), text


@pytest.mark.parametrize(
    "text",
    [
        # A bot token inside a longer word is not one standing alone (as the plugin reads
        # a line); an identifier in capitals is no Artifactory password.
        "GET /bot8130274659:AAF3kQz8Lr2vN7xWb0Tm5Hc9Jd4Sg1Ay6Eu/getMe",
        'the build uses "APACHEKAFKASTREAMS" as its group',
        "slack: https://hooks.slack.com/services/Txxxxxxxx/Bxxxxxxxx/xxxxxxxxxxxxxxxxxxxxxxxx",
        "xoxb-" + "1234567890-1234567890-abcdefghijklmnopqrstuvwx",  # a filler counting up
    ],
)
def test_shapes_in_words_and_fillers_are_left_alone(text: str) -> None:
    assert not any(len(m) >= 16 for m in masked(text)), (text, masked(text))
