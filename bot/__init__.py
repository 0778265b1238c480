"""Parley's dialogue core."""
