"""Channel connectors (Rasa InputChannel/OutputChannel pairs); Rasa's `rest` channel for now."""
