"""Builds evaluation sets from other projects' public test fixtures, in the labelled
format of ../shared/pii-dev (one JSON record a line: text, spans, decoys, template).

    python bench/eval/build.py [--mirrors /work/.mirror] [--out bench/eval/data]

Each source is read from a local git snapshot at the commit pinned in SOURCES (with
its licence), never from a moving branch. The records are evaluation data only:
nothing here is used as a lexicon or a rule, and the files written are not committed
(bench/eval/data is ignored by git; this script makes them again).

Every record carries ``split``: "dev" or "heldout", decided by a hash of its group
(the rule, recognizer or template it comes from), so that cases written from one
template never sit on both sides. bench/eval/score.py shows examples of misses only
for "dev": the held-out part is scored, never read while writing rules.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import random
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Source:
    name: str
    repo: str
    commit: str
    licence: str
    paths: str  # what is read, for the record


SOURCES = (
    Source(
        "gitleaks",
        "gitleaks/gitleaks",
        "b58d3f102cf3a2c84cb7f923d05c25c9b1aed84b",
        "MIT",
        "cmd/generate/config/rules/*.go (tps/fps of each rule), config/gitleaks.toml",
    ),
    Source(
        "secretlint",
        "secretlint/secretlint",
        "18346ba31b8173d52060b971221ab38c1943def0",
        "MIT",
        "packages/@secretlint/secretlint-rule-*/test/snapshots/{ng,ok}.*/input*",
    ),
    Source(
        "presidio",
        "microsoft/presidio",
        "0aa9f8e44275cb52c00fbbebe19168e934e1f076",
        "MIT",
        "presidio-analyzer/tests/test_*_recognizer.py (parametrized text/positions)",
    ),
    Source(
        "presidio-research",
        "microsoft/presidio-research",
        "7622dec1e5f7d25dc60b57c28c39f4c4af197018",
        "MIT",
        "data/synth_dataset_v2.json (synthetic sentences with labelled spans)",
    ),
    Source(
        "detect-secrets",
        "Yelp/detect-secrets",
        "5e141933554a0b74e7341841f318be21e895339c",
        "Apache-2.0",
        "tests/plugins/*_test.py (parametrized payload/should_flag, keyword_test.py's cases)",
    ),
    Source(
        "trufflehog",
        "trufflesecurity/trufflehog",
        "3ab759fef4bb5935d4fe9ac68b503d05346b8364",
        "AGPL-3.0 (read as evaluation data only; nothing of it is committed)",
        "pkg/detectors/**/*_test.go (pattern tests: input and the keys it must yield)",
    ),
)

HELDOUT_SHARE = 0.4


def split_of(source: str, group: str) -> str:
    digest = hashlib.sha256(f"{source}/{group}".encode()).digest()
    return "heldout" if digest[0] < 256 * HELDOUT_SHARE else "dev"


class Snapshot:
    def __init__(self, mirrors: Path, source: Source) -> None:
        self.git = mirrors / source.repo.replace("/", "+") / "repo"
        self.commit = source.commit
        if not self.git.exists():
            raise SystemExit(f"{source.name}: no snapshot at {self.git} (fetch {source.repo})")

    def files(self) -> list[str]:
        out = subprocess.run(
            ["git", f"--git-dir={self.git}", "ls-tree", "-r", "--name-only", self.commit],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.splitlines()

    def read(self, path: str) -> str:
        out = subprocess.run(
            ["git", f"--git-dir={self.git}", "show", f"{self.commit}:{path}"],
            capture_output=True,
            check=True,
        )
        return out.stdout.decode("utf-8", "replace")


# How the fixtures' false positives are told apart, independently of any detector: a
# value that only stands in for one (filler runs, documentation words, templates) is a
# plain look-alike; the rest are real-shaped values another rule would own.
_PLACEHOLDER = re.compile(
    r"(.)\1{5}|example|sample|fake|dummy|your|placeholder|changeme|\$\{|\{\{|<[\w -]+>|\[[A-Z_]+\]",
    re.IGNORECASE,
)


# A positive that only stands in for a secret: a filler run, a short unit repeated, a
# documentation word. The issue asks for these to be left alone, so such a fixture
# "positive" is scored as a placeholder look-alike, in every secret source.
# A run of 7 characters counting up or down, in the order of hex and base 36 (digits,
# then letters), is a writer's filler either way: the fixtures write the same key
# counting up and counting down (secretlint's `dapi0123456789ABCDEF...` beside
# `dapiFEDCBA9876543210...`, `gsk_zYxWvUt...9876543210`). Until stop 32 only runs
# counting up within digits or within letters were read as fillers, which scored the
# twin counting down as a secret. (A random hex key of 40 holds one about once in 10^7.)
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_COUNTING = "|".join(
    run[i : i + 7] for run in (_BASE36, _BASE36[::-1]) for i in range(len(run) - 6)
)
_FILLER = re.compile(
    rf"(.)\1{{5}}|(.{{2,8}})\2{{3}}|{_COUNTING}|example|sample|fake|dummy|placeholder"
    r"|^(?:password|passwd|secret|token|test|pass)$",
    re.IGNORECASE,
)


def look_alike_kind(text: str) -> str:
    return "placeholder" if _PLACEHOLDER.search(text) else "other"


def record(
    source: str,
    group: str,
    text: str,
    secrets: list[tuple[str, str]] | None = None,
    spans: list[tuple[int, int, str]] | None = None,
    decoy: bool = False,
    kind: str = "",
    fillers: list[str] | None = None,
) -> dict:
    """One labelled record. ``secrets`` are (value, label): every occurrence is a span;
    a ``decoy`` record is a look-alike whose whole text must stay unmasked; ``fillers``
    are placeholder values in it, each occurrence a look-alike."""
    out_spans = []
    for value, label in secrets or ():
        pos = text.find(value)
        while pos >= 0:
            out_spans.append(
                {"start": pos, "end": pos + len(value), "label": label, "value": value}
            )
            pos = text.find(value, pos + len(value))
    for start, end, label in spans or ():
        out_spans.append({"start": start, "end": end, "label": label, "value": text[start:end]})
    decoys = (
        [{"start": 0, "end": len(text), "kind": kind or look_alike_kind(text), "value": text}]
        if decoy
        else []
    )
    for value in fillers or ():
        pos = text.find(value)
        while pos >= 0:
            decoys.append(
                {"start": pos, "end": pos + len(value), "kind": "placeholder", "value": value}
            )
            pos = text.find(value, pos + len(value))
    return {
        "text": text,
        "spans": out_spans,
        "decoys": decoys,
        "template": group,
        "category": source,
        "locale": "?",
        "negative": not out_spans,
        "split": split_of(source, group),
    }


# --- gitleaks: each rule's true and false positives, as its generator writes them ---------


class _GoExpr:
    """Evaluates the few Go expressions gitleaks' rule files build samples with:
    string literals joined by +, secrets.NewSecret(regex) and the utils helpers.
    Each value is a list of (text, secret or None)."""

    _TOKEN = re.compile(
        r'\s*(?:(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<raw>`[^`]*`)|(?P<name>[A-Za-z_][\w.]*)'
        r"|(?P<op>\.\.\.|[()+,{}\[\]]))",
        re.S,
    )
    _CLASSES = {
        "utils.Numeric": "[0-9]{%s}",
        "utils.Hex": "[a-f0-9]{%s}",
        "utils.AlphaNumeric": "[a-z0-9]{%s}",
        "utils.AlphaNumericExtendedShort": "[a-z0-9_-]{%s}",
        "utils.AlphaNumericExtended": "[a-z0-9=_\\-]{%s}",
        "utils.AlphaNumericExtendedLong": "[a-z0-9\\/=_\\+\\-]{%s}",
    }

    def __init__(self, src: str, rng: random.Random, templates: dict[str, str]) -> None:
        self.tokens = [(m.lastgroup, m.group(m.lastgroup)) for m in self._TOKEN.finditer(src)]
        self.i = 0
        self.rng = rng
        self.templates = templates

    def peek(self) -> tuple[str | None, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, "")

    def take(self, value: str | None = None) -> tuple[str | None, str]:
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise ValueError(f"expected {value!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def items(self) -> list[tuple[str, str | None]]:
        """Comma-separated expressions up to the closing bracket."""
        out: list[tuple[str, str | None]] = []
        while self.peek()[1] not in ("}", ")", ""):
            out.extend(self.expr())
            if self.peek()[1] == "...":
                self.take()
            if self.peek()[1] == ",":
                self.take()
        return out

    def expr(self) -> list[tuple[str, str | None]]:
        parts = [self.term()]
        while self.peek()[1] == "+":
            self.take()
            parts.append(self.term())
        if any(len(p) != 1 for p in parts):
            if len(parts) == 1:
                return parts[0]
            raise ValueError("+ of a list")
        text = "".join(p[0][0] for p in parts)
        secret = next((p[0][1] for p in parts if p[0][1] is not None), None)
        if secret is not None and len(parts) > 1:
            secret = text  # a prefix joined to a generated secret belongs to it
        return [(text, secret)]

    def term(self) -> list[tuple[str, str | None]]:
        kind, value = self.take()
        if kind == "str":
            return [(ast.literal_eval(value), None)]
        if kind == "raw":
            return [(value[1:-1], None)]
        if kind == "name":
            if value == "secrets.NewSecret":
                self.take("(")
                ((pattern, _),) = self.expr()
                self.take(")")
                generated = generate(pattern, self.rng)
                return [(generated, generated)]
            if value in self._CLASSES:
                self.take("(")
                ((size, _),) = self.expr()
                self.take(")")
                return [(self._CLASSES[value] % size, None)]
            if value == "utils.Hex8_4_4_4_12":
                self.take("(")
                self.take(")")
                h = "[0-9a-f]"
                return [(f"{h}{{8}}-{h}{{4}}-{h}{{4}}-{h}{{4}}-{h}{{12}}", None)]
            if value in ("utils.GenerateSampleSecrets", "utils.GenerateSampleSecret"):
                self.take("(")
                ((ident, _),) = self.expr()
                self.take(",")
                ((secret, _),) = self.expr()
                self.take(")")
                shapes = (
                    self.templates.values() if value.endswith("s") else ['{i}_api_token = "{s}"']
                )
                return [
                    (
                        t.replace("{i}", ident)
                        .replace("{I}", ident.upper())
                        .replace("{s}", secret),
                        secret,
                    )
                    for t in shapes
                ]
            if value == "append":
                self.take("(")
                self.take()  # the slice appended to
                self.take(",")
                out = self.items()
                self.take(")")
                return out
        if value == "[" and self.take("]") and self.take()[1] == "string":
            self.take("{")
            out = self.items()
            self.take("}")
            return out
        raise ValueError(f"cannot read {value!r}")


def generate(pattern: str, rng: random.Random) -> str:
    """A random string that the regular expression matches (the subset rule files use)."""
    import re._parser as sre  # type: ignore[import-not-found]

    def walk(items) -> str:
        out = []
        for op, av in items:
            name = str(op)
            if name == "LITERAL":
                out.append(chr(av))
            elif name == "IN":
                choices: list[str] = []
                for iop, iav in av:
                    if str(iop) == "LITERAL":
                        choices.append(chr(iav))
                    elif str(iop) == "RANGE":
                        choices.extend(map(chr, range(iav[0], iav[1] + 1)))
                    elif str(iop) == "CATEGORY":
                        choices.extend("abcdefghijklmnopqrstuvwxyz0123456789")
                out.append(rng.choice(choices or ["a"]))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = av
                high = min(high, low + 8) if high > low else low
                out.extend(walk(sub) for _ in range(rng.randint(low, high)))
            elif name == "SUBPATTERN":
                out.append(walk(av[-1]))
            elif name == "BRANCH":
                out.append(walk(rng.choice(av[1])))
            elif name == "ANY":
                out.append(rng.choice("abcdefghijklmnop0123456789"))
            elif name == "CATEGORY":
                out.append(rng.choice("abcdefghijk0123456789"))
            elif name in ("AT", "ASSERT", "ASSERT_NOT"):
                continue
            else:
                raise ValueError(f"cannot generate {name}")
        return "".join(out)

    return walk(sre.parse(pattern))


def _sample_templates(generate_go: str) -> dict[str, str]:
    """The shapes GenerateSampleSecrets writes a secret in (those not commented out)."""
    body = generate_go.split("func GenerateSampleSecrets", 1)[1].split("replacer", 1)[0]
    out: dict[str, str] = {}
    for line in body.splitlines():
        m = re.match(r'\s*"([^"]+)":\s*("(?:[^"\\]|\\.)*"|`[^`]*`),\s*(?://.*)?$', line)
        if m:
            lit = m.group(2)
            out[m.group(1)] = ast.literal_eval(lit) if lit[0] == '"' else lit[1:-1]
    return out


def _statements(body: str, var: str) -> Iterator[str]:
    """Each statement that assigns or appends to ``var`` (tps or fps), its right side."""
    for m in re.finditer(rf"\b{var}\s*(?::=|=)\s*", body):
        start = m.end()
        depth, i = 0, start
        while i < len(body):
            c = body[i]
            if c in '`"':
                end = body.find(c, i + 1) if c == "`" else _string_end(body, i)
                i = end + 1
                continue
            if body.startswith("//", i):
                i = body.find("\n", i)
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            elif c == "\n" and depth == 0:
                break
            i += 1
        yield _strip_comments(body[start:i])


def _string_end(text: str, i: int) -> int:
    j = i + 1
    while text[j] != '"':
        j += 2 if text[j] == "\\" else 1
    return j


def _strip_comments(src: str) -> str:
    out, i = [], 0
    while i < len(src):
        c = src[i]
        if c in '`"':
            end = src.find(c, i + 1) if c == "`" else _string_end(src, i)
            out.append(src[i : end + 1])
            i = end + 1
        elif src.startswith("//", i):
            nl = src.find("\n", i)
            i = len(src) if nl < 0 else nl
        else:
            out.append(c)
            i += 1
    return "".join(out)


def gitleaks(snap: Snapshot) -> Iterator[dict]:
    config = tomllib.loads(snap.read("config/gitleaks.toml"))
    rules = {r["id"]: r for r in config["rules"]}
    templates = _sample_templates(snap.read("cmd/generate/config/utils/generate.go"))
    for path in sorted(snap.files()):
        if not (path.startswith("cmd/generate/config/rules/") and path.endswith(".go")):
            continue
        if path.endswith("_test.go"):
            continue
        src = snap.read(path)
        for fn in re.split(r"\nfunc ", src)[1:]:
            rule_id = re.search(r'RuleID:\s*"([^"]+)"', fn)
            if rule_id is None:
                continue
            rid = rule_id.group(1)
            rule = rules.get(rid)
            rng = random.Random(rid)
            for var in ("tps", "fps"):
                for stmt in _statements(fn, var):
                    try:
                        cases = _GoExpr(stmt, rng, templates).expr()
                    except (ValueError, SyntaxError, IndexError, re.error):
                        continue
                    for text, secret in cases:
                        if var == "fps":
                            yield record("gitleaks", rid, text, decoy=True)
                            continue
                        if secret is None:
                            secret = _rule_secret(rule, text)
                        if secret and _FILLER.search(secret):
                            yield record("gitleaks", rid, text, fillers=[secret])
                        elif secret:
                            yield record("gitleaks", rid, text, [(secret, "API_KEY")])


def _rule_secret(rule: dict | None, text: str) -> str | None:
    """The secret in a literal true positive: what the rule's own regex captures."""
    if rule is None or "regex" not in rule:
        return None
    pattern = rule["regex"]
    try:
        found = re.search(pattern, text)
    except re.error:
        return None
    if found is None:
        return None
    group = rule.get("secretGroup") or (1 if found.re.groups else 0)
    try:
        value = found.group(group)
    except IndexError:
        value = found.group(0)
    return value or None


# --- secretlint: each rule's snapshot inputs; ng.* hold secrets, ok.* none --------------

_SECRETLINT_SKIP = ("preset-", "filter-comments", "no-homedir", "no-dotenv", "pattern", "example")


def secretlint(snap: Snapshot) -> Iterator[dict]:
    cases: dict[str, dict[str, str]] = {}
    for path in snap.files():
        m = re.match(
            r"packages/@secretlint/secretlint-rule-([^/]+)/test/snapshots/((?:ng|ok)\.[^/]+)/(.+)$",
            path,
        )
        if m and not any(s in m.group(1) for s in _SECRETLINT_SKIP):
            cases.setdefault(f"{m.group(1)}/{m.group(2)}", {})[m.group(3)] = path
    for case, files in sorted(cases.items()):
        if ".secretlintrc.json" in files:
            continue  # a case about the rule's options, not its defaults
        inputs = [p for name, p in files.items() if name.startswith("input")]
        if len(inputs) != 1 or "output.json" not in files:
            continue
        text = snap.read(inputs[0])
        rule = case.split("/")[0]
        if case.split("/")[1].startswith("ok."):
            if text.strip():
                yield record("secretlint", rule, text, decoy=True)
            continue
        output = json.loads(snap.read(files["output.json"]))
        values = []
        for message in output.get("messages", []):
            for value in (message.get("data") or {}).values():
                if isinstance(value, str) and len(value) >= 6 and value in text:
                    values.append((value, "API_KEY"))
        fillers = [v for v, _ in values if _FILLER.search(v)]
        keys = [(v, label) for v, label in values if v not in fillers]
        if keys or fillers:
            yield record("secretlint", rule, text, keys, fillers=fillers)


# --- presidio: each recognizer's parametrized cases ---------------------------------------

_PRESIDIO_LABELS = {
    "email": "EMAIL",
    "credit_card": "CREDIT_CARD",
    "iban": "IBAN",
    "ip": "IP_ADDRESS",
    "phone": "PHONE",
    "us_ssn": "US_SSN",
}


def presidio(snap: Snapshot) -> Iterator[dict]:
    for recognizer, label in _PRESIDIO_LABELS.items():
        path = f"presidio-analyzer/tests/test_{recognizer}_recognizer.py"
        tree = ast.parse(snap.read(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize"):
                continue
            names = node.args[0]
            if not isinstance(names, ast.Constant) or not isinstance(names.value, str):
                continue
            fields = [f.strip() for f in names.value.split(",")]
            where = next((f for f in ("expected_positions", "expected_res") if f in fields), None)
            if fields[1:2] != ["expected_len"] or where is None:
                continue
            try:
                cases = ast.literal_eval(node.args[1])
            except ValueError:
                continue
            for number, case in enumerate(cases):
                text, n, positions = case[0], case[1], case[fields.index(where)]
                if not isinstance(text, str):
                    continue
                group = f"{recognizer}-{number}"
                if n == 0:
                    yield record("presidio", group, text, decoy=True, kind=recognizer)
                else:
                    if positions and isinstance(positions[0], int):
                        positions = (positions,)
                    spans = [
                        (p[0], p[1], label)
                        for p in positions
                        if isinstance(p, tuple) and len(p) >= 2 and isinstance(p[0], int)
                    ]
                    if not spans:
                        continue
                    yield record("presidio", group, text, spans=spans)


# --- presidio-research: synthetic sentences --------------------------------------------------

_RESEARCH_LABELS = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
}


# Entities the set labels that are no personal data: a finding over one is a look-alike
# flagged (a company taken for a person, a job title, a nationality). Places only in
# records without a street address, whose parts the set labels as places too.
_RESEARCH_DECOYS = {"ORGANIZATION": "organization", "TITLE": "title", "NRP": "nationality"}


def presidio_research(snap: Snapshot) -> Iterator[dict]:
    for item in json.loads(snap.read("data/synth_dataset_v2.json")):
        spans = [
            (s["start_position"], s["end_position"], _RESEARCH_LABELS[s["entity_type"]])
            for s in item["spans"]
            if s["entity_type"] in _RESEARCH_LABELS
        ]
        has_address = any(label == "STREET_ADDRESS" for _, _, label in spans)
        decoys = [
            (
                s["start_position"],
                s["end_position"],
                _RESEARCH_DECOYS.get(s["entity_type"], "place"),
            )
            for s in item["spans"]
            if s["entity_type"] in _RESEARCH_DECOYS
            or (s["entity_type"] == "GPE" and not has_address)
        ]
        if spans or decoys:
            rec = record(
                "presidio-research", f"t{item['template_id']}", item["full_text"], spans=spans
            )
            text = item["full_text"]
            rec["decoys"] = [
                {"start": a, "end": b, "kind": kind, "value": text[a:b]} for a, b, kind in decoys
            ]
            yield rec


# --- detect-secrets: each plugin test's parametrized payloads ------------------------------

# Negative keyword cases whose reason is the file's syntax (a language where the plugin
# wants quotes), not the value: a gateway reads any syntax, so these are no look-alikes.
_DS_SYNTAX_ONLY = re.compile(r"quote|without quotes", re.IGNORECASE)


class _PyConst:
    """Evaluates the constant expressions the tests build payloads with: string
    literals, module-level names bound to them, + and *, str.format, slices and
    textwrap.dedent. Anything else raises ValueError."""

    def __init__(self, tree: ast.Module) -> None:
        self.names: dict[str, object] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    try:
                        self.names[target.id] = self.eval(node.value)
                    except (ValueError, TypeError, IndexError, KeyError):
                        pass

    def eval(self, node: ast.AST) -> object:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            raise ValueError(node.id)
        if isinstance(node, (ast.Tuple, ast.List)):
            return [self.eval(e) for e in node.elts]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
            left, right = self.eval(node.left), self.eval(node.right)
            return left + right if isinstance(node.op, ast.Add) else left * right  # type: ignore[operator]
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            value = self.eval(node.value)
            lo = self.eval(node.slice.lower) if node.slice.lower else None
            hi = self.eval(node.slice.upper) if node.slice.upper else None
            return value[lo:hi]  # type: ignore[index]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.eval(node.operand)  # type: ignore[operator]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            if func.attr == "format":
                base = self.eval(func.value)
                args = [self.eval(a) for a in node.args]
                kwargs = {k.arg: self.eval(k.value) for k in node.keywords if k.arg}
                return str(base).format(*args, **kwargs)
            if func.attr == "dedent" and isinstance(func.value, ast.Name):
                import textwrap

                return textwrap.dedent(str(self.eval(node.args[0])))
        raise ValueError(ast.dump(node)[:40])


def _ds_value(payload: str) -> str:
    """Where the secret is in a positive payload, read from its syntax alone: a URL's
    password, else the last piece between spaces, quotes and name-value operators
    (values follow their names), without the punctuation around it."""
    m = re.search(r"://[^\s:/@]+:([^\s@]+)@", payload)
    if m:
        return m.group(1)
    pieces = re.split(
        r"[\s\"'`(){}\[\],;]+|(?<=[A-Za-z_\]])(?::=|=>|==|!=|=|:)(?=[^=\s]|\s)", payload
    )
    return next(p for p in reversed(pieces) if p.strip(".!=:@")).strip(".!=:@")


def detect_secrets(snap: Snapshot) -> Iterator[dict]:
    positive: set[str] = set()
    cases: list[tuple[str, str, bool, str]] = []  # group, text, secret?, value
    for path in sorted(snap.files()):
        m = re.match(r"tests/plugins/(\w+)_test\.py$", path)
        if not m or m.group(1) in ("base", "private_key", "high_entropy_strings", "ip_public"):
            continue
        plugin = m.group(1)
        source = snap.read(path)
        lines = source.splitlines()
        tree = ast.parse(source)
        const = _PyConst(tree)
        if plugin == "keyword":
            for name, value in const.names.items():
                if not name.endswith("_TEST_CASES") or not isinstance(value, list):
                    continue
                node = next(
                    n.value
                    for n in tree.body
                    if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == name
                )
                for item, elt in zip(value, node.elts, strict=True):  # type: ignore[attr-defined]
                    line, expected = item
                    comment = lines[elt.lineno - 1].partition("#")[2]
                    if expected is None and _DS_SYNTAX_ONLY.search(comment):
                        continue
                    if len(line) > 1000:
                        continue
                    group = f"keyword-{name.split('_TEST')[0].lower()}"
                    cases.append((group, line, expected is not None, expected or ""))
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize"):
                continue
            names = node.args[0]
            if not isinstance(names, ast.Constant):
                continue
            fields = [f.strip() for f in str(names.value).split(",")]
            if fields[0] not in ("payload", "line") or fields[1:] not in ([], ["should_flag"]):
                continue
            for elt in getattr(node.args[1], "elts", ()):
                try:
                    item = const.eval(elt)
                except (ValueError, TypeError, IndexError, KeyError):
                    continue
                if len(fields) == 1:
                    text, flag = item, True
                else:
                    text, flag = item  # type: ignore[misc]
                if not isinstance(text, str) or len(text) > 1000:
                    continue
                cases.append((plugin, text, bool(flag), _ds_value(text) if flag else ""))
    for _, text, flag, _ in cases:
        if flag:
            positive.add(text)
    for group, text, flag, value in cases:
        if not flag:
            if text not in positive:  # a negative of one plugin another one flags
                yield record("detect-secrets", group, text, decoy=True)
        elif _FILLER.search(value):
            yield record("detect-secrets", group, text, fillers=[value])
        else:
            yield record("detect-secrets", group, text, [(value, "API_KEY")])


# --- trufflehog: each detector's pattern test, the inputs it must find keys in ------------

_GO_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<raw>`[^`]*`)|(?P<num>\d+)'
    r"|(?P<name>[A-Za-z_][\w.]*)|(?P<op>[(){}\[\],+:]))",
    re.S,
)


class _GoValues:
    """The string expressions trufflehog's pattern tests write inputs with: literals,
    names bound to them in the file, + and fmt.Sprintf (%s, %v, %d, %q)."""

    def __init__(self, src: str) -> None:
        self.env: dict[str, str] = {}
        for m in re.finditer(r"^\s*(\w+)\s*(?::=|=)\s*(.+?)\s*$", src, re.M):
            try:
                value, end = self.expr(m.group(2), 0)
            except (ValueError, IndexError, KeyError):
                continue
            if end == len(m.group(2).rstrip()) and isinstance(value, str):
                self.env[m.group(1)] = value

    def token(self, src: str, i: int) -> tuple[str, str, int]:
        m = _GO_TOKEN.match(src, i)
        if m is None or m.lastgroup is None:
            raise ValueError("no token")
        return m.lastgroup, m.group(m.lastgroup), m.end()

    def expr(self, src: str, i: int) -> tuple[str, int]:
        value, i = self.term(src, i)
        while True:
            try:
                kind, tok, j = self.token(src, i)
            except ValueError:
                return value, i
            if tok != "+":
                return value, i
            more, i = self.term(src, j)
            value += more

    def term(self, src: str, i: int) -> tuple[str, int]:
        kind, tok, i = self.token(src, i)
        if kind == "str":
            return ast.literal_eval(tok), i
        if kind == "raw":
            return tok[1:-1], i
        if kind == "name" and tok == "fmt.Sprintf":
            args, i = self.args(src, i)
            fmt, rest = args[0], iter(args[1:])
            return re.sub(r"%[svdq]", lambda m: next(rest), fmt.replace("%%", "\0")).replace(
                "\0", "%"
            ), i
        if kind == "name" and tok in self.env:
            return self.env[tok], i
        raise ValueError(tok)

    def args(self, src: str, i: int) -> tuple[list[str], int]:
        _, tok, i = self.token(src, i)
        if tok not in "({":
            raise ValueError(tok)
        out: list[str] = []
        while True:
            _, tok, j = self.token(src, i)
            if tok in ")}":
                return out, j
            value, i = self.expr(src, i)
            out.append(value)
            _, tok, j = self.token(src, i)
            if tok == ",":
                i = j


def _th_cases(src: str) -> Iterator[tuple[str, list[str] | None]]:
    """(input, want) of each test case: want None when the detector must find nothing."""
    values = _GoValues(src)
    for m in re.finditer(r"\binput:", src):
        try:
            text, i = values.expr(src, m.end())
        except (ValueError, IndexError, KeyError, StopIteration, SyntaxError):
            continue
        w = re.compile(r"\s*,\s*want:\s*").match(src, i)
        if w is None:
            continue
        i = w.end()
        if src.startswith("nil", i) or src.startswith("[]string{}", i):
            yield text, None
            continue
        if not src.startswith("[]string", i):
            continue
        try:
            want, _ = values.args(src, i + len("[]string"))
        except (ValueError, IndexError, KeyError, StopIteration, SyntaxError):
            continue
        yield text, want or None


def _th_secret(text: str, want: str) -> str | None:
    """The secret of one expected result in the input: the value itself, or, for a
    result the detector joins from parts (a key and its id or user), its longest part."""
    if want in text:
        return want
    found = set(re.findall(r"[^\s\"'`=:,;<>(){}\[\]]{4,}", text))
    pieces = sorted(found, key=lambda p: (-len(p), p))
    parts = [p for p in pieces if p in want]
    covered = "".join(sorted(parts, key=want.find))
    if parts and len(covered) == len(want):
        return parts[0]
    return None


def trufflehog(snap: Snapshot) -> Iterator[dict]:
    for path in sorted(snap.files()):
        m = re.match(r"pkg/detectors/(.+)/[^/]+_test\.go$", path)
        if not m or path.endswith("_integration_test.go"):
            continue
        group = m.group(1)
        for text, want in _th_cases(snap.read(path)):
            if not want or len(text) > 4000:
                continue  # negatives: see the module docstring
            secrets = [_th_secret(text, w) for w in want]
            if not all(secrets):
                continue
            values = list(dict.fromkeys(s for s in secrets if s))
            fillers = [v for v in values if _FILLER.search(v)]
            keys = [(v, "API_KEY") for v in values if v not in fillers]
            yield record("trufflehog", group, text, keys, fillers=fillers)


READERS = {
    "gitleaks": gitleaks,
    "secretlint": secretlint,
    "presidio": presidio,
    "presidio-research": presidio_research,
    "detect-secrets": detect_secrets,
    "trufflehog": trufflehog,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=HERE / "data")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        snap = Snapshot(args.mirrors, source)
        records = list(READERS[source.name](snap))
        seen: set[str] = set()
        unique = []
        for i, rec in enumerate(records):
            if rec["text"] in seen:
                continue
            seen.add(rec["text"])
            rec["id"] = f"{source.name}-{i:05d}"
            unique.append(rec)
        path = args.out / f"{source.name}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for rec in unique:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        held = sum(r["split"] == "heldout" for r in unique)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{source.name}: {len(unique)} records ({held} held out), sha256 {digest}")
    sys.exit(0)


if __name__ == "__main__":
    main()
