"""The Twilio SMS channel: webhook signatures, reply segmentation, numbered options, sending."""
