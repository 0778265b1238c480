"""Benchmarks: load scripts run by hand against the whole stack on loopback (not tests)."""
