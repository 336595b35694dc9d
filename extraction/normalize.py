"""Organisation name keys for linking and proposals — the loader's, so ids agree across the graph.

An organisation the loader creates from a name gets ``loaders.normalise.org_id_for_name(
loaders.normalise.normalise_org_name(name))``; a mention extraction proposes for the same name must
get the very same ``ORG-…`` id (so a later load, or a user merging proposals, lands on one node).
That is why this module holds no normalisation of its own: it wraps the loader's pure functions and
only adds what text mentions need (an empty surface gives an empty key instead of raising).
"""

from __future__ import annotations

from loaders.normalise import normalise_org_name as _loader_normalise
from loaders.normalise import org_id_for_name as _loader_org_id


def normalise_org_name(name: str) -> str:
    """The loader's ``name_norm`` of ``name`` (NFKC, no spaces or punctuation variants, lower-case
    Latin, 有限责任公司 → 有限公司); ``""`` for a blank name instead of the loader's ValueError."""
    try:
        return _loader_normalise(name)
    except ValueError:
        return ""


def org_id_for_name(name: str) -> str:
    """``ORG-`` + 12 hex of sha1(the loader's ``name_norm``): the id the loader gives an organisation
    known only by this name (``loaders.normalise.org_id_for_name(normalise_org_name(name))``)."""
    return _loader_org_id(normalise_org_name(name))
