"""The web chat channel: the browser widget's server side (see `channel.py`)."""
