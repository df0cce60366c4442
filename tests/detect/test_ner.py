"""The optional named-entity backend (detection.ner) with a real spaCy pipeline: a
blank English pipeline whose entity ruler knows two names the built-in detectors do
not, saved to a directory and loaded from there as a configured model would be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy

from tests.conftest import GatewayFactory
from zdr.config import DetectionSettings
from zdr.detect import DetectorSet
from zdr.detect.configured import detector_set
from zdr.detect.ner import SpacyDetector
from zdr.errors import ConfigError
from zdr.fake.openai import FakeOpenAI

NAMES = ["Zorblax Quennington", "Yttria Quorvendale"]  # in no name list, no cue
TEXT = f"The file was sent by {NAMES[0]} yesterday, and {NAMES[1]} signed it at Acme Widgets."


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nlp = spacy.blank("en")
    ruler: Any = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [{"label": "PERSON", "pattern": name} for name in NAMES]
        + [{"label": "ORG", "pattern": "Acme Widgets"}]
    )
    path = tmp_path_factory.mktemp("pipeline")
    nlp.to_disk(path)
    return path


def people(text: str, detectors: DetectorSet) -> list[str]:
    return [text[s.start : s.end] for s in detectors.detect(text) if s.label == "PERSON"]


def test_the_built_in_detectors_alone_miss_these_names() -> None:
    assert people(TEXT, DetectorSet()) == []


def test_the_model_adds_its_person_entities(pipeline_dir: Path) -> None:
    detectors = detector_set(DetectionSettings(ner={"model": str(pipeline_dir)}))
    assert people(TEXT, detectors) == NAMES  # ORG is not mapped to a zdr label


def test_entity_labels_map_to_zdr_labels(pipeline_dir: Path) -> None:
    detector = SpacyDetector(str(pipeline_dir), {"ORG": "PERSON"})
    detectors = DetectorSet([], extra=[detector])
    assert people(TEXT, detectors) == ["Acme Widgets"]


def test_bad_settings_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"detection\.ner\.model"):
        SpacyDetector(str(tmp_path / "no-such-pipeline"), {"PERSON": "PERSON"})
    with pytest.raises(ConfigError, match=r"detection\.ner\.labels"):
        SpacyDetector(str(tmp_path), {"PERSON": "NAME"})


def test_the_gateway_masks_what_the_model_finds(
    gateway_factory: GatewayFactory, fake: FakeOpenAI, pipeline_dir: Path
) -> None:
    gw = gateway_factory({"detection": {"ner": {"model": str(pipeline_dir)}}})
    reply = gw.client().chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": TEXT}]
    )
    sent = fake.requests[-1].body.decode()
    assert NAMES[0] not in sent and NAMES[1] not in sent and "[PERSON_" in sent
    assert reply.choices[0].message.content == f"You said: {TEXT}"
