"""The ingress: a small process of its own that serves every channel's public side: the web
chat, and the SMS and Telegram webhooks.

    python -m channels.ingress      # PARLEY_HOST:PARLEY_INGRESS_PORT (5007)

Acknowledging a webhook takes a signature or secret check, a parse, one INSERT into the
inbox and an answer: under a millisecond of CPU. A turn takes tens to hundreds of
milliseconds holding the GIL. Served by the Rasa server, a storm's webhooks queued
behind its turns for seconds, longer than Twilio's 15 s at 200 messages a second. Here
they share a process with nothing else: the ingress verifies, parses, records and
answers exactly as the Rasa server's channels did, at the same paths, and never runs a
turn; the Rasa server's channels pick the recorded messages up
(`channels.pickup`) and run them. Nothing is lost while the Rasa server is down or
restarting: what the ingress acknowledged waits in the inbox.

It imports neither Rasa nor TensorFlow (a unit test keeps it so): a start takes about a
second and its memory stays small.
"""
