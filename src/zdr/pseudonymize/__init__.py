"""Pseudonymization: values replaced by keyed tokens on the way out, restored on the
way back (JSON answers and SSE streams), with nothing stored between requests."""
