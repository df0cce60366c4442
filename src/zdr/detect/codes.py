"""Short secrets said with their name: PINs, meeting passcodes, card security codes,
one-time and door codes ("PIN: 4471", "Passcode: 719204", "cvv 417", "the door code
is 4472B", "digicode 4472B"). Alone such a value is a number like any other; its name
right before it is what makes it a secret."""

from __future__ import annotations

import re
from typing import Final

from zdr.detect.model import Span, span
from zdr.detect.scan import Anchor, Text, matches_at
from zdr.detect.secrets import VERBS

# Names of a code, in the claimed languages, each followed by what cannot continue a
# word (so "ping", "pinned", "otpauth" are not names). "pin code" and "pincode" are
# also India's postal code: a value there is masked all the same, as a secret.
_PIN_NAMES: Final = r"pin|pin code|pin number|pincode|pin-code|code pin|código pin|codice pin"
_CVV_NAMES: Final = r"cvv|cvv2|cvc|cvc2|csc|card security code|security code|cryptogramme"
_OTHER_NAMES: Final = (
    r"passcode|pass code|verification code|one-time code|one time code|otp|"
    r"door code|gate code|alarm code|entry code|access code|lock code|keycode|digicode|"
    r"code d'accès|code de sécurité|geheimzahl|türcode|sicherheitscode|zugangscode|"
    r"código de seguridad|código de acceso|código de segurança|código de acesso|"
    r"codice di sicurezza|codice d'accesso|toegangscode|beveiligingscode"
)
# Between the name and the value: a key's closing quote, a colon, "=", "is"/"was" and
# their forms in the languages the secret detector reads (its VERBS), "#", quotes;
# nothing longer (a value said further on is a count or a date as often: "security
# code review 2024").
_LINK: Final = (
    rf"[\"']?(?:[ \t]*(?::|=|-|is now|was changed to|{VERBS})(?![^\W\d_]))*"
    r"[ \t]*[\"'“‘#]?"
)
# The value: 3 to 8 characters, digits but for at most one letter (a door's "4472B").
_VALUE: Final = r"(?P<value>\d(?:\d|[A-Za-z](?!\d*[A-Za-z])){2,7})(?![\w-]|[.,]\d)"
_CODE: Final = re.compile(
    rf"(?:(?P<pin>{_PIN_NAMES})|(?P<cvv>{_CVV_NAMES})|{_OTHER_NAMES}){_LINK}{_VALUE}"
)


class CodeDetector:
    name = "codes"
    labels = ("SECRET",)
    anchored = True
    anchors = (
        Anchor(
            "code.name",
            rf"(?:{_PIN_NAMES}|{_CVV_NAMES}|{_OTHER_NAMES})[^a-z0-9]",
            lower=True,
            word_start="",
        ),
    )

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        for m in matches_at(_CODE, t.low, t.spans("code.name")):
            value = m.group("value")
            digits = sum(c.isdigit() for c in value)
            if m.group("pin") is not None and digits < 4:
                continue  # a chip's pin ("pin 13"); a card's PIN has four or more
            if m.group("cvv") is not None and len(value) > 4:
                continue  # a card's code has three or four digits
            if digits < 3:
                continue
            out.append(span(m.start("value"), m.end(), "SECRET"))
        return out
