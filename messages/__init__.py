"""Turning domain results into LINE messages in the user\x27s language. No database."""
