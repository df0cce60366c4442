"""URLs that name a person or carry a capability on any site, e-mail addresses inside
URLs, and public pages left readable (cases written here)."""

from __future__ import annotations

import pytest

from zdr.detect import DetectorSet

DETECT = DetectorSet()


def found(text: str) -> list[tuple[str, str]]:
    return [(s.label, text[s.start : s.end]) for s in DETECT.detect(text)]


@pytest.mark.parametrize(
    "url",
    [
        "https://calendly.com/maria-lindqvist/30min",  # a name slug
        "https://meet.example.org/john.okafor",
        "https://github.com/kvance92",  # a handle
        "https://social.example/@nora_b",
        "https://shop.example/orders?customer_name=Maria",
        "https://user:Tq83mLz0@files.acme-corp.io/backup",  # credentials
        # A generated id on a documentation-named host still opens a private page.
        "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit",
        "https://gist.github.com/kvance92",
        # A docs site's users' profiles are still a person's.
        "https://learn.microsoft.com/en-us/users/janedoe/",
    ],
)
def test_personal_and_capability_urls_are_masked(url: str) -> None:
    text = f"see {url} for details"
    assert ("URL", url) in found(text), found(text)


@pytest.mark.parametrize(
    "url",
    [
        "https://docs.python.org/3/library/re.html",
        # Documentation sites: their paths name pages, not users.
        "https://requests.readthedocs.io/en/latest/user/quickstart/",
        "https://docs.github.com/en",
        "https://example.com/docs/getting-started",
        "https://en.wikipedia.org/wiki/Max_Planck",
        "https://github.com/python/cpython",
        "https://username:password@example.com/api",  # documentation credentials
        "https://${user}:${password}@api.example.com/v1",
        "https://www.example.org/search?q=privacy+gateway&lang=en",
    ],
)
def test_public_pages_and_placeholders_stay_readable(url: str) -> None:
    assert found(f"see {url} for details") == []


def test_a_token_in_the_query_is_masked_and_the_page_stays_readable() -> None:
    text = "open https://app.example.com/doc?t=Xk29fjQ0aLp3mZ8vR1w&lang=en now"
    assert found(text) == [("API_KEY", "Xk29fjQ0aLp3mZ8vR1w")]


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("https://files.example/lena.berg@mail.example/photo.png", "lena.berg@mail.example"),
        ("https://a.example/p?owner=jane.doe@mail.com", "jane.doe@mail.com"),
    ],
)
def test_an_email_inside_a_url_is_found(text: str, email: str) -> None:
    spans = found(text)
    assert any(email in value for _, value in spans), spans
    assert not any(label == "SECRET" for label, _ in spans), spans


def test_credentials_in_a_url_are_not_an_email() -> None:
    text = "https://deploy:Tq83mLz0@files.acme-corp.io"
    assert not any(label == "EMAIL" for label, _ in found(text))


@pytest.mark.parametrize(
    "url",
    [
        # Sites whose URL scheme puts an account or a room in the path
        # (data/account_sites.txt), with or without a scheme.
        "calendly.com/maria-gonzalez/30min",
        "https://github.com/octocat",  # a user name that is an ordinary word
        "linkedin.com/in/jan-kowalski-4b2a1",
        "www.linkedin.com/in/anna-k",
        "https://www.instagram.com/lena.berg/",
        "https://meet.google.com/abc-defg-hij",
        "https://us02web.zoom.us/j/81234567890",
        "discord.gg/abc123XY",
        "x.com/sunny_day",
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ2@thread.v2/0",
        "https://orcid.org/0000-0002-4418-7731",
        # Hosts that give each user a site of their own, with or without a scheme.
        "torstenblumenthal.substack.com",
        "https://jane-doe.github.io/cv",
        "jdoe.medium.com",
        # Shared files: the link is the key, with or without a scheme.
        "docs.google.com/presentation/d/1qZ7rTbX0vK9mWcY3nLpA5sDfG2hJ8kEuR4oI6tV/edit",
        "https://docs.google.com/spreadsheets/d/1Rk3VbN8qXz2LmT9wPcY5sHdJ7gF4aE0uKoI6tMn",
        "drive.google.com/file/d/1x7Qm2VbR9kLzT4wN8cYpA3sDf/view?usp=sharing",
        "www.dropbox.com/scl/fi/k2v9x8q7m1r4t6w3z5y0a/report.pdf?rlkey=q8w7e6r5t4y3u2i1o0p9",
        "dropbox.com/s/h7d2k9q4w1z8x3c/notes.docx?dl=0",
        "app.box.com/s/q3k8v2m9x7z1w4r6t0y5u8i2o9p3a1",
        "we.tl/t-Xk29fjQ0aL",
        "loom.com/share/578f5afe929d9f1d8a731a962b3a78a0",
    ],
)
def test_links_to_an_account_or_a_room(url: str) -> None:
    text = f"Reach me via {url} today"
    assert ("URL", url) in found(text), found(text)


def test_a_users_site_opening_the_text_is_found() -> None:
    # The label's start is the text's: the character "before" it is none, not the last.
    assert ("URL", "jdoe.github.io") in found("jdoe.github.io is my site")


@pytest.mark.parametrize(
    "text",
    [
        "pricing at https://github.com/pricing today",  # the site's own page
        "see github.com/pallets/flask/blob/main/docs/index.rst",  # a project's file
        "browse huggingface.co/models for one",
        "read https://www.substack.com/about and docs.github.io",  # the sites' own
        "see username.github.io and yourname.substack.com",  # documentation placeholders
        "dropbox.com/ is not x.com/ and github.com/ alone names no one",
        # A share link's documentation filler, and the sites' own pages.
        "share docs.google.com/document/d/YOUR_DOC_ID/edit with the team",
        "see https://drive.google.com/file/d/<FILE_ID>/view for the format",
        "read https://docs.google.com/document/u/0/ and dropbox.com/developers",
        "help at support.google.com/docs/answer/7068618 and box.com/pricing",
    ],
)
def test_pages_of_account_sites_stay_readable(text: str) -> None:
    assert [f for f in found(text) if f[0] == "URL"] == []


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        (
            '10.0.0.1 - - [07/Dec/2026:07:12:01 +0000] "GET /reset-password?token='
            'c2a1f0e9b8d7c6a5f4e3d2c1b0a99f8e HTTP/1.1" 200 512',
            ["c2a1f0e9b8d7c6a5f4e3d2c1b0a99f8e"],
        ),
        ("GET /search?q=shoes&page=2 HTTP/1.1", []),
        ("POST /login?session=abc HTTP/1.1", []),  # too short to be a token
    ],
)
def test_tokens_in_a_request_lines_query(text: str, tokens: list[str]) -> None:
    assert [v for label, v in found(text) if label == "API_KEY"] == tokens
