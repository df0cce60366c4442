"""zdr: zero data retention for LLM APIs."""
