"""Atom feeds of the public content: the whole site, each organisation, each standard and the
adaptation needs (feedgen builds the XML)."""
