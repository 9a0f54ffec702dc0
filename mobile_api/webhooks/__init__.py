"""Webhook receivers: verify on the raw bytes, store, enqueue, answer at once."""
