"""Email: the second channel for staff who take their digest by email."""
