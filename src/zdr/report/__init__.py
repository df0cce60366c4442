"""The compliance report: what was enforced, refused and pseudonymized, and what is kept."""
