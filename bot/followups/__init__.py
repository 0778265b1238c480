"""Follow-up sequences: marketer-written, law-enforced, durable."""
