"""Custom Rasa NLU components for Parley."""
