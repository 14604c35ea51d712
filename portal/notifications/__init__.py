"""Notifications: what a user is told of, in the portal (and by mail: mail.py)."""
