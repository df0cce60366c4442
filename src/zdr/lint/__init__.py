"""`zdr lint`: find application code that would make a provider retain data."""
