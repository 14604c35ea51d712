"""Follows: a user follows an organisation, a standard, a need, a plan or a tag."""
