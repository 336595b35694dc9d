"""Organisation name normalisation and the stable id of a name (shared by linking and proposals)."""

from __future__ import annotations

import hashlib
import re

from extraction.textnorm import fold_text

_SPACES = re.compile(r"[\s·•・\u200b]+")
_LEGAL_VARIANTS = re.compile(r"(?:有限责任公司|股份有限公司|集团股份有限公司|集团有限公司|股份公司)$")


def normalise_org_name(name: str) -> str:
    """Fold width and traditional characters, unify brackets, drop spaces, lower-case Latin letters,
    and map legal-form variants (有限责任公司, 股份有限公司 …) to 有限公司, so that spellings of one
    organisation compare equal."""
    s = fold_text(name).replace("（", "(").replace("）", ")")
    s = _SPACES.sub("", s).lower()
    return _LEGAL_VARIANTS.sub("有限公司", s)


def org_id_for_name(name: str) -> str:
    """``ORG-`` + 12 hex of sha1(normalised name): the id an organisation without a credit code gets."""
    return "ORG-" + hashlib.sha1(normalise_org_name(name).encode("utf-8")).hexdigest()[:12]
