"""Regular expressions on the raw (folded) text for patent numbers, application numbers, IPC codes
and unified social credit codes.

Why regexes on text and not token patterns: jieba splits "CN114142123A" and "H01M10/0525" in
unpredictable ways ("H01M4", "/", "525"), so token patterns miss them; the pipeline maps each
character span back onto tokens afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NB = r"(?<![A-Za-z0-9])"  # no letter/digit just before (\b is useless next to Chinese characters)
_NA = r"(?![A-Za-z0-9])"

PATENT_RE = re.compile(
    _NB
    + r"(?:"
    + r"CN\s?\d{9}\s?[ABCUSY]\d?"  # CN114142123A, CN 114142123 A
    + r"|(?:CN|ZL)\s?\d{4}\s?\d\s?\d{7}\s?\.\s?[\dX]"  # CN202310123456.7, ZL 2023 1 0123456.7
    + r"|(?:CN|ZL)\s?\d{8}\.[\dX]"  # old 8-digit applications
    + r"|\d{12}\.[\dX]"  # bare application number 202310123456.7
    + r"|(?:US|EP|WO|JP|KR|DE)\s?\d{4}/?\d{4,7}\s?[AB]\d?"
    + r")"
    + _NA
)
IPC_FULL_RE = re.compile(_NB + r"[A-H]\d{2}[A-Z]\s?\d{1,4}\s?/\s?\d{2,6}" + _NA)
IPC_SUBCLASS_RE = re.compile(_NB + r"[A-H]\d{2}[A-Z]" + _NA)
_IPC_CONTEXT = re.compile(r"IPC|分类|[A-H]\d{2}[A-Z]\s?\d{1,4}/")
CREDIT_RE = re.compile(_NB + r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}" + _NA)

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@dataclass(frozen=True, slots=True)
class CodeMatch:
    """One code found in text: label, [start, end) offsets, the normalised value."""

    label: str
    start: int
    end: int
    value: str


def credit_code_valid(code: str) -> bool:
    """True when ``code`` passes the GB 32100-2015 check digit (18th character)."""
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        return False
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


def normalise_patent_number(raw: str) -> str:
    """"CN 114142123 A" → "CN114142123A"; "ZL 2023 1 0123456.7" → "202310123456.7" (application)."""
    s = re.sub(r"\s+", "", raw).upper()
    if s.startswith("ZL"):
        s = s[2:]
    if "." in s and s.startswith("CN"):
        s = s[2:]
    return s


def normalise_ipc(raw: str) -> str:
    """"H01M 10 / 0525" → "H01M10/0525"."""
    return re.sub(r"\s+", "", raw).upper()


def find_codes(text: str) -> list[CodeMatch]:
    """Every patent/application number, IPC code and valid credit code in ``text`` (folded text)."""
    out: list[CodeMatch] = []
    for m in PATENT_RE.finditer(text):
        out.append(CodeMatch("PATENT", m.start(), m.end(), normalise_patent_number(m.group(0))))
    taken = [(c.start, c.end) for c in out]
    for m in IPC_FULL_RE.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            out.append(CodeMatch("IPC", m.start(), m.end(), normalise_ipc(m.group(0))))
    # A bare subclass ("H01M") is only an IPC code when the text talks about classification.
    if _IPC_CONTEXT.search(text):
        taken = [(c.start, c.end) for c in out]
        for m in IPC_SUBCLASS_RE.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                out.append(CodeMatch("IPC", m.start(), m.end(), m.group(0)))
    for m in CREDIT_RE.finditer(text):
        if credit_code_valid(m.group(0)):
            out.append(CodeMatch("CREDIT_CODE", m.start(), m.end(), m.group(0)))
    return out
