"""Enrichment mechanisms, one small module each; ``streams.enrich.Enricher`` composes them."""
