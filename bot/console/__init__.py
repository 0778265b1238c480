"""The marketers' console: server-rendered pages on the API app (see `routes`)."""
