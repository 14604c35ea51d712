"""Accounts: registration, login, password change, profile."""
