"""Where the bundled data (demo set, chain library, trained models) lives: checkout or installed wheel.

In a source checkout it is the repository root (``data/``, ``models/``). A non-editable install
(``pip install .``, the Docker image) puts the same folders under ``<prefix>/share/chainkg`` (the
wheel's data files), because site-packages holds packages, not data folders.
``CHAINKG_RESOURCES`` points elsewhere (a folder holding ``data/``).
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def resource_root() -> Path:
    """The folder holding ``data/`` (and ``models/``): CHAINKG_RESOURCES, the checkout, or the install."""
    if os.environ.get("CHAINKG_RESOURCES"):
        return Path(os.environ["CHAINKG_RESOURCES"]).expanduser().resolve()
    if (_CHECKOUT / "data" / "chains").is_dir():
        return _CHECKOUT
    bases = [sysconfig.get_path("data"), sys.prefix, getattr(site, "USER_BASE", None), "/usr/local", "/usr"]
    for base in filter(None, bases):
        candidate = Path(base) / "share" / "chainkg"
        if (candidate / "data" / "chains").is_dir():
            return candidate
    return _CHECKOUT  # nothing installed: paths below it will say what is missing


def data_dir() -> Path:
    """The bundled ``data/`` folder (``demo/``, ``chains/``, ``regions/``)."""
    return resource_root() / "data"
