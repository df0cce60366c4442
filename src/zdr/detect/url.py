"""URLs that identify a person or account, or carry a capability."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources
from typing import Final

from zdr.detect.model import (
    Span,
    occurrences,
    span,
)
from zdr.detect.names import first_names
from zdr.detect.scan import Anchor, Text, matches_at, matches_from
from zdr.detect.validators import (
    documentation_host,
    looks_random,
    placeholder,
    placeholder_password,
)

_URL: Final = re.compile(r"\b(?:https?|ftp)://[^\s\"'<>`\]\)|]+", re.IGNORECASE)
_SENSITIVE_QUERY: Final = re.compile(
    r"[?&#;](?:[\w.-]*(?:token|key|secret|sig|signature|password|passwd|pwd|auth|session|"
    r"sid|code|uid|user|email|mail|invite|reset|otp|ticket|access|credential|owner|login|"
    r"name|member|account|phone)[\w.-]*)=",
    re.IGNORECASE,
)
# A query value: what follows "=" up to the next separator.
_QUERY_VALUE: Final = re.compile(r"[?&#;][\w.%-]*=([^&#;]+)")
_PROFILE_SEGMENTS: Final = {
    "in", "u", "user", "users", "profile", "profiles", "people", "person", "customers",
    "customer", "account", "accounts", "member", "members", "contact", "contacts", "patient",
    "patients", "employee", "employees", "client", "clients", "lead", "leads", "d", "r",
    "reset", "reset-password", "invite", "invitation", "share", "s", "view", "edit", "@me",
    "shared", "join", "magic", "verify", "confirm", "unsubscribe", "activate",
}  # fmt: skip
# A handle: letters and digits mixed, or joined by "_" ("jdoe92", "jane_doe"), not a
# file name (no extension) nor a version ("v2", "3.11").
_HANDLE: Final = re.compile(r"^(?=[\w.]*[A-Za-z])(?=[\w.]*(?:\d|_))[A-Za-z][A-Za-z0-9_.]{2,24}$")
# A name slug: a first name joined to a second word ("jane-doe", "john.smith",
# "maria_garcia-lopez"): the lexicon's first names decide.
_SLUG: Final = re.compile(r"^([a-z]{3,20})[-._]((?:[a-z]\.?[-._])?[a-z]{2,25}(?:-[a-z]{2,25})?)$")
_FILE: Final = re.compile(r"\.[a-z0-9]{1,5}$", re.IGNORECASE)
_ID_SEGMENT: Final = re.compile(r"^(?:\d{4,}|(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{12,}|@[\w.-]+)$")
# An HTTP request line in an access log: the method, then the path and its query.
_REQUEST_METHODS: Final = "(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)"
_REQUEST_LINE: Final = re.compile(_REQUEST_METHODS + r" (/[^\s\"'<>`?]*\?[^\s\"'<>`]+)")
_WEBHOOK: Final = re.compile(r"hooks\.slack\.com/|discord(?:app)?\.com/api/webhooks/|webhook", re.I)


@functools.cache
def account_sites() -> dict[str, tuple[tuple[str, int], ...]]:
    """host -> (path prefix, most segments) after which a segment names an account or
    a room (data/account_sites.txt, from each site's public URL scheme)."""
    sites: dict[str, tuple[tuple[str, int], ...]] = {}
    data = resources.files("zdr.detect") / "data" / "account_sites.txt"
    with data.open(encoding="utf-8") as f:
        for line in f:
            if line[:1] in ("#", "\n", ""):
                continue
            host, prefix, *depth = line.split()
            most = int(depth[0]) if depth else 1 if prefix == "/" else 99
            sites[host] = (*sites.get(host, ()), (prefix, most))
    return sites


# Pages of a site itself, not of one of its users ("github.com/pricing").
_SITE_PAGES: Final = frozenset(
    """about pricing features login logout signin sign-in signup sign-up register join
    explore settings help docs doc documentation blog search home topics marketplace
    security enterprise privacy terms tos legal contact jobs careers trending
    notifications new sponsors orgs organizations apps api status download downloads
    support press business developers developer solutions customers partners events
    community resources team teams plans product products company learn education
    pages sitemap collections policies policy intent share watch results feed hashtag
    shorts reels groups gaming i p tv stories integrations apps features changelog
    pricing store shop dashboard account web models datasets spaces papers""".split()
)
# Where a scheme-less URL of those sites may begin: the host and the "/" after it.
_SITE_ANCHOR: Final = (
    "(?:"
    + "|".join(re.escape(h) for h, p in account_sites().items() if any(x != "*" for x, _ in p))
    + ")/"
)
# A user's label in documentation ("username.github.io", "yourname.substack.com").
_PLACEHOLDER_USERS: Final = frozenset(
    "user username yourname your-name yourusername your-username myname name example "
    "demo test sample foo bar you me someone pages project org".split()
)
# Subdomains a site keeps for itself, not a user's ("www.substack.com").
_SITE_SUBDOMAINS: Final = frozenset(
    "www www2 m mobile docs doc blog help support api status app apps cdn static "
    "assets media images img mail news shop store about developer developers".split()
)


# Hosts that give a site per user (prefix "*"), with their dot: ".github.io", ...
_USER_HOSTS: Final = tuple(
    "." + h for h, p in account_sites().items() if any(x == "*" for x, _ in p)
)
# Such a host written without a scheme ("jane.substack.com"): found at the host, then
# read back over the user's label.
_USER_HOST_ANCHOR: Final = "(?:" + "|".join(re.escape(h) for h in _USER_HOSTS) + ")"
_USER_SITE: Final = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s\"'<>`\])|]*)?", re.IGNORECASE)


def _account_subdomain(host: str) -> bool:
    """The host is a user's own site on a host that gives one per user
    (account_sites() prefix "*": "jane-doe.substack.com", "jdoe.github.io"); not the
    site's own subdomains nor a documentation placeholder ("username.github.io")."""
    host = host.lower()
    for parent in _USER_HOSTS:
        if host.endswith(parent):
            label = host[: -len(parent)].rsplit(".", 1)[-1]
            return (
                len(label) >= 2
                and label not in _SITE_SUBDOMAINS
                and label not in _PLACEHOLDER_USERS
                and not placeholder(label)
            )
    return False


# Documentation sites: a site's docs host ("docs.github.com", "learn.microsoft.com")
# or a docs hosting service. Their paths name pages ("/en/latest/user/quickstart/"),
# not people; a generated id in one still counts (docs.google.com/document/d/<id>).
_DOC_LABELS: Final = frozenset("docs doc developer developers learn devdocs".split())
_DOC_HOSTS: Final = (".readthedocs.io", ".readthedocs.org", ".rtfd.io")


# Where a docs site keeps its users' profiles (learn.microsoft.com/en-us/users/<name>/,
# developer.apple.com/forums/profile/<name>): still a person there.
_DOCS_PROFILE_SEGMENTS: Final = frozenset("users profile profiles people members u".split())


def _docs_site(host: str) -> bool:
    """A documentation host; not one the sites list names for its users' links
    (docs.google.com opens a user's document)."""
    return (
        host.split(".", 1)[0] in _DOC_LABELS or host.endswith(_DOC_HOSTS)
    ) and host not in account_sites()


_SITE_HOST: Final = re.compile(r"[a-z0-9.-]*[a-z0-9]/[^\s\"'<>`\])|]*", re.IGNORECASE)


def _account_path(host: str, path: str) -> bool:
    """The path names an account or a room on a site of account_sites(): a segment
    right after one of the site's prefixes, not a page of the site itself."""
    sites = account_sites()
    host = host.lower()
    if _docs_site(host):
        return False
    while host not in sites and "." in host:
        host = host.split(".", 1)[1]
    for prefix, most in sites.get(host, ()):
        if not path.startswith(prefix):
            continue
        segments = [s for s in path[len(prefix) :].split("/") if s]
        if not segments or len(segments[0]) < 2 or len(segments) > most:
            continue
        if placeholder(segments[0]):
            continue  # documentation's filler: drive.google.com/file/d/YOUR_FILE_ID
        if prefix == "/" and segments[0].lower() in _SITE_PAGES:
            continue
        return True
    return False


class UrlDetector:
    """URLs that identify a person or account, or carry a capability. Public pages
    (docs, status pages, package registries) are left alone."""

    name = "url"
    labels = ("URL", "API_KEY")
    anchors = (
        Anchor("url.site", _SITE_ANCHOR, lower=True, word_start="-"),
        Anchor("url.user_host", _USER_HOST_ANCHOR, lower=True),
        Anchor("url.request", _REQUEST_METHODS + r" /"),
    )

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        if t.has("url.site"):
            out.extend(_bare_account_urls(text, t.spans("url.site")))
        if t.has("url.user_host"):
            out.extend(_bare_user_sites(text, t.spans("url.user_host")))
        if t.has("url.request"):
            for m in matches_at(_REQUEST_LINE, text, t.spans("url.request")):
                out.extend(_query_tokens(m.group(1), m.start(1), request=True))
        if "://" not in text:
            return out
        for m in url_matches(text):
            url = m.group().rstrip(".,;:!?")
            end = m.start() + len(url)
            if _WEBHOOK.search(url) and _has_capability_path(url):
                out.append(span(m.start(), end, "API_KEY"))
            elif _sensitive_url(url):
                out.append(span(m.start(), end, "URL"))
            elif "?" in url:
                out.extend(_query_tokens(url, m.start(), request=False))
        return out


def _query_tokens(url: str, offset: int, request: bool) -> list[Span]:
    """A generated token in the query, whatever its parameter's name: the token is a
    secret, the page it opens stays readable. In a request line of a log (no scheme,
    no host: `GET /reset-password?token=c2a1f0e9...`), a parameter the URL rules call
    sensitive marks a value of 8+ characters with a digit too (a hex token's entropy
    is below a random draw's)."""
    out: list[Span] = []
    for q in _QUERY_VALUE.finditer(url, url.index("?")):
        value = q.group(1)
        if _capability(value) or (
            request
            and _SENSITIVE_QUERY.match(url, q.start()) is not None
            and len(value) >= 8
            and any(c.isdigit() for c in value)
            and not placeholder(value)
        ):
            out.append(span(offset + q.start(1), offset + q.end(1), "API_KEY"))
    return out


def _bare_account_urls(text: str, hits: Sequence[tuple[int, int]]) -> list[Span]:
    """Links to an account or a room written without a scheme
    ("calendly.com/maria-gonzalez/30min", "www.linkedin.com/in/jan-kowalski")."""
    out: list[Span] = []
    starts = []
    for start, _ in hits:
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".-"):
            start -= 1  # the subdomains: www., us02web.
        if text[max(0, start - 3) : start] != "://" and text[start - 1 : start] not in ("@", "/"):
            starts.append(start)
    for m in matches_from(_SITE_HOST, text, starts):
        url = m.group().rstrip(".,;:!?")
        host, _, rest = url.partition("/")
        if _account_path(host, "/" + rest.split("?", 1)[0].split("#", 1)[0]):
            out.append(span(m.start(), m.start() + len(url), "URL"))
    return out


def _bare_user_sites(text: str, hits: Sequence[tuple[int, int]]) -> list[Span]:
    """A user's own site written without a scheme ("torstenblumenthal.substack.com")."""
    out: list[Span] = []
    for dot, _ in hits:
        start = dot  # back over the user's label alone (at most 63 characters)
        while (
            start > 0 and dot - start < 63 and (text[start - 1].isalnum() or text[start - 1] == "-")
        ):
            start -= 1
        before = text[start - 1 : start]  # "" at the text's start
        if start == dot or before in ("@", "/", ".") or before.isalnum():
            continue  # no label; an e-mail's domain, a URL, a deeper host, a label too long
        m = _USER_SITE.match(text, start)
        if m is not None and _account_subdomain(m.group().split("/", 1)[0]):
            url = m.group().rstrip(".,;:!?")
            out.append(span(m.start(), m.start() + len(url), "URL"))
    return out


def url_matches(text: str) -> list[re.Match[str]]:
    """What ``_URL.finditer(text)`` finds. A URL's scheme ends 3 to 5 characters
    before its "://": the pattern is tried only there, not at every word."""
    starts = [s for c in occurrences(text, "://") for s in (c - 5, c - 4, c - 3) if s >= 0]
    return matches_from(_URL, text, starts)


def _has_capability_path(url: str) -> bool:
    """A long segment in the path that is no filler (`/services/Txxxx/Bxxxx/xxxx...`
    is the documentation's webhook)."""
    path = url.split("://", 1)[1].split("/", 1)[-1]
    return any(len(seg) >= 16 and not placeholder(seg) for seg in path.split("/"))


def _sensitive_url(url: str) -> bool:
    rest = url.split("://", 1)[1]
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    userinfo = authority.rsplit("@", 1)[0] if "@" in authority else ""
    password = userinfo.split(":", 1)[1] if ":" in userinfo else None
    if (
        userinfo
        and not (password is not None and placeholder_password(password))
        and not documentation_host(authority.rsplit("@", 1)[-1])
    ):
        return True  # credentials in the URL, not a documentation filler or host
    if _SENSITIVE_QUERY.search(rest):
        return True
    path = rest[len(authority) :].split("?", 1)[0].split("#", 1)[0]
    host = authority.rsplit("@", 1)[-1].split(":", 1)[0]
    if _account_path(host, path) or _account_subdomain(host):
        return True
    documentation = _docs_site(host.lower())
    segments = [s for s in path.split("/") if s]
    for i, seg in enumerate(segments):
        low = seg.lower()
        if _ID_SEGMENT.match(seg) and not (len(seg) == 4 and seg.isdigit() and seg.isascii()):
            previous = segments[i - 1].lower() if i else ""
            # A numeric id names an account only under a profile-like segment
            # (/customers/4566482); /questions/43033518 is a public page.
            if previous in _PROFILE_SEGMENTS or not seg.isdigit():
                return True
        if documentation and low not in _DOCS_PROFILE_SEGMENTS:
            continue  # a page's name ("/en/latest/user/quickstart/"), not a user's
        if low in _PROFILE_SEGMENTS and i + 1 < len(segments) and low not in ("d", "r", "s"):
            nxt = segments[i + 1]
            if low in ("in", "u", "user", "users", "profile", "people") and len(nxt) >= 3:
                return True
        # Where a site puts its users (the first segment: github.com/<user>,
        # calendly.com/<first-last>/30min), a handle or a name slug names a person.
        if i == 0 and len(segments) <= 2 and not _FILE.search(segments[-1]):
            if _HANDLE.match(seg) or _name_slug(low):
                return True
    return False


def _name_slug(segment: str) -> bool:
    m = _SLUG.match(segment)
    return m is not None and m.group(1) in first_names()


def _capability(value: str) -> bool:
    """A query value that looks generated: long, mixed, high entropy (a share or
    reset token, a signature) with digits in it, not words joined, a path or a number."""
    digits = sum(c.isdigit() for c in value)
    return digits >= 2 and "/" not in value and looks_random(value, 16, 3.5)
