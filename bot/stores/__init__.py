"""Adapters Rasa loads from bot/endpoints.yml: the tracker store and the lock store."""
