"""What the console's reports compute from facts the CRM holds: how recommended content
performs (`recommendations`) and how leads fare across segments, channels and regions
(`fairness`, with `regions` placing a lead). Pure but for `regions`, which reads phone
numbers as the handoff routing does; the queries live in `bot.crm`.
"""
