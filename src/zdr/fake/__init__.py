"""A small OpenAI-compatible server: the demo echo model, and the tests' fake upstream."""
