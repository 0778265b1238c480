"""Parley's action server (`rasa run actions --actions actions`).

Each module holds the actions of one part of the conversation; they stay thin and call
into the domain code under `bot/`.
"""
