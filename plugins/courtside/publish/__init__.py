"""Presentation: view models, languages and renderers over the core's snapshots."""
