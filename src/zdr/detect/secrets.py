"""API keys and secrets: known key shapes, JWTs, private-key blocks, and values in
credential contexts (assignments, DSNs, CLI flags, auth headers) that look random."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Final

from zdr.detect.keyrules import ANCHORS as _RULE_ANCHORS
from zdr.detect.keyrules import find_keys
from zdr.detect.model import Span, in_c, span, starts_word
from zdr.detect.scan import Anchor, Text, matches_at
from zdr.detect.validators import (
    documentation_host,
    entropy,
    looks_random,
    placeholder,
    placeholder_password,
    typed_runs,
    typed_stretch,
)

# Provider key shapes, as (prefix, rest); each is specific enough to need no entropy
# check. The prefixes are where the shared scan looks for them.
_KEY_SHAPE_PARTS: Final = (
    # A key of an OpenAI-compatible API (DeepSeek's, OpenRouter's `sk-or-v1-`, ...); OpenAI's
    # and Anthropic's own (`sk-proj-`, `sk-svcacct-`, `sk-admin-`, `sk-ant-`, any holding
    # `T3BlbkFJ`) are left to the maintained rule sets (gitleaks', detect-secrets'), which
    # know their exact forms (_MAINTAINED_SK).
    (r"sk-", r"[A-Za-z0-9_-]{20,}"),
    # A JWT, as detect-secrets' plugin reads one: a header (`{"` in base64url), a payload,
    # a signature if any (an unsigned token, `alg: none`, carries the same claims, and a
    # service that accepts `none` takes it as a credential); `=` padding allowed. It is
    # a JWT when its header and payload decode to JSON (`_jwt`), whatever the payload
    # begins with.
    (r"eyJ", r"[A-Za-z0-9_=-]{6,}\.[A-Za-z0-9_=-]{4,}(?:\.[A-Za-z0-9_=-]*)?"),
)
_MAINTAINED_SK: Final = ("sk-proj-", "sk-svcacct-", "sk-admin-", "sk-ant-")
_KEY_SHAPES: Final = re.compile(
    "(?:" + "|".join(prefix + rest for prefix, rest in _KEY_SHAPE_PARTS) + ")"
)
# A key that names its issuer: a short lower-case prefix and "_" (a second word may
# follow: `lin_api_`, `dckr_pat_`; or a short id with a digit, the key's own:
# Pinecone's `pcsk_<id>_<body>`), then a long generated body. GitHub's convention of
# identifiable prefixes, which many providers follow; rules for named providers are
# keyrules.py's. The body must be long and mix upper, lower case and digits: object
# ids with a prefix (`cus_`, `pi_`, `req_`) are shorter, hashes have one case.
_PREFIXED_KEY: Final = re.compile(
    r"[a-z][a-z0-9]{1,7}_(?:[a-z]{2,8}_|(?=[A-Za-z]*[0-9])[A-Za-z0-9]{4,8}_)?"
    r"(?P<body>[A-Za-z0-9]{32,200})(?![A-Za-z0-9])"
)
# A string literal that is a random draw, whatever names it (`getToken() { return
# "ntJD0ER8..." }`, `key != "cK1bq7JR..."`, `connect("MVE7zmdx...")`): 20 or more
# letters and digits between quotes, as detect-secrets' high-entropy string plugins
# read code. Only quoted: a bare run in prose or a path is more often an id.
_QUOTED_RUN: Final = re.compile(r"([\"'`])(?P<value>[A-Za-z0-9]{20,128})\1")
_WEBHOOK_SECRET: Final = re.compile(r"(?<![\w-])whsec_[A-Za-z0-9+/=]{20,}")
# Azure's identifiable keys (Microsoft's format since 2023): a base64 key holding its
# service's four-character signature at a fixed place, a checksum after it (the last
# characters' classes). As (signature, characters before it, the rest): 64-byte keys
# (Storage `+ASt`, Cosmos DB `ACDb`, Batch `+ABa`, ML `/AM7`, API Management `APIM`),
# 32-byte ones (Relay `+ARm`, Event Hub `+AEh`, Service Bus `+ASb`, IoT `AIoT`, Redis
# `AzCa`), Functions' `AzFu`, Search's `AzSe`, Container Registry's `+ACR`. Found where a
# signature is, the key read back from it; no gitleaks or detect-secrets rule has them.
_B64: Final = "[A-Za-z0-9+/]"
# The older form of an Azure storage (and Cosmos DB) account key, bare: 64 random bytes
# in base64, 86 characters and "==", one word (detect-secrets' azure_storage_key reads
# the same shape). Not a SHA-512 digest written so (`sha512-...`, an `integrity` or
# `hash`'s value): those are named.
_AZURE_LEGACY: Final = re.compile(rf"{_B64}{{86}}==(?![A-Za-z0-9+/=_-])")
_AZURE_FORMS: Final = (
    (("+ASt", "ACDb", "+ABa", "/AM7", "APIM"), 76, rf"{_B64}{{5}}[AQgw]=="),
    (("+ARm", "+AEh", "+ASb", "AIoT", "AzCa"), 33, rf"[A-P]{_B64}{{5}}="),
    (("AzFu",), 44, r"[A-Za-z0-9_-]{5}[AQgw]=="),
    (("AzSe",), 42, r"[A-D][A-Za-z0-9]{5}"),
    (("+ACR",), 42, rf"[A-D]{_B64}{{5}}"),
)
_AZURE_KEYS: Final = {
    signature: (before, re.compile(
        (r"[A-Za-z0-9_-]" if signature == "AzFu" else _B64) + f"{{{before}}}"
        + re.escape(signature) + rest + r"(?![A-Za-z0-9+/=_-])"
    ))
    for signatures, before, rest in _AZURE_FORMS
    for signature in signatures
}  # fmt: skip
_PEM: Final = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----"
    r".*?-----END \1PRIVATE KEY(?: BLOCK)?-----",
    re.DOTALL,
)
_PEM_OPEN: Final = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----")
# What a block holds when it holds a key: lines of base64 (64 or 70 characters in
# PEM and OpenSSH files). A block around `...`, `<key>` or nothing shows the format.
_KEY_MATERIAL: Final = re.compile(r"[A-Za-z0-9+/=]{40}")

# name = value, name: value, "name": "value" (any quoting); the name says credential.
_ASSIGNMENT_NAMES: Final = (
    r"password|passwd|pwd|passphrase|passwort|kennwort|mot_de_passe|contrase[ñn]a|senha|"
    r"wachtwoord|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth|"
    r"credential|accountkey|sharedaccesskey|client[_-]?secret|signing[_-]?key|"
    r"encryption[_-]?key|_pass|_pw|"
    # the password's name in the languages of _PASSWORD_WORDS, as code and configs
    # written in them name it (`haslo = ...`, `"sifre": ...`, `lösenord:`)
    r"haslo|hasło|heslo|geslo|lozinka|sifre|şifre|parola|losenord|lösenord|passord|"
    r"adgangskode|salasana|jelszo|jelszó|contrasenya|пароль|"
    # the key names of detect-secrets' keyword plugin (its DENYLIST) not said above
    r"(?:db|database|priv|client|service|account)_key"
)
# The operators that give a name a value, in config files and the languages secrets
# are pasted from: = : => := ::= :::= ?= .= += ||= ??= -> (longest first), and the
# comparisons code checks a credential with (== != === !==: `if (pwd == "...")`).
_OPERATOR: Final = r"(?:::?:?=|\?\?=|\|\|=|[!=]==?|[?.+]=|=>|->|=|:)"
# A quoted value (a long one one token: JWTs and OAuth tokens run to a kilobyte; an
# Objective-C string's `@"..."` too), or a bare one up to a separator. Possessive: a
# shorter run ends before one of its own characters, never the closing quote, so giving
# characters back (~200 tries where a value runs on past its limit) finds nothing.
_VALUE: Final = (
    r"(?:@?(?P<q>[\"'`])(?P<qvalue>[^\"'`\n]{6,200}+|[^\"'`\s]{201,1200}+)(?P=q)"
    r"|(?P<value>[^\s\"'`,;}{)<>]{6,200}))"
)
# A dash between a name and a quoted value: lists and notes (`token - 'value'`).
_DASH: Final = r"[ \t]+-[ \t]+(?=[\"'`])"
# What may stand between a credential name and its value, whatever the syntax:
# an assignment (a type annotation may come first: `var apiToken string = ...`; an
# array's brackets: `char password[32] = "..."`) or a dash before a quoted value, a
# quoted name followed by a call argument or tuple item (`setProperty("X_TOKEN",
# "...")`), a constructor's or assign call's quoted argument (C++'s `std::string
# secret("...")`, `secret.assign("...")`), an XML element (`<apiToken>...</apiToken>`)
# or an attribute pair (`name="apiToken" value="..."`).
_ASSIGNMENT: Final = re.compile(
    rf"(?P<name>(?:{_ASSIGNMENT_NAMES}|pass(?!\w))[\w.-]*)"
    r"(?:"
    rf"[\"'`]?\]?(?:\[\d{{0,6}}\])?(?:[ \t]+[a-z_][\w.<>\[\]]{{0,30}})?[ \t]*{_OPERATOR}\s*"
    r"(?:[|>][-+]?[ \t]*\n\s*)?"  # a YAML block scalar: `password: |` and the value below
    r"|(?P<call>(?:\.assign)?\()(?=[\"'`])"
    # C's and config languages' `private_key "...";` (a statement: the ";" closes it)
    r"|[ \t]+(?=[\"'`][^\"'`\n]{6,200}[\"'`];)"
    rf"|{_DASH}"
    r"|[\"'`]\s*,\s*(?=[\"'`])"
    r"|>\s*(?=[^<\s]+\s*</)"
    # an attribute naming it, the element's content its value (`<entry
    # key="api.secret">...</entry>`, Java's properties in XML; `<add key="x">`)
    r"|[\"']>\s*(?=[^<\s]+\s*</)"
    r"|>\s*<!\[cdata\[(?=[^\]\s]{6,200}\]\]>)"  # `<password><![CDATA[...]]></password>`
    r"|[\"']\s+value\s*=\s*(?=[\"'])"
    r")"
    rf"{_VALUE}"
)
# Where _assigned reads its match's groups (Match.regs).
_GROUP_NAME: Final = _ASSIGNMENT.groupindex["name"]
_GROUP_CALL: Final = _ASSIGNMENT.groupindex["call"]
_GROUP_QVALUE: Final = _ASSIGNMENT.groupindex["qvalue"]
_GROUP_VALUE: Final = _ASSIGNMENT.groupindex["value"]
# Any name that ends in "key" (`Key=`, `AZURE_OPENAI_KEY:`, `stripeKey :=`, a log's
# `KEY=`): a key when its value is generated-looking; names of keys that are no
# secret (public, sort, cache, primary keys) are left out.
_KEY_NAMED: Final = re.compile(
    rf"key[\"'`]?(?:[ \t]*{_OPERATOR}[ \t]*|{_DASH})"
    r"(?:(?P<q>[\"'`])(?P<qvalue>[^\"'`\s]{16,1200}+)(?P=q)"
    r"|(?P<value>[^\s\"'`,;}{)<>]{16,200}))"
)
_NOT_SECRET_KEYS: Final = (
    "public", "publish", "sort", "cache", "primary", "foreign", "partition", "idempoten",
    "hot", "short", "monkey", "turnkey", "storage_class", "object", "s3", "bucket",
)  # fmt: skip
# An element of a credential name holding several words (`<secret>{AQAAABAAA
# 8fK2...}</secret>`, as Jenkins writes encrypted secrets): its generated-looking words.
_ELEMENT_WORDS: Final = re.compile(
    rf"(?:{_ASSIGNMENT_NAMES})[\w.-]*>(?P<content>[^<>]{{16,800}})</"
)
_WORD: Final = re.compile(r"[^\s{}\[\]()\"',;]{16,}")
# curl -u user:password, wget --user=u --password=p
_CURL_USER: Final = re.compile(r"(?:-u|--user)[ =][\"']?[^\s:\"']{1,64}:(?P<value>[^\s\"']{4,128})")
# "AWS secret <value>", "API key: <value>" in prose: a credential word, then a value
# that looks random.
_CREDENTIAL_WORDS: Final = r"secret|token|api key|access key|password|passwort|credential"
# What a credential is for, between its word and the verb: "password for the portal
# is", "Passwort für das Portal ist", "wachtwoord voor de gedeelde mailbox is", "token
# for the registry was": a preposition and at most four words, only when a verb follows.
# (and the verb in the languages of _PASSWORD_WORDS' second part: `heslo je`, `lösenord
# är`, `passord er`, `hasło jest`, `kata sandi adalah`, `mật khẩu là`, `Passwort lautet`)
VERBS: Final = r"is|ist|est|es|é|è|was|war|era|je|är|er|jest|adalah|là|lautet|c'est"
_WHAT_FOR: Final = (
    r"(?:\s++(?:for|of|on|to|für|fürs|zum|zur|voor|van|bij|pour|du|des|de|del|della|per|"
    r"di|para|da|do)(?:\s++[^\s,;:.!?=]++){1,4}?(?=\s++(?:" + VERBS + r")\s))?"
)
_WORD_THEN_VALUE: Final = re.compile(
    rf"(?:{_CREDENTIAL_WORDS})s?{_WHAT_FOR}"
    rf"(?P<verb> (?:{VERBS}))?(?P<sep>[ :]+)(?P<value>[A-Za-z0-9+/=_.~-]{{12,200}})"
)
# A shorter value is said to be the credential only after a verb or a colon (`the
# secret is Yq8wZ3mK1pL9xT7v`, `token: ...`), and is letters and digits as generated
# (no version's dots, no path).
_SHORT_SAID: Final = 20
_SHORT_SAID_VALUE: Final = re.compile(r"[A-Za-z0-9_-]{12,19}")
# A password passed as the argument after the user name to a login call or an auth
# tuple: `client.login("svc", "...")`, `auth=("svc", "...")`, `HTTPBasicAuth(u, "...")`,
# `new UsernamePasswordCredentials("svc", "...")`.
_AUTH_CALLS: Final = (
    r"login|auth|authenticate|authentication|sign_?in|credentials?|getconnection|connect"
)
_AUTH_CALL: Final = re.compile(
    # possessive: no split of a long run of spaces
    rf"(?P<call>{_AUTH_CALLS})\s*+(?:\(|=\s*+\(?)\s*+"
    # a connection call's URL or DSN first (`DriverManager.getConnection(url, "app", "...")`)
    r"(?P<first>[^,()\"'\n]{1,100}+,\s*+|(?P<q0>[\"'])[^\"'\n]{1,200}+(?P=q0)\s*+,\s*+)?"
    r"(?:(?P<q1>[\"'])[^\"'\n]{1,100}(?P=q1)|[a-z_][\w.]{0,60})\s*,\s*"
    r"(?P<q>[\"'])(?P<value>[^\"'\n]{4,128})(?P=q)"
)
_CLI_PASSWORD: Final = re.compile(
    r"(?:(?<=\s)-p\s*|--password[= ]|--pass[= ]|--token[= ]|-P\s+|--api-key[= ])"
    r"(?P<q>[\"']?)(?P<value>[^\s\"']{6,200})"
)
# A single-dash flag ending in "pass" with its value after a space: keytool's
# `-storepass`, `-keypass`, `-srcstorepass`, OpenSSL's `-passin pass:...`, `-passout`,
# `-pass` (its `pass:` says the password follows; `env:VAR`, `file:path` are where it is).
_DASH_PASS: Final = re.compile(
    r"-[a-z]{0,12}pass(?:word|in|out)?[ \t]++(?P<q>[\"']?)(?:pass:)?(?P<value>[^\s\"']{4,200})"
)
# `openssl passwd [-1|-5|-6|-apr1|-salt s ...] <password>`: the hash's input, the
# password itself, as the command's first argument that is no option.
_OPENSSL_PASSWD: Final = re.compile(r"openssl[ \t]++passwd(?P<args>[^\n;|)`]{1,200})")
_OPTION_WITH_VALUE: Final = frozenset(("-salt", "-in"))
# redis-cli's password flag: `redis-cli -h host -a <password>` (on the command's line).
_REDIS_CLI_A: Final = re.compile(r"[ \t]-a[ \t]++(?P<q>[\"']?)(?P<value>[^\s\"']{4,200})")
# SMTP's AUTH PLAIN: base64 of "\0user\0password"; AUTH LOGIN's password is the line
# after the server's "334 UGFzc3dvcmQ6" (base64 of "Password:").
_SMTP_PLAIN: Final = re.compile(r"auth plain[ \t]+(?P<value>[a-z0-9+/]{8,}={0,2})")
_SMTP_LOGIN: Final = re.compile(
    r"UGFzc3dvcmQ6[ \t]*\r?\n(?P<value>[A-Za-z0-9+/]{4,}={0,2})(?=\s|$)"
)
# A command's flag whose last word names a credential, its value after a space
# (`--client-secret ...`, `--secret-key ...`, `--db-password ...`; with "=" the
# assignment rule reads it): tried where a credential name is, the flag's "--" checked
# before it. Not a flag that only says where the secret is (`--password-file`,
# `--password-stdin`).
_CLI_NAMED: Final = re.compile(
    rf"(?:{_ASSIGNMENT_NAMES})(?P<rest>[a-z0-9-]{{0,30}})[ \t]++"
    r"(?P<q>[\"']?)(?P<value>[^\s\"']{6,200})"
)
_CLI_NAME_ENDS: Final = ("-key", "-token", "-secret", "-password", "-passwd", "-pass")
# The password runs to the authority's last "@", as URL parsers read it: one written
# with an "@" in it, or a "%40" the text was decoded from, is whole. The authority ends
# at "/", "?" or "#" after that "@": the shortest value reaching an "@" with no other
# before the authority's end (an e-mail in the query is not part of it). The value may
# hold a raw "?" or "#" itself, as pasted passwords do (`postgres://u:Pa#ss@db/x`).
# (The user possessive: a shorter one ends before one of its own characters, no ":".)
_DSN: Final = re.compile(
    r"://(?P<user>[^\s:/@\"']{0,64}+):(?P<value>[^\s/\"']{3,128}?)"
    r"@(?=[^\s@/?#\"']*(?:[/?#\s\"']|$))"
)
_AUTH_HEADER: Final = re.compile(
    r"authorization\s*[:=]\s*[\"']?(?:(?P<scheme>basic|bearer|token)\s+)"
    r"(?P<value>[a-z0-9+/=._~-]{8,})"
)
_COOKIE: Final = re.compile(r"cookie\s*:\s*(?P<value>[^\r\n]+)")
# Email-then-password pairs: "login as x@y.z / P4ssw0rd!". Possessive: what each part
# gives back could not start the next (a domain's letters are no "/", a value's
# characters no space), so an e-mail with no password after it fails at once instead
# of being split every way first (it is searched for in every text holding an "@").
_LOGIN_PAIR: Final = re.compile(
    r"@[\w-]++(?:\.[\w-]++)++\s*+(?:/|\||:)\s*+(?P<value>[^\s,;]{6,64}+)(?=\s|$)"
)
# A user and a password after a word that says so: `creds: admin:...`, `login: admin / ...`.
_PAIR_WORDS: Final = r"creds|credentials|login"
_CRED_PAIR: Final = re.compile(
    rf"(?:{_PAIR_WORDS})[ \t]*+[:=][ \t]*+(?P<user>[\w.@+-]{{1,64}}+)[ \t]*+(?::|/)[ \t]*+"
    r"(?P<value>[^\s,;]{6,64})"
)
_PASSWORD_WORDS: Final = (
    r"password|passwort|kennwort|mot de passe|contraseña|senha|wachtwoord|passwd|passphrase|"
    r"passcode|pwd|pw|"
    # The word in the languages people write to support in beyond the seven claimed
    # (Polish, Czech and Slovak, Slovenian, Croatian and Serbian, Turkish, Romanian,
    # Russian and Ukrainian, Bulgarian, the Nordic languages, Finnish, Estonian,
    # Lithuanian, Hungarian, Greek, Indonesian and Malay, Vietnamese, Catalan, Galician,
    # Basque, Japanese, Chinese, Korean, Arabic, Hebrew, Persian, Hindi, Thai), the forms
    # a sentence puts them in (`şifrem`, `lösenordet`), and French's `mdp`: cues as rare
    # as `password`, held to the same tests of the value.
    r"hasło|hasła|hasłem|haslo|heslo|hesla|geslo|lozinka|lozinku|şifre|şifrem|şifresi|"
    r"şifreniz|sifre|parola|parolam|parolă|пароль|пароля|паролем|парола|lösenord|"
    r"lösenordet|losenord|passord|passordet|adgangskode|adgangskoden|kodeord|salasana|"
    r"salasanan|salasanani|parool|slaptažodis|jelszó|jelszavam|jelszava|jelszo|"
    r"κωδικός πρόσβασης|κωδικό πρόσβασης|kata sandi|kata laluan|mật khẩu|mat khau|"
    r"contrasenya|contrasinal|pasahitza|mdp|パスワード|密码|密碼|비밀번호|패스워드|"
    r"كلمة المرور|كلمة السر|סיסמה|סיסמא|رمز عبور|पासवर्ड|รหัสผ่าน"
)
# A word of a script written without spaces (Japanese, Chinese, Thai; Korean's
# particles join its words): the password word may be followed at once by a
# particle or verb (`密码是`, `パスワードは`, `비밀번호는`) and a full-width colon.
_JOINED: Final = (
    r"(?<=[\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af])(?:是|为|為|は|는|은|이|가)?"
)
_PASSWORD_WORD: Final = re.compile(
    rf"(?:{_PASSWORD_WORDS})(?:\b|{_JOINED}){_WHAT_FOR}"
    # Possessive spaces: "password" and a long run of spaces before no value would
    # otherwise be split between the quantifiers in every way (quadratic).
    # `password was ...`, `password changed to ...`
    rf"(?:\s++(?:{VERBS}|is:)|\s++(?:changed|set|reset|updated)\s++to)?"
    # "is now ...", "ist jetzt ...": one adverb of time or emphasis before the value
    r"(?:\s++(?:now|still|currently|temporarily|literally|actually|just|jetzt|noch|"
    r"maintenant|toujours|ahora|agora|ora|nu))?"
    # `password: ...`, a dash (`пароль — ...`, `password - ...`) or a full-width colon
    r"(?:\s*+(?:[:=]|[-–—](?=\s))\s++|\s*+：\s*+|\s++)[\"'`]?(?P<value>[^\s,;\"'`]{6,64})"
)

# _ASSIGNMENT_NAMES' password names of the languages beyond the seven.
_PASSWORD_NAMES_MORE: Final = (
    "haslo", "hasło", "heslo", "geslo", "lozinka", "sifre", "şifre", "parola", "losenord",
    "lösenord", "passord", "adgangskode", "salasana", "jelszo", "jelszó", "contrasenya",
    "пароль",
)  # fmt: skip
_SECRET_NAMES: Final = (
    "password", "passwd", "pwd", "pass", "secret", "passwort", "kennwort", "senha",
    "contrase", "wachtwoord", "accountkey", "sharedaccesskey", "passphrase", "signing",
    "encryption", "private", *_PASSWORD_NAMES_MORE,
)  # fmt: skip
# The names of values people type (a generated value's are the rest).
_PASSWORD_NAMES: Final = (
    "password", "passwd", "pwd", "pass", "passwort", "kennwort", "senha", "contrase",
    "wachtwoord", "passphrase", "mot_de_passe", *_PASSWORD_NAMES_MORE,
)  # fmt: skip
_PUBLISHABLE: Final = ("pk_live_", "pk_test_")
_NOT_SECRET_VALUES: Final = ("true", "false", "none", "null", "required", "optional", "string")


# Where each pattern above can begin: its leading keyword or prefix (the same text as
# the pattern's own, so the two cannot drift), found for all of them in one shared
# scan; the patterns are then tried only there.
_ANCHORS: Final = (
    Anchor("secret.key_shape", "|".join(prefix for prefix, _ in _KEY_SHAPE_PARTS)),
    Anchor("secret.whsec", r"whsec_"),
    Anchor("secret.azure", "|".join(re.escape(s) for s in _AZURE_KEYS)),
    # the four base64 characters before "==" (not `a == b` in code)
    Anchor("secret.b64_64", r"[A-Za-z0-9+/]{4}=="),
    Anchor(
        "secret.prefixed",
        r"[a-z][a-z0-9]{1,7}_(?:[a-z]{2,8}_|[A-Za-z0-9]{4,8}_)?[A-Za-z0-9]{32}",
        word_start="-.",
    ),
    # The first 12 of the run's 20 characters: a shorter prefix finds a few more places
    # (the regex is tried there and fails), and Hyperscan's bounded repeat of 20 cost
    # ~5 M instructions a pii-dev pass more than this one.
    Anchor("secret.quoted", r"[\"'`][A-Za-z0-9]{12}"),
    Anchor("secret.assignment", _ASSIGNMENT_NAMES, lower=True),
    # "pass" as a whole name (`pass=` in a log), not "bypass", "passport", "compass".
    Anchor("secret.pass", r"pass[\"'`]?[ \t]*[:=]", lower=True, word_start=""),
    # "key" only before an operator: not every "keyboard" or "monkey" in prose.
    Anchor("secret.key_named", r"key[\"'`]?[ \t]*[:=]|key[ \t]+-[ \t]", lower=True),
    Anchor("secret.cli", r"-p|--password|--pass|--token|-P|--api-key"),
    Anchor("secret.dash_pass", r"-[a-z]{0,12}pass", lower=True, word_start="-"),
    Anchor("secret.redis_cli", r"redis-cli", lower=True),
    Anchor("secret.openssl_passwd", r"openssl[ \t]+passwd", lower=True),
    Anchor("secret.smtp_plain", r"auth plain", lower=True),
    Anchor("secret.smtp_login", r"UGFzc3dvcmQ6"),
    Anchor("secret.auth_call", _AUTH_CALLS, lower=True),
    Anchor("secret.curl", r"-u|--user"),
    Anchor("secret.authorization", r"authorization", lower=True),
    Anchor("secret.cookie", r"cookie", lower=True),
    Anchor("secret.word_value", _CREDENTIAL_WORDS, lower=True),
    Anchor("secret.password_word", _PASSWORD_WORDS, lower=True),
    Anchor("secret.pair", _PAIR_WORDS, lower=True),
    # "pass" and "cred" as words of their own, before a space: `user dhernandez / pass
    # ...`, `cred dump: ...`; not "bypass" (word_start), "password" or "credit" (the
    # two other anchors _said_passwords reads hold "password" and "creds").
    Anchor("secret.said", r"(?:pass|cred)[ \t]", lower=True, word_start=""),
    # What the rules that once searched the whole text for a literal need (their
    # pattern holds it): found by the shared scan, not by one more pass over the text
    # each. Not "@" and "://" (_LOGIN_PAIR, _DSN): as anchors they cost the scan more
    # (a one-byte literal: ~7M instructions a pii-dev pass) than a search of the text.
    Anchor("secret.pem", r"PRIVATE KEY"),  # _pem
    Anchor("secret.go_dsn", r"@tcp\(|@unix\("),  # _go_dsn
    Anchor("secret.close_tag", r"</"),  # _ELEMENT_WORDS
    *_RULE_ANCHORS,
)


class SecretDetector:
    name = "secrets"
    labels = ("API_KEY", "SECRET")
    anchors = _ANCHORS

    def find(self, t: Text) -> list[Span]:
        # Keyword patterns run on the lower-cased text; offsets are the same unless
        # lower-casing changed the length (rare letters), then it is the text itself.
        out: list[Span] = []
        if _ANCHOR_NAMES.isdisjoint(t.anchors_found()):
            # The usual text: no anchor of this detector. Every rule tried where its
            # anchors are finds nothing; the two that search the text are read alone.
            _url_and_login_passwords(t.raw, out)
            return _public(t.raw, out)
        text, low = t.raw, t.low
        for m in matches_at(_KEY_SHAPES, text, t.spans("secret.key_shape")):
            value = m.group()
            if value.startswith("eyJ") and not _jwt(value):
                continue
            if (value.startswith(_MAINTAINED_SK) or "T3BlbkFJ" in value) and not _generated(
                value.split("-", 2)[-1]
            ):
                continue
            if starts_word(text, m.start(), "_-") and not _filler(value):
                out.append(span(m.start(), m.end(), "API_KEY"))
        for m in matches_at(_PREFIXED_KEY, text, t.spans("secret.prefixed")):
            body = m.group("body")
            if starts_word(text, m.start(), "_-.") and _generated(body) and not _filler(body):
                out.append(span(m.start(), m.end(), "API_KEY"))
        out.extend(find_keys(t))
        for m in matches_at(_QUOTED_RUN, text, t.spans("secret.quoted")):
            if _random_draw(m.group("value")) and not _about_secret(_name_before(text, m.start())):
                out.append(span(m.start("value"), m.end("value"), "API_KEY"))
        # The known key shapes are what is in ``out`` so far (only appended to below):
        # their places are made a set only if a credential word's value is checked.
        known_keys = len(out)
        for m in matches_at(_WEBHOOK_SECRET, text, t.spans("secret.whsec")):
            out.append(span(m.start(), m.end(), "SECRET"))
        if t.has("secret.b64_64") or t.has("secret.azure"):
            out.extend(_azure_keys(t))
        if t.has("secret.pem"):
            out.extend(self._pem(text))
        _url_and_login_passwords(text, out)
        named = t.spans("secret.assignment")
        if t.has("secret.pass"):
            named = sorted([*named, *t.spans("secret.pass")])
        for m in matches_at(_ASSIGNMENT, low, named):
            out.extend(self._assigned(m, text, low))
        key_named = matches_at(_KEY_NAMED, low, t.spans("secret.key_named"))
        if key_named:
            taken = {(s.start, s.end) for s in out}  # found by a rule above: not again
            for m in key_named:
                out.extend(self._key_named(m, text, taken))
        assignments = t.spans("secret.assignment")
        closes = t.spans("secret.close_tag")
        if assignments and closes and closes[-1][0] >= assignments[0][0]:
            # Only names an element's ">" closes soon after: the regex is tried there.
            elements = [(s, e) for s, e in assignments if low.find(">", e, e + 40) >= 0]
            for m in matches_at(_ELEMENT_WORDS, low, elements):
                for w in _WORD.finditer(text, m.start("content"), m.end("content")):
                    word = w.group()
                    if looks_random(word, 16, 3.0) and not (_typed(word) or placeholder(word)):
                        out.append(span(w.start(), w.end(), "API_KEY"))
        # _CLI_NAMED needs a space or tab right after the name's run of name characters
        # (its name and the rest of its flag are all such characters): the places
        # where none follows are not tried (most names are followed by "=", ":", '"').
        flags = [(s, e) for s, e in t.spans("secret.assignment") if _space_after_name(low, s)]
        for m in matches_at(_CLI_NAMED, low, flags):
            flag = _cli_flag(low, m)
            if flag or _set_command(low, m):
                value = text[m.start("value") : m.end("value")]
                if _cli_value(value) or (not flag and _generated_value(value)):
                    out.append(span(m.start("value"), m.end("value"), "SECRET"))
        if t.has("secret.go_dsn"):
            out.extend(_go_dsn(text))
        # _AUTH_CALL needs a "(" or "=" after the call's name (past white space): its
        # names are runs of letters and "_" ended by neither, tried only there.
        calls = [(s, e) for s, e in t.spans("secret.auth_call") if _called(low, s)]
        for m in matches_at(_AUTH_CALL, low, calls):
            if m.group("call") in ("connect", "getconnection") and m.group("first") is None:
                continue  # a connection call's password comes after its URL and user
            value = text[m.start("value") : m.end("value")]
            if _typed_password(value) and not _code_like(value):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        for m in matches_at(_CLI_PASSWORD, text, t.spans("secret.cli")):
            value = m.group("value")
            # held to a URL password's test: `-p$MYSQL_PWD`, `--password="$PASS"` are templates;
            # `-p $(openssl passwd ...)`, a command's output, is none either
            if value.startswith(("$(", "`")):
                continue
            if not placeholder_password(value) and (looks_random(value, 6, 2.5) or _strong(value)):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        for m in matches_at(_DASH_PASS, low, t.spans("secret.dash_pass")):
            value = text[m.start("value") : m.end("value")]
            if m.start() > 0 and not low[m.start() - 1].isspace():
                continue  # a flag follows a space (`UAC-bypass` is no flag)
            if not value.startswith(("env:", "file:", "fd:", "stdin")) and _cli_value(value):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        line_end = -1
        for at, _ in t.spans("secret.redis_cli"):
            if at < line_end:
                continue  # on a line read already
            line_end = text.find("\n", at)
            line_end = len(text) if line_end < 0 else line_end
            for m in _REDIS_CLI_A.finditer(text, at, line_end):
                if _cli_value(m.group("value")):
                    out.append(span(m.start("value"), m.end("value"), "SECRET"))
        for m in matches_at(_OPENSSL_PASSWD, low, t.spans("secret.openssl_passwd")):
            out.extend(_passwd_argument(text, m.start("args"), m.end("args")))
        for m in matches_at(_SMTP_PLAIN, low, t.spans("secret.smtp_plain")):
            if "\0" in _b64_text(text[m.start("value") : m.end("value")]):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        for m in matches_at(_SMTP_LOGIN, text, t.spans("secret.smtp_login")):
            if not placeholder(_b64_text(m.group("value"))):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        for m in matches_at(_AUTH_HEADER, low, t.spans("secret.authorization")):
            scheme = m.group("scheme") or ""
            label = "SECRET" if scheme == "basic" else "API_KEY"
            value = text[m.start("value") : m.end("value")]
            if placeholder(value) or (label == "API_KEY" and _typed(value)):
                continue
            if label == "SECRET" and _placeholder_pair(value):
                continue  # `Basic dXNlcjpwYXNzd29yZA==`: "user:password", documentation's
            out.append(span(m.start("value"), m.end("value"), label))
        for m in matches_at(_COOKIE, low, t.spans("secret.cookie")):
            value = text[m.start("value") : m.end("value")].strip()
            if "=" in value and not placeholder(value):
                out.append(span(m.start("value"), m.start("value") + len(value.rstrip()), "SECRET"))
        for m in matches_at(_CURL_USER, text, t.spans("secret.curl")):
            # user:password, as in a URL: the same test (`-u user:$PASS` is a template)
            if not placeholder_password(m.group("value")):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        # _WORD_THEN_VALUE needs " " or ":" right after its word (the anchor's match: no
        # word is the start of another) or after an "s" there.
        words = [(s, e) for s, e in t.spans("secret.word_value") if _word_then_space(low, e)]
        word_values = matches_at(_WORD_THEN_VALUE, low, words)
        keys: set[tuple[int, int]] = (
            {(s.start, s.end) for s in out[:known_keys]} if word_values else set()
        )
        for m in word_values:
            value = text[m.start("value") : m.end("value")]
            if (m.start("value"), m.end("value")) in keys or placeholder(value):
                continue  # a known key shape is reported as such above
            if _FILE_NAME.fullmatch(value) is not None:
                continue  # `the secret is report_2024_final.pdf`: where it is, or a file
            if len(value) < _SHORT_SAID:
                if (
                    (m.group("verb") is not None or ":" in m.group("sep"))
                    and _SHORT_SAID_VALUE.fullmatch(value) is not None
                    and _token_like(value)
                    and looks_random(value, 12, 3.0)
                    and not (_typed(value) or typed_stretch(value) or _code_like(value))
                ):
                    out.append(span(m.start("value"), m.end("value"), "SECRET"))
            elif looks_random(value, 20, 3.5) and not _typed(value):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        for m in matches_at(_CRED_PAIR, low, t.spans("secret.pair")):
            value = text[m.start("value") : m.end("value")]
            if _strong(value) and not (placeholder_password(value) or value.startswith("/")):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        said = [*t.spans("secret.password_word"), *t.spans("secret.pair"), *t.spans("secret.said")]
        if said:
            _said_passwords(text, low, sorted(said), out)
        for m in matches_at(_PASSWORD_WORD, low, t.spans("secret.password_word")):
            value = text[m.start("value") : m.end("value")]
            if value.startswith("-"):
                continue  # a command's option after `passwd` (`openssl passwd -stdin`)
            if "://" in value:
                # a URL: where a password is set or read (`password: https://vault/ui`),
                # or the next argument after a pair's password (`curl -uadmin:pw https://
                # api`); a URL's own password is _DSN's
                continue
            # A sentence's stop is no part of what makes it a password: "The password
            # for your account is incorrect." (review31a); the value masked keeps it.
            # Not "!" ("password is Summer!", review31b). Nor two lower-case words
            # joined ("is case-sensitive.", "is single-use."): prose.
            bare = value.rstrip(".:")
            if (
                _strong(bare)
                and not _prose_pair(bare)
                and not (placeholder(value) or _code_like(value) or _names_slot(value))
            ):
                out.append(span(m.start("value"), m.end("value"), "SECRET"))
        return _public(text, out)

    def _pem(self, text: str) -> list[Span]:
        out: list[Span] = []
        matched_until = 0
        for m in _PEM.finditer(text):
            matched_until = m.end()
            if _KEY_MATERIAL.search(text, m.start(), m.end()):
                out.append(span(m.start(), m.end(), "SECRET"))
        # A block pasted without its END line: mask from the header to the blank line.
        for m in _PEM_OPEN.finditer(text, matched_until):
            end = text.find("\n\n", m.end())
            end = len(text) if end < 0 else end
            if _KEY_MATERIAL.search(text, m.end(), end):
                out.append(span(m.start(), end, "SECRET"))
        return out

    def _key_named(self, m: re.Match[str], text: str, taken: set[tuple[int, int]]) -> list[Span]:
        group = "qvalue" if m.group("qvalue") is not None else "value"
        start, end = m.start(group), m.end(group)
        if (start, end) in taken:
            return []
        value = text[start:end]
        if not looks_random(value, 16, 3.0) or "://" in value or _typed(value):
            return []
        # The name before "key" (a few words at most: not back through a long token).
        name_start = m.start()
        floor = max(0, name_start - 40)
        while name_start > floor and (
            text[name_start - 1].isalnum() or text[name_start - 1] in "_.-"
        ):
            name_start -= 1
        if _about_secret(text[name_start : m.start() + 3]):
            return []
        name = text[name_start : m.start()].lower()
        if _holds(name, _NOT_SECRET_KEYS):
            return []
        if _code_like(value) or placeholder(value) or typed_stretch(value):
            return []
        return [span(start, end, "API_KEY")]

    def _assigned(self, m: re.Match[str], text: str, low: str) -> list[Span]:
        out: list[Span] = []
        # The groups' bounds in one read (each m.start(name) is a method call).
        regs = m.regs
        start, end = regs[_GROUP_QVALUE]
        if start < 0:
            start, end = regs[_GROUP_VALUE]
        name_start, name_end = regs[_GROUP_NAME]
        name, value = low[name_start:name_end], text[start:end]
        if placeholder(value) or value.lower() in _NOT_SECRET_VALUES:
            return out
        if _about_name(text, name_start, name_end, value, _ABOUT_LAST, _ABOUT_ANY):
            return out  # `password_reset_url = ...`, `POSTGRES_PASSWORD=postgres`
        if value.startswith(("http://", "https://")) or "://" in value:
            return out  # a URL-valued setting; DSN passwords are found on their own
        if value.endswith("]]") and text.startswith("]]>", end - 2):
            end -= 2  # a CDATA section's end
            value = text[start:end]
        if name.rstrip("\"'").endswith("id") and not _secret_id(name, value):
            return out  # client and key ids identify, they do not authenticate
        if _code_like(value.rstrip(":")):
            return out  # a variable, an attribute or a call: where the value comes from
        if regs[_GROUP_CALL][0] >= 0 and not _call_value(value):
            return out  # `get_secret("prod/db")`, `token("refresh")`: a name, a path
        if typed_stretch(value) and not _holds(name, _PASSWORD_NAMES):
            return out  # typed over a generated value's slot; passwords are typed
        secret_name = _holds(name, _SECRET_NAMES)
        if secret_name and (len(value) >= 8 or _strong(value)):
            label = "SECRET"
        elif (looks_random(value, 16, 3.0) or _token_like(value)) and not _typed(value):
            label = "API_KEY"
        else:
            return out
        # Asked last, of the values about to be reported only (most are not):
        if _names_slot(value):
            return out  # `notapassword`, `my-test-secret`: a stand-in naming its slot
        if _digest_name(name) and _DIGEST_VALUE.fullmatch(value) is not None:
            return out  # `password_md5 = <hex>`, `api_key_sha256: <hex>`: a digest of it
        out.append(span(start, end, label))
        return out


_ANCHOR_NAMES: Final = frozenset(a.name for a in _ANCHORS)


def _url_and_login_passwords(text: str, out: list[Span]) -> None:
    """The passwords of URLs (``scheme://user:password@host``) and of an e-mail address
    with a password after it (``x@y.z / P4ssw0rd!``), added to ``out``."""
    for m in _literal_matches(_DSN, text, "://"):
        value, start = m.group("value"), m.start("value")
        if "@" in value and placeholder_password(value):
            value = value[: value.index("@")]  # what it swallowed was the filler
        if documentation_host(text[start + len(value) + 1 : start + len(value) + 300]):
            continue  # `user:pass@db.example.com`: documentation's (RFC 2606)
        if not placeholder_password(value):
            out.append(span(start, start + len(value), "SECRET"))
    for m in _literal_matches(_LOGIN_PAIR, text, "@"):
        value = m.group("value")
        if _in_url(text, m.start()):
            continue  # an address in a URL's path: what follows is the path
        if _strong(value) and not placeholder(value):
            out.append(span(m.start("value"), m.end("value"), "SECRET"))


# How far after a credential word a password said in prose is looked for: a sentence
# or two (`my password is literally my dog's name + birth year, Biscuit2014`), never
# past a blank line.
_SAID_REACH: Final = 160
# What a word said in prose is wrapped in, or ends with, that is no part of it (a
# full-width colon too: `密码：...`).
_SAID_LEADING: Final = "([{\"'`\u201c\u2018<\uff1a"
_SAID_TRAILING: Final = ".,;:?)]}\"'`\u201d\u2019>"
# A character no password said in a sentence holds, but code, paths, addresses and
# assignments do (`getPassword2()`, `/etc/app1.conf`, `DB_PASS=...`, `ops@x.io`).
_NOT_SAID: Final = frozenset("/\\<>=(){}[]@|:")
# Words that tie the word after them to a password said: the credential words' last
# words, the verbs of _PASSWORD_WORD, and a few of time and change.
_SAID_LINKS: Final = frozenset(
    [w.split()[-1] for w in _PASSWORD_WORDS.split("|")]
    + VERBS.split("|")
    + ["pass", "passwords", "to", "now", "still", "new", "old"]
)
# A word long enough to be a said password (_said_password_shape: 8 or more), found by
# the regex engine: most words of a sentence are shorter, and are not looked at.
_LONG_WORD: Final = re.compile(r"\S{8,}")
# Words that separate parts of a name or version, not what makes a password strong.
_SEPARATORS: Final = frozenset("-._")


def _said_passwords(text: str, low: str, words: list[tuple[int, int]], out: list[Span]) -> None:
    """Passwords said in prose away from their word, added to ``out``: after a credential
    word ("password", "pw", "pass", "creds"; not "login", a page's or a count's as often),
    in the sentence or two that follow, a word shaped as people make passwords
    (_said_password_shape) and tied to what is said (_said_password): `changed it to
    Tr0ub4dor&3x last week`, `(was stg-Koala-2219)`, `steam pw (Gr3mlin$Cave)`, and the
    password of each `user:password` line of a credential dump."""
    reached = 0
    for start, end in words:
        n = len(low)
        if low[end - 1] in " \t":
            end -= 1  # secret.said's match holds the space after its word
        if end < n and low[end] == "s":
            end += 1  # "passwords", "creds"
        if (end < n and low[end].isalnum()) or (start > 0 and not _word_before(low[start - 1])):
            continue  # part of a longer word or token: "passport", "credit", "/Pw3Qag"
        if low.startswith("login", start):
            continue
        stop = min(n, end + _SAID_REACH)
        for blank_line in ("\n\n", "\n\r\n"):
            blank = text.find(blank_line, end, stop)
            if blank >= 0:
                stop = blank
        for m in _LONG_WORD.finditer(text, max(end, reached), stop):
            word_end = m.end()
            while word_end < n and not text[word_end].isspace():
                word_end += 1  # the word goes on past the window
            _said_password(text, m.start(), word_end, out)
            reached = word_end  # the next window starts after it, not inside it
        reached = max(reached, stop)


def _word_before(c: str) -> bool:
    """Whether a word may start after ``c``: a space or an opening mark, not a letter
    or the inside of a token (`SHA256:.../Pw3Qag`, `x_pw`, `a.pass`)."""
    return c.isspace() or c in _SAID_LEADING


def _said_password(text: str, start: int, end: int, out: list[Span]) -> None:
    """The word ``text[start:end]`` (between spaces) if it is a said password, or its
    part after a user name and ":" (`j.mwangi:Kenya4ever`), added to ``out``. Only a word
    tied to what is said: in parentheses (`pw (Gr3mlin$Cave)`), right after a credential
    word or a verb (`pass Valparaiso.77`, `changed it to ...`, `(was ...`) or a colon, or
    a `user:password` line's; not any model, host or file named in the same sentence
    (`the login on MacBookPro16`, `ubuntu22.04LTS`: review32)."""
    if text[end - 1] == ":":
        return  # a key, its value follows (`auth0_clientID: ...`)
    line_start = start == 0 or text[start - 1] == "\n"
    if not (text[start] == "(" or (line_start and ":" in text[start:end]) or _tied(text, start)):
        return
    while start < end and text[start] in _SAID_LEADING:
        start += 1
    while end > start and text[end - 1] in _SAID_TRAILING:
        end -= 1
    colon = text.find(":", start, end)
    if colon > start:
        start = colon + 1  # `user:password`; a second ":" fails the shape
    value = text[start:end]
    if _said_password_shape(value):
        out.append(span(start, end, "SECRET"))


def _tied(text: str, start: int) -> bool:
    """Whether the word before ``start`` ties the word there to what is said: a
    credential word, a verb (`is`, `was`, `to`, `now`...) or a word ending with ":"."""
    end = start
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    if end > 0 and text[end - 1] == ":":
        return True
    begin = end
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    while begin < end and text[begin] in _SAID_LEADING:
        begin += 1
    return text[begin:end].lower() in _SAID_LINKS


def _said_password_shape(value: str) -> bool:
    """A word people make a password of: 8 to 64 characters, lower-case letters (three
    or more letters) with a digit, and a capital or a symbol other than a separator
    inside it (`Biscuit2014`, `QA_backup#11`, `stg-Koala-2219`); not a host, version or id
    (`web-prod-03`, `ubuntu-22.04`, `INC-20931`), nor a camelCase, dotted or capitals'
    name (`MacBookPro16`, `socks.PROXY5`, `ERR_AUTH401x`), nor code, a path or an address
    (_NOT_SAID), nor a documentation filler."""
    if not 8 <= len(value) <= 64 or value[0] in "$%":
        return False  # a variable (`$DB_PASS2`, `%PASS_1%`) names one
    letters = capitals = 0
    digit = strong = symbol = hump = False
    last = len(value) - 1
    previous = ""
    for i, c in enumerate(value):  # one loop, no generator
        if c in _NOT_SAID or c.isspace():
            return False
        if c.isalpha():
            letters += 1
            if not c.islower():
                if previous.islower():
                    hump = True  # a camelCase name: `MacBookPro16`, `SignupForm2`
                capitals += 1
                strong = True
            if previous == ".":
                return False  # a dotted name or a file's: `socks.PROXY5`, `a2.json`
        elif c.isdigit() and previous == "." and i > 1 and value[i - 2].isdigit():
            return False  # a version's `22.04` (`ubuntu22.04LTS`)
        elif c.isdigit():
            digit = True
        elif c not in _SEPARATORS and 0 < i < last:
            strong = symbol = True  # inside the word: `12chars+` is a length said, no password
        previous = c
    lowers = letters - capitals  # more capitals: a code or a constant (`ERR_AUTH401x`)
    # A generated password draws capitals as often as lower case (`Hj8&kL2!pQ`,
    # `gT7#vQ2!mZ9xL4`): with a symbol inside it, as many capitals as lower-case letters
    # or up to twice as many.
    # A camelCase hump is a name's (`MacBookPro16`) unless a symbol says the value was
    # drawn or typed to be strong.
    if hump and not symbol:
        return False
    cased = lowers > capitals or (symbol and lowers >= 2 and 2 * lowers >= capitals)
    return cased and digit and strong and letters >= 3 and not placeholder_password(value)


def _literal_matches(pattern: re.Pattern[str], text: str, literal: str) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that begins with ``literal``: its places
    found by ``str.find`` (a fast search of the text) and the pattern matched there
    only; the regex's own search steps through every character of the text (~10
    instructions each), and these two are asked of every text holding the literal."""
    out: list[re.Match[str]] = []
    at = text.find(literal)
    while at >= 0:
        m = pattern.match(text, at)
        if m is None:
            at = text.find(literal, at + 1)
        else:
            out.append(m)
            at = text.find(literal, max(m.end(), at + 1))
    return out


def _public(text: str, out: list[Span]) -> list[Span]:
    """``out`` without the keys that are public by design: Stripe's convention, which
    others follow (Clerk, Paystack), of a publishable key (`pk_live_...`, `pk_test_...`)
    written into web pages. (Asked of the findings, not searched for in the text:
    cheaper; a find bounded to three characters first: no slice, no generic call.)"""
    if not out:
        return out
    return [
        s
        for s in out
        if not (
            text.find("pk_", s.start, s.start + 3) >= 0 and text.startswith(_PUBLISHABLE, s.start)
        )
    ]


# $VAR, %VAR%, settings.SECRET_KEY, os.environ["X"], get_token(...)
_CODE_LIKE: Final = re.compile(
    r"\$\{?\w+\}?|%\w+%"  # a variable
    r"|[A-Za-z_]+(?:\.[A-Za-z_]+)+(?:\[.*|\(.*)?|[A-Za-z_][\w.]*\(.*"  # an attribute, a call
    r"|[A-Za-z]+(?:_[A-Za-z]+)+"  # snake_case words: an identifier, not a generated value
    # a subscript by a quoted or symbol key (`$_POST['password']`, `params[:password]`;
    # the value may stop at the quote)
    r"|\$?[A-Za-z_][\w.]*\[(?:[\"':].*)?"
    # a bind parameter or SQL variable named for the credential (`:password`, `@db_pass`)
    r"|[:@](?:[a-z]+_)*(?:password|passwd|pass|pwd|secret|token|api_key|key)"
    # a YAML tag (`!vault |`, `!secret wifi_password`, `!Ref DbPassword`), a SOPS value
    r"|![A-Za-z]+|ENC\[.*"
)


def _code_like_in_python(value: str) -> bool:
    """Whether the whole of ``value`` is code (_CODE_LIKE). The reference for
    ``zdr.detect._runs`` (C), which reads it without a regex call (~4k instructions a
    value: the call and nine alternatives tried in turn)."""
    return _CODE_LIKE.fullmatch(value) is not None


_code_like: Final = in_c("code_like", _code_like_in_python)


def _passwd_argument(text: str, start: int, end: int) -> list[Span]:
    """The password `openssl passwd` is given in ``text[start:end]``: its first argument
    that is no option (nor an option's value); none when it reads the password from
    elsewhere (`-stdin`, `-in file`)."""
    skip = False
    for w in re.finditer(r"[^\s\"']+", text[start:end]):
        word = w.group()
        if skip:
            skip = False
        elif word in ("-stdin", "-in"):
            return []
        elif word.startswith("-"):
            skip = word in _OPTION_WITH_VALUE
        elif _cli_value(word) or _strong(word):
            if placeholder_password(word) or _code_like(word):
                return []
            return [span(start + w.start(), start + w.end(), "SECRET")]
        else:
            return []
    return []


def _digest(text: str, start: int) -> bool:
    """Whether the base64 at ``start`` is named a digest or a signature: `sha512-` just
    before it, or a name of one (hash, digest, integrity, checksum, signature) in the 40
    characters before."""
    before = text[max(0, start - 40) : start].lower()
    return before.endswith("-") or any(
        w in before for w in ("hash", "digest", "integrity", "checksum", "signature", "sha")
    )


def _azure_keys(t: Text) -> list[Span]:
    """Azure's keys by their shape alone: the identifiable ones where their signature is
    (read back from it), the older storage keys where a base64 run of 86 ends in "=="."""
    out: list[Span] = []
    text = t.raw
    for _, pad_end in t.spans("secret.b64_64"):
        start = pad_end - 88
        if start < 0 or not starts_word(text, start, "+/=_-"):
            continue
        legacy = _AZURE_LEGACY.match(text, start)
        if legacy is not None and _generated(legacy.group()[:86]) and not _digest(text, start):
            out.append(span(start, legacy.end(), "API_KEY"))
    for at, sig_end in t.spans("secret.azure"):
        before, shape = _AZURE_KEYS[text[at:sig_end]]
        start = at - before
        if start < 0 or not starts_word(text, start, "+/_-"):
            continue
        key = shape.match(text, start)
        if key is not None and not _filler(key.group()):
            out.append(span(start, key.end(), "API_KEY"))
    return out


def _b64_text(value: str) -> str:
    """``value`` decoded from base64 as text (Latin-1, every byte a character), or ""."""
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4)).decode("latin-1")
    except (ValueError, binascii.Error):
        return ""


_UUID: Final = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def _secret_id(name: str, value: str) -> bool:
    """A `secret_id` that is a credential: Vault AppRole's SecretID, a generated value (a
    UUID, a random run), where other `..._id`s identify; not a secret's name or ARN
    (`--secret-id prod/db`, AWS Secrets Manager's `SecretId`)."""
    return (
        name.replace("-", "_").endswith("secret_id")
        and "/" not in value
        and ":" not in value
        and (_UUID.fullmatch(value) is not None or looks_random(value, 16, 3.0))
    )


def _jwt(token: str) -> bool:
    """Whether the header and payload of ``token`` decode (base64url, padding optional)
    to JSON, as detect-secrets' JWT plugin checks; a run that only looks like one (a
    part of bad length, bytes that are not JSON) is not a token."""
    parts = token.split(".")
    for part in parts[:2]:
        part = part.rstrip("=")
        if len(part) % 4 == 1:
            return False
        try:
            json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            return False
    return True


# Every character of a credential name (_ASSIGNMENT_NAMES) or of a flag's rest.
_NAME_CHARACTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-ñłşöóпароль")


def _space_after_name(low: str, i: int) -> bool:
    """Whether the run of name characters at ``i`` is followed by a space or a tab."""
    n = len(low)
    while i < n and low[i] in _NAME_CHARACTERS:
        i += 1
    return i < n and low[i] in " \t"


_CALL_CHARACTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyz_")


def _called(low: str, i: int) -> bool:
    """Whether the run of letters and "_" at ``i`` is followed, past white space, by a
    "(" or "=" (a call or an assignment of its arguments)."""
    n = len(low)
    while i < n and low[i] in _CALL_CHARACTERS:
        i += 1
    while i < n and low[i].isspace():
        i += 1
    return i < n and low[i] in "(="


def _word_then_space(low: str, end: int) -> bool:
    """Whether a space or ":" follows ``end``, or an "s" and then one."""
    if end < len(low) and low[end] == "s":
        end += 1
    return end < len(low) and low[end] in " :"


def _cli_flag(low: str, m: re.Match[str]) -> bool:
    """Whether the name ``m`` found is the last word of a `--flag` (its "--" before it,
    after a space), not a flag that names a file or a stream."""
    rest = m.group("rest")
    if rest and not rest.endswith(_CLI_NAME_ENDS):
        return False
    i = m.start()
    floor = max(0, i - 40)
    while i > floor and (low[i - 1].isalnum() or low[i - 1] == "-"):
        i -= 1
    return low.startswith("--", i) and (i == 0 or low[i - 1].isspace())


# The word before a setting's name when a command sets it, its value after a space:
# `aws configure set aws_secret_access_key ...`, `npm config set _authToken ...`,
# `git config --global github.token ...`.
_SET_WORDS: Final = frozenset(("set", "config", "--global", "--local", "--system"))
_SET_NAME_CHARACTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-.:/")
_SET_NAME_ENDS: Final = (
    "secret", "token", "key", "password", "passwd", "pwd", "pass", "credential", "credentials",
)  # fmt: skip


def _set_command(low: str, m: re.Match[str]) -> bool:
    """Whether the name ``m`` found is a setting a command sets, its value after a
    space (`aws configure set aws_secret_access_key ...`, `npm config set _authToken
    ...`): the whole name ends in a credential word, not one about it (`*_path`,
    `public_key`), and `set`, `config` or git's scope flag stands before it."""
    i = m.start()
    floor = max(0, i - 80)
    while i > floor and low[i - 1] in _SET_NAME_CHARACTERS:
        i -= 1
    name = low[i : m.end("rest")]
    if not name.endswith(_SET_NAME_ENDS) or _about_secret(name):
        return False
    end = i
    while end > 0 and low[end - 1] in " \t":
        end -= 1
    if end == i or end == 0:
        return False  # no word before it on the line
    begin = end
    while begin > 0 and not low[begin - 1].isspace():
        begin -= 1
    return low[begin:end] in _SET_WORDS


def _generated_value(value: str) -> bool:
    """A setting's value that is generated, "/" and all (an AWS secret key holds "/"):
    not a path (a leading "/", "./", "~/"), 20 characters or more, high entropy."""
    return (
        not value.startswith(("/", "./", "~/", "../"))
        and looks_random(value, 20, 3.5)
        and not (_typed(value) or _filler(value))
    )


def _cli_value(value: str) -> bool:
    """A flag's value that is a credential: not a path, variable or placeholder; typed
    (mixed) or generated-looking."""
    return (
        "/" not in value
        and not placeholder_password(value)
        and not _code_like(value)
        and (_strong(value) or looks_random(value, 10, 3.0))
    )


def _go_dsn(text: str) -> list[Span]:
    """The password of Go's MySQL DSN, `user:password@tcp(host:3306)/db` (no scheme: the
    URL rule does not read it), up to the "@" before `tcp(` or `unix(`."""
    out: list[Span] = []
    for marker in ("@tcp(", "@unix("):
        at = text.find(marker)
        while at >= 0:
            start = at
            while start > max(0, at - 200) and text[start - 1] not in " \t\n\"'`=(":
                start -= 1
            colon = text.find(":", start, at)
            if colon >= 0 and colon + 1 < at:
                value = text[colon + 1 : at]
                if not placeholder_password(value):
                    out.append(span(colon + 1, at, "SECRET"))
            at = text.find(marker, at + 1)
    return out


def _filler(value: str) -> bool:
    """A placeholder, or a stretch typed where a generated value belongs."""
    return placeholder(value) or typed_stretch(value)


def _holds(name: str, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` occurs in ``name``: a loop, no generator (compiled, the
    generator's frame cost more than the tests; validators.any_in, in C, indexes the
    words of the tuple it was last given, which is placeholder's, so asking it of
    another tuple between two placeholder tests would index both again each time)."""
    for w in words:
        if w in name:
            return True
    return False


def _token_like(value: str) -> bool:
    """A value a token-named setting holds: ten or more characters mixing at least three
    letters and two digits (generated tokens of any alphabet, lower-case ones too), or
    a long run of digits; dates, times and versions have fewer letters."""
    if len(value) < 10:
        return False
    # one loop, no generator (compiled, two sums of generators cost ~5x this)
    digits = letters = 0
    for c in value:
        if c.isdigit():
            digits += 1
        elif c.isalpha():  # never both: a digit is no letter
            letters += 1
    if digits == len(value):
        return digits >= 20
    return letters >= 3 and digits >= 2


# A file a call is given (a template, a key file), not a password.
_FILE_NAME: Final = re.compile(r".+\.[a-z]{2,5}")


def _typed_password(value: str) -> bool:
    """A call argument that is a password: one word (no space, no path, no file
    name) of 8 characters or mixed ones, and not a placeholder: not `'Welcome back!'`,
    `'accounts/login.html'`, `'service-account.json'`, `'Bearer'`, `'admin'`."""
    return (
        _one_word(value)
        and _FILE_NAME.fullmatch(value) is None
        and (len(value) >= 8 or _strong(value))
        and not placeholder_password(value)
    )


# Words joined the way names and paths are (`prod/db-password`, `app.signing-key`).
_NAME_LIKE: Final = re.compile(r"[a-z]+(?:[-_./:][a-z0-9]+)*")


def _call_value(value: str) -> bool:
    """A constructor's argument that is the credential itself (`std::string
    secret("...")`), not the name or path of one a call looks up (`get_secret("prod/db")`,
    `token("refresh")`): one word mixing letters with digits or symbols, not a path."""
    return _strong(value) and _one_word(value) and _NAME_LIKE.fullmatch(value) is None


def _one_word(value: str) -> bool:
    """No space and no "/": one word, not a phrase or a path."""
    return not any(c.isspace() or c == "/" for c in value)


def _strong(value: str) -> bool:
    """Password-like: letters and digits or symbols mixed, not a plain word or number."""
    if len(value) < 6 or value.isdigit():
        return False
    has_alpha = has_other = False
    for c in value:  # one loop, no generator
        if c.isalpha():
            has_alpha = True
        else:
            has_other = True
        if has_alpha and has_other:
            return True
    return False


def _typed(value: str) -> bool:
    """Mostly runs of repeated or consecutive characters (`111111`, `abc123xyz`,
    `aBcDeFgH`, `9876`): typed by hand to fill a slot where a generated value (a token,
    a key) belongs. Not asked of passwords, which people type."""
    return typed_runs(value.lower(), True)


def _generated(body: str) -> bool:
    """Upper case, lower case and digits, all three: what a generated key's body holds."""
    return (
        any(c.isupper() for c in body)
        and any(c.islower() for c in body)
        and any(c.isdigit() for c in body)
        and entropy(body) >= 4.0
    )


_HEX: Final = frozenset("0123456789abcdefABCDEF")


def _random_draw(value: str) -> bool:
    """Letters and digits as a random draw over all three classes gives them: two or
    more of each, the class changing from one character to the next at least two
    times in five (a draw over [A-Za-z0-9] changes it three times in five; a word of
    code, a capital then lower case, once a word), high entropy; no filler, and not
    hex in both cases (a generator writes hex in one)."""
    upper = lower = digits = changes = 0
    previous = 0
    for c in value:
        kind = 1 if c.isupper() else 2 if c.isdigit() else 3
        if kind == 1:
            upper += 1
        elif kind == 2:
            digits += 1
        else:
            lower += 1
        if previous and kind != previous:
            changes += 1
        previous = kind
    return (
        min(upper, lower, digits) >= 2
        and 5 * changes >= 2 * (len(value) - 1)
        and not _HEX.issuperset(value)
        and entropy(value) >= 3.5
        and not (_typed(value) or _filler(value))
    )


# What a name says of its value when the value is not the credential itself: its
# last word a setting about it (`password_reset_url`, `secret_name`, `token_type`,
# `SharedAccessKeyName`, `api_key_header`, `PASSWORD_MIN_LENGTH`, `secretRef`), or a word that
# makes it public or a one-way function of the secret (`public_key`, `password_hash`,
# `token_digest`). Whole words of the name (snake_case, camelCase, kebab-case).
_ABOUT_LAST: Final = frozenset(
    "name names path file filename dir url uri endpoint host field header type length len "
    "policy prompt label hint format pattern regex ttl expiry lifetime version algorithm "
    "alg ref reference arn".split()
)
_ABOUT_ANY: Final = frozenset("public hash hashed digest checksum fingerprint".split())
_NAME_WORDS: Final = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
# An assignment before a quote: a name, then an operator (`name := "`, `name: '`).
# Possessive: what follows a name (a quote, a space, an operator) is none of its
# characters, so a shorter name never matches where the longest failed; without it,
# each of 80 starts was tried with every length (~120k instructions a search).
_NAME_BEFORE: Final = re.compile(r"([A-Za-z_][\w.-]{0,60}+)[\"'`]?[ \t]*(?::=|=>|[:=])[ \t]*$")


def _about_secret(name: str) -> bool:
    """Whether the name ``name`` is of a setting about a secret or of a value derived
    from it in public (_ABOUT_LAST, _ABOUT_ANY), not of the secret."""
    return _about_words([w.lower() for w in _NAME_WORDS.findall(name)])


def _about_words(
    words: list[str],
    about_last: frozenset[str] = _ABOUT_LAST,
    about_any: frozenset[str] = _ABOUT_ANY,
) -> bool:
    """_about_secret of a name already split into its lower-case words."""
    return bool(words) and (words[-1] in about_last or any(w in about_any for w in words))


def _named_after(value: str, words: list[str]) -> bool:
    """Whether ``value`` is a word of its own name, its lower-case ``words``
    (`POSTGRES_PASSWORD=postgres`, `REDIS_PASSWORD=redis`): a service's default,
    written where its name says."""
    low = value.lower()
    return len(low) >= 4 and low in words


def _about_name_in_python(
    text: str,
    start: int,
    end: int,
    value: str,
    about_last: frozenset[str],
    about_any: frozenset[str],
) -> bool:
    """Whether the name at ``text[start:end]``, with the part of its word before it
    (_name_back), is of a setting about a secret or of a value derived from it in public
    (_about_words, with its tables given), or holds ``value`` as one of its words
    (_named_after). The reference for ``zdr.detect._runs`` (C), which splits the name
    without a regex call and makes no list."""
    full_name = _name_back(text, start) + text[start:end]
    words = [w.lower() for w in _NAME_WORDS.findall(full_name)]  # read once for both
    return _about_words(words, about_last, about_any) or _named_after(value, words)


_about_name: Final = in_c("about_name", _about_name_in_python)


def _name_back(text: str, end: int) -> str:
    """The part of a name before ``end`` (a credential word found inside it:
    `nonMatching` of `nonMatchingToken`), at most 40 characters back."""
    i = end
    floor = max(0, end - 40)
    while i > floor and (text[i - 1].isalnum() or text[i - 1] in "_.-"):
        i -= 1
    return text[i:end]


def _name_before(text: str, quote: int) -> str:
    """The name a quoted value at ``quote`` is assigned to, if any (`wrongStart := "..."`)."""
    m = _NAME_BEFORE.search(text, max(0, quote - 80), quote)
    return m.group(1) if m else ""


def _placeholder_pair(value: str) -> bool:
    """Whether a Basic credential decodes to a user and a password that is a stand-in
    (`user:password`, `username:changeme`, `admin:<pass>`): held to the test a URL's
    `user:password@` and `curl -u user:password` are (placeholder_password)."""
    decoded = _b64_text(value)
    colon = decoded.find(":")
    return colon >= 0 and decoded.isprintable() and placeholder_password(decoded[colon + 1 :])


# What a digest is written as: hex of 32, 40, 56, 64, 96 or 128 digits, or a crypt
# string (`$1$`, `$2b$`, `$5$`, `$6$`, `$argon2id$`).
_DIGEST_VALUE: Final = re.compile(
    r"(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}"
    r"|[0-9a-fA-F]{128}|\$(?:1|2[abxy]?|5|6|argon2(?:id|i|d)?)\$\S+)"
)


def _digest_name(name: str) -> bool:
    """Whether the credential's name ends in a digest's algorithm (`password_md5`,
    `api_key_sha256`, `secret-sha512`, `tokenSha1` lower-cased): its value is the
    credential's digest, as `password_hash` names one (_ABOUT_ANY), not the credential.
    Not a key named for the algorithm it signs with (`hmac_sha256_key`: "key" is last)."""
    if "sha" not in name and "md5" not in name:
        return False  # (most names: two searches, no copies)
    core = name.rstrip("\"'`").rstrip("0123456789").rstrip("-_")
    for algorithm in ("sha", "md"):
        if core.endswith(algorithm):
            before = len(core) - len(algorithm)
            if algorithm == "md" and not name.rstrip("\"'`").endswith("md5"):
                return False
            # its own word: after a separator or a credential word (`tokensha1`)
            return before > 0 and (
                core[before - 1] in "-_."
                or core[:before].endswith(
                    ("password", "passwd", "pwd", "secret", "token", "key", "pass")
                )
            )
    return False


def _prose_pair(value: str) -> bool:
    """Two lower-case words joined by a hyphen: an adjective of prose after "password
    is" (`case-sensitive`, `single-use`)."""
    first, hyphen, second = value.partition("-")
    return bool(hyphen) and first.isalpha() and second.isalpha() and value.islower()


def _names_slot(value: str) -> bool:
    """Letters alone that hold the name of the slot (`notapassword`, `mysecret`,
    `supersecrettoken`), or the slot's name joined by "-", "_" or "." to words a
    stand-in is written with and short numbers (`my-test-secret`, `test-token-123`,
    `api-key-1234`, `super-secret-password`): a writer's stand-in, not a credential.
    Not a value with a capital (`Secret-Garden-2024` may be a password someone chose),
    another word (`summer-password-2024`) or a random part."""
    if value.isalpha():
        low = value.lower()
        return any(w in low for w in ("password", "passwd", "secret", "token"))
    # (cheap tests first: most values hold a capital, or no joiner)
    if not value.islower() or not ("-" in value or "_" in value or "." in value):
        return False
    if _SLOT_IN.search(value) is None:
        return False  # (one search, where splitting each value cost more)
    slot = False
    for part in _JOINERS.split(value):
        if part in _SLOT_WORDS:
            slot = True
        elif not (part in _STAND_IN_WORDS or (part.isdigit() and len(part) <= 4)):
            # another word, a random part, a long number: maybe chosen or generated
            # (`summer-password-2024`, `blue-key-77`; review31b)
            return False
    return slot


_JOINERS: Final = re.compile(r"[-_.]")
_SLOT_IN: Final = re.compile(r"pass|pwd|secret|token|key|credential")
# The words a stand-in is written with beside its slot's name (`my-test-secret`,
# `super-secret-password`, `dummy-api-key`).
_STAND_IN_WORDS: Final = frozenset(
    "my your test testing example sample demo dummy fake mock placeholder super dev "
    "local api the a this some default".split()
)
# The names of a credential's slot, as a whole word of a stand-in value.
_SLOT_WORDS: Final = frozenset(
    "password passwd pass pwd passphrase secret token key apikey credential credentials".split()
)


def _in_url(text: str, at: int) -> bool:
    """Whether position ``at`` is inside a URL: its word (back to a space or a line
    break) holds a scheme's "://"."""
    word_start = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1
    return "://" in text[word_start:at]
