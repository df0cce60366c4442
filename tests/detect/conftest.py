"""Hypothesis without its per-example deadline: a time limit is a timed assertion,
and the detection tests also run under the sanitizers and as pure Python, several
times slower (a first example under AddressSanitizer took 228 ms against 200)."""

from hypothesis import settings

settings.register_profile("detect", deadline=None)
settings.load_profile("detect")
