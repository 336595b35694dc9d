"""docs/CONTRACTS.md's "Python APIs" section names only functions that exist, with their real parameters."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "docs" / "CONTRACTS.md"
#: A documented API: `package.module.function(params) -> result` as the first code span of a bullet.
API_LINE = re.compile(r"^- `(?P<module>[a-z_][\w.]*)\.(?P<func>\w+)\((?P<params>.*?)\)(?: -> [^`]+)?`", re.M)


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def documented_apis() -> list[tuple[str, str, str]]:
    """(module, function, parameter text) of every bullet in the "Python APIs" section."""
    section = _section(CONTRACTS.read_text(encoding="utf-8"), "Python APIs other modules call")
    return [(m["module"], m["func"], m["params"]) for m in API_LINE.finditer(section)]


def parameter_shape(params: str) -> list[str]:
    """Parameter names in order, ``*`` before keyword-only ones, ``*args`` / ``**kwargs`` marked."""
    args = ast.parse(f"def f({params}): pass").body[0].args
    names = [a.arg for a in [*args.posonlyargs, *args.args]]
    if args.vararg:
        names.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        names.append("*")
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        names.append(f"**{args.kwarg.arg}")
    return names


def signature_shape(fn) -> list[str]:
    """The same shape read from a live function's signature."""
    names: list[str] = []
    star = False
    for p in inspect.signature(fn).parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            names.append(f"*{p.name}")
            star = True
        elif p.kind is p.KEYWORD_ONLY and not star:
            names += ["*", p.name]
            star = True
        elif p.kind is p.VAR_KEYWORD:
            names.append(f"**{p.name}")
        else:
            names.append(p.name)
    return names


def test_the_section_is_parsed():
    apis = documented_apis()
    assert len(apis) >= 20, apis  # a format change must not turn this test into a no-op
    assert ("loaders.pipeline", "load_directory") in {(m, f) for m, f, _ in apis}
    assert parameter_shape('driver, path, *, database="neo4j", **params') == ["driver", "path", "*", "database", "**params"]
    assert signature_shape(lambda a, b=1, *, c, **k: None) == ["a", "b", "*", "c", "**k"]


@pytest.mark.parametrize(("module", "func", "params"), documented_apis(), ids=lambda v: v if isinstance(v, str) and
                         "(" not in v and "," not in v else None)
def test_documented_function_exists_with_these_parameters(module, func, params):
    mod = importlib.import_module(module)
    assert hasattr(mod, func), f"docs/CONTRACTS.md names {module}.{func}, which does not exist"
    fn = getattr(mod, func)
    assert callable(fn), f"{module}.{func} is not a function"
    assert parameter_shape(params) == signature_shape(fn), (
        f"docs/CONTRACTS.md documents {module}.{func}({params}); the code has {inspect.signature(fn)}")


def test_removed_apis_are_not_documented():
    """Names taken out of the code (issue 16) stay out of the docs that list what exists."""
    for doc in ("CONTRACTS.md", "architecture.md"):
        text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
        for gone in ("write_atomic", "count_extracted", "extraction.normalize", "app/pages/", "queries/sample_graph",
                     "loaders/demo_generator"):
            assert gone not in text, f"docs/{doc} still names {gone}"
