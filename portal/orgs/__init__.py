"""Organisations (municipalities, authorities, suppliers), counties and memberships."""
