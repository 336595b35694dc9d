"""The bulk-export manifest (``manifest.json``): its format version and how to read it back.

Shared by the side that writes bulk files (:mod:`loaders.bulk_export`) and the side that imports
them (:mod:`graph.bulk_import`); living in graph/ keeps the importer free of loader imports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.errors import InputError

#: Version of the manifest and file layout; an export of another version must be made again.
FORMAT_VERSION = 1
#: The file, inside an export directory, that says what the export holds.
MANIFEST_NAME = "manifest.json"


def read_manifest(out_dir: Path | str) -> dict[str, Any]:
    """Load an export's ``manifest.json``; raise InputError when the directory holds no export."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise InputError(f"{path} not found; create the bulk files first with `chainkg export-bulk {out_dir}`") from e
    except json.JSONDecodeError as e:
        raise InputError(f"{path} is not valid JSON ({e}); run `chainkg export-bulk` again") from e
    if data.get("format_version") != FORMAT_VERSION:
        raise InputError(f"{path} has format_version {data.get('format_version')}, expected {FORMAT_VERSION}; re-export")
    return data
