"""Makes ``street_types.txt`` (the street-type words of the address detector) from
libpostal's address dictionaries (run at commit time; the file it writes is committed,
the source is not):

    # a git snapshot of openvenues/libpostal (MIT) at the commit below
    python src/zdr/detect/data/streets.py /path/to/libpostal.git

libpostal (openvenues/libpostal, MIT) is the address parser most address tools build
on; its ``resources/dictionaries/<language>/`` lists, per language, the words that
name a kind of street with their abbreviations (``street_types.txt``) and the ones
written as the end of a one-word street name (``concatenated_suffixes_*.txt``:
Linden*straße*, Kosk*ikatu*, Nyby*vägen*). The parser itself needs a 2 GB model and
parses one address it is given; it does not find addresses in running text, so zdr
reads only these word lists.

What is written, one ``kind<TAB>word`` a line:

- ``after``: a street type written after the name, as its own word or as the end of
  one word, then the house number (German, Dutch, Danish, Swedish, Norwegian,
  Finnish, Icelandic): ``Villacher Straße 89``, ``Keizersgracht 123``,
  ``Karl Johans gate 1``.
- ``suffix``: the same, but only ever the end of one word (Finnish, Icelandic:
  ``Koskikatu 25``, ``Fagradalsbraut 7``): bare, "tie" or "tori" are other words.
- ``before``: a street type written before the name (French, Spanish, Italian,
  Portuguese, Polish): ``rue``, ``calle``, ``viale``, ``travessa``, ``ulica``/``ul.``.

Each entry's canonical form and its variants are kept, but no variant with a word of
fewer than five letters ("c", "pl", "trav", "g bd"): bare or with a dot, such
abbreviations are ordinary syllables or words (the detector's own few, ``str.``,
``av.``, ``ul.``, are in its code). Words that are as often something else (a
place-name ending such as -berg or -land, "park", "station", "contra", "alle") are
left out below: a rule that fires on them would mask ordinary words next to a number.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMIT = "4c030d8ff2fcf59c26510f68823c28a2346034d4"
AFTER = ("de", "nl", "da", "sv", "nb", "fi", "is")
BEFORE = ("fr", "es", "it", "pt", "pl")
# Languages that write the street type only as the end of one word (Koskikatu).
SUFFIX_ONLY = ("fi", "is")
FILES_AFTER = (
    "street_types",
    "concatenated_suffixes_separable",
    "concatenated_suffixes_inseparable",
)
# Not street types in running text: place-name endings, ordinary nouns and adjectives.
LEFT_OUT = frozenset(
    # German
    "autobahn bach bad bahnhof brücke brucke bruecke bühl buhl buehl forsthaus graben "
    "großser grosser große grosse großes grosses heiligen hof kamp obere oberer oberes "
    "quelle siedlung untere unterer unteres wiese berg burg dorf kogel universität "
    "universitat universitaet burgermeister kreuz markt boulevard "
    # Dutch
    "lange lang verlengde park leane loane gebouw plain "
    # Danish, Swedish, Norwegian
    "anlæg anlaeg bakken banen boulevarden buen dammen dossering gangen get grænsen "
    "haven have havn høj hoj højen hojen holmen huset kær kaer krænten kraenten længen "
    "laengen marken parken passagen siden svinget toften vangen varden gård gaard liden "
    "plan bukt byen dalen flate lia stortorget "
    # Finnish
    "alue penger rinne ranta puisto puistikko taival kaari "
    # Icelandic
    "barð baro borg borgir byggð byggo fell gerði geroi grund hagi háls hals hjalli hlíð "
    "hlio holt land lundur melur múli muli nes sel sendi vangur vellir "
    # French
    "anse bois camp campagne champ col cour espace patio métro metro mét met foyer "
    "hameau parc parcs port berge berges butte contour enclave enclos garenne grille "
    "station stade village ville zone pass passe passage plage plaine plateau terrain "
    "residence pointe pont rampe vallee vallée vallon square cours clos chalet château "
    "chateau arcade contra rang cares carre carré cupa sente sents terte tertes passes "
    "plages plags ponts corte lungo genna genne alle "
    # Spanish
    "acceso banda costera diseminado espalda extensión extension interior particular "
    "paso pueblo puente sector vista poblado puebla barranco barranquillo cantera "
    "cinturón cinturon mirador muelle pantano paraje hacienda ladera laderas llanura "
    "camping apeadero diagonal retorno rincón rincon ruta tránsito transito "
    # Italian
    "alto arco campo casale cascina costa fondo forca foro monte porta portici portico "
    "presso rio riva ripa sacca scala scale scali stazione varco villa volta zona "
    "baluardo bivio brigata canale chiusa galleria gallerie interrato logge molo "
    "ponte quartiere regione rotabile sestiere spalto supportico "
    # Portuguese
    "bairro direito esquerdo frei frente lugar ponto sitio parada volta vila zona quinta "
    "câmara camara "
    # Polish
    "park rondo rynek wyspa droga".split()
)


def _read(repo: Path, lang: str, name: str) -> list[str]:
    path = f"resources/dictionaries/{lang}/{name}.txt"
    shown = subprocess.run(
        ["git", "--git-dir", str(repo), "show", f"{COMMIT}:{path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return shown.stdout.splitlines() if shown.returncode == 0 else []


def _forms(line: str) -> list[str]:
    out: list[str] = []
    for k, form in enumerate(line.strip().lower().split("|")):
        form = form.strip()
        if not form or form in LEFT_OUT:
            if k == 0:
                return []  # the canonical form is left out: all its variants too
            continue
        letters = form.replace(".", "").replace("'", "")
        if not letters.replace(" ", "").isalpha():
            continue
        if k > 0 and min(len(w) for w in letters.split()) < 5:
            continue  # "c", "pl", "trav", "g bd": such abbreviations are ordinary syllables
        out.append(form)
    return out


def main(repo: Path) -> None:
    rows: set[tuple[str, str]] = set()
    for lang in AFTER:
        kind = "suffix" if lang in SUFFIX_ONLY else "after"
        for name in FILES_AFTER:
            for line in _read(repo, lang, name):
                rows.update((kind, f) for f in _forms(line) if " " not in f)
    for lang in BEFORE:
        for line in _read(repo, lang, "street_types"):
            rows.update(("before", f) for f in _forms(line))
    if not rows:
        sys.exit("no dictionary read: is the path a git directory of libpostal?")
    header = (
        f"# Street types from libpostal's dictionaries (openvenues/libpostal @ {COMMIT[:8]}, "
        "MIT), made by streets.py\n"
    )
    body = "".join(f"{kind}\t{word}\n" for kind, word in sorted(rows))
    (HERE / "street_types.txt").write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
