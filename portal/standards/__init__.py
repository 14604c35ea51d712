"""The catalogue of standards, regulations, specifications and national solutions."""
