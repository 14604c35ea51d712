"""Attachments: files (PDF, ODF/OOXML documents, PNG/JPEG images) on plans and experiences."""
