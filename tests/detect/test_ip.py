"""IP addresses after a "/": a URL's host or path, a log's "from/...", found; the
version of a product in a user agent, which reads as an address, left alone."""

from __future__ import annotations

import pytest

from zdr.detect.engine import DetectorSet

DETECTORS = DetectorSet(["ip_address"])


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("connection from/10.0.0.12 refused", "10.0.0.12"),
        ("curl http://10.0.0.12/healthz", "10.0.0.12"),
        ("see https://status.example.com/hosts/192.168.1.20/disk", "192.168.1.20"),
        ("GET /api/v2/nodes/203.0.113.77 200", "203.0.113.77"),
        ("scp backup.tar root@[2001:db8::8a2e:370:7334]:/srv", "2001:db8::8a2e:370:7334"),
        ("path /ip/2001:db8::1/x", "2001:db8::1"),
    ],
)
def test_address_after_a_slash_is_found(text: str, address: str) -> None:
    assert [text[s.start : s.end] for s in DETECTORS.detect(text)] == [address]


@pytest.mark.parametrize(
    "text",
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "Opera OPR/105.0.0.0 on Windows",
        "pip install pkg==v1.2.3.4",
    ],
)
def test_product_versions_are_not_addresses(text: str) -> None:
    assert DETECTORS.detect(text) == []


def test_a_network_in_cidr_form_is_no_address_but_a_host_with_its_prefix_is() -> None:
    text = "allow 10.8.0.0/16 and 192.168.1.0/24; host 10.8.3.4/16 is down"
    assert [text[s.start : s.end] for s in DETECTORS.detect(text)] == ["10.8.3.4"]
    # A /32 is one host, a /28 a small office's block: still someone's.
    text = "my home IP 81.2.69.142/32, the office 81.2.69.144/28"
    assert [text[s.start : s.end] for s in DETECTORS.detect(text)] == [
        "81.2.69.142",
        "81.2.69.144",
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A full stop ending the sentence is no part of the address.
        ("my phone's is 2a00:23c7:8e81:6b01::31c2.", ["2a00:23c7:8e81:6b01::31c2"]),
        ("resolver: 2001:4860:4860::8888.\nnext line", ["2001:4860:4860::8888"]),
        # A "." with more after it makes a longer token: a domain, not an address.
        ("2001:4860:4860::8888.example", []),
    ],
)  # fmt: skip
def test_an_ipv6_address_ends_before_a_full_stop(text: str, found: list[str]) -> None:
    assert [text[s.start : s.end] for s in DETECTORS.detect(text)] == found
