"""Policies: the typed model compiled from config, and the pure decision function."""
