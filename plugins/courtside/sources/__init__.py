"""Where engagement text comes from: a folder on disk (`folder.py`), and later git history.

Each source gives the pipeline (`core/pipeline.py`) `Source` values (a name and bytes); the
pipeline never opens a file itself.
"""
