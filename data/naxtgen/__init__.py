"""Seeded, deterministic generator for the Naxt Corp. workshop datasets (all content is fictional)."""
