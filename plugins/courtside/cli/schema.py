"""`courtside schema`: the JSON Schema of the front matter (and of `_policies.yml`), for editors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_OK, Command

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SCHEMA_FILES = {"engagement": "engagement.schema.json", "policies": "policies.schema.json"}

def schema_texts() -> dict[str, str]:
    """Name -> the text of each schema file (what `--write` keeps in the package)."""
    from ..core.scaffold import engagement_schema, policies_schema, schema_text

    return {"engagement": schema_text(engagement_schema()), "policies": schema_text(policies_schema())}


# Print the JSON Schema of the front matter (or of _policies.yml), or update the copies.
def run(args: argparse.Namespace) -> int:
    texts = schema_texts()
    if not args.write:
        sys.stdout.write(texts["policies" if args.policies else "engagement"])
        return EXIT_OK
    for name, text in texts.items():
        path = SCHEMA_DIR / SCHEMA_FILES[name]
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            print(f"{path} is current")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"updated {path}")
    return EXIT_OK


def register(command: Command) -> None:
    parser = command(
        "schema",
        run,
        "Print the JSON Schema of an engagement's front matter, for editors (VS Code's YAML "
        "extension, yaml-language-server). --write updates the copies shipped in the package.",
        "  courtside schema > engagement.schema.json\n  courtside schema --policies\n  courtside schema --write",
    )
    parser.add_argument("--policies", action="store_true", help="the schema of _policies.yml instead")
    parser.add_argument("--write", action="store_true", help="update plugins/courtside/schema/*.json")
