"""`zdr verify`: what a provider account declares and observably retains, and whether
the gateway's own configuration enforces zero data retention."""
