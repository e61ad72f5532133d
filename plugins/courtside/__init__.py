"""Courtside: "How We Work Together" agreements from plain-text engagements.

The package has a pure core (`courtside.core`: loading, validation, the working-day
calendar, the schedule and money rules) and thin shells around it: the MkDocs plugin
(`courtside.plugin`), the `courtside` command (`courtside.cli`) and the renderers
(`courtside.publish`).
"""

__version__ = "0.1.0"
