"""The Telegram channel's building blocks: a configured PTB `Bot` and its errors
(`bot_client`), webhook bodies parsed to inbound messages (`updates`), Rasa replies
rendered as `sendMessage` arguments (`render`) and the operator commands that register
the webhook or poll in development (`commands`).
"""
