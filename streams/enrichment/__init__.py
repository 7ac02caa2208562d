"""Enrichment resolvers, one module each, all working on one ``ArticleContext``
(context.py lists what each reads and adds); ``streams.enrich.Enricher`` runs them in order."""
