"""Document types and requirements, uploads and their reviews, verification letters."""
