"""Carrier tracking: events, write-back of tracking numbers, buyer notices, auto-completion."""
