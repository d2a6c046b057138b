"""Kaejon's domain and its persistence: plain Python, no Flask, no LINE SDK."""
