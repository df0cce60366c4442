"""The content-free audit trail: events, hash chain, stores, writer, exports."""
