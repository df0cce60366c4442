"""Operations: metrics and structured logs, both content-free by construction."""
