"""The channels: web chat, SMS (Twilio) and Telegram, as Rasa InputChannel/OutputChannel
pairs on one shared path (`pipeline.py`). Rasa's own `rest` channel stays enabled."""
