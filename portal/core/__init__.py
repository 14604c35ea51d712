"""Cross-cutting pieces: pagination, Markdown, locale, the home page."""
