"""Experiences, adaptation needs, backing and supplier answers."""
