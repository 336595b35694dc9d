"""Length-preserving text folding, sentence splitting and chunking.

Every transformation here maps one character to exactly one character, so an offset found in the
folded text is the same offset in the caller's original text (``text[start:end]`` stays exact).
That is why we do not use NFKC (it changes lengths, e.g. "㈱" → "(株)").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Full-width ASCII (U+FF01–U+FF5E) → half-width; ideographic space → space. One char to one char.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20

# Traditional → simplified for the characters our suffixes, triggers and stage words use. A small
# 1:1 map (not OpenCC) keeps offsets exact and costs nothing; names keep their original surface.
_TRAD = (
    "團团學学實实驗验醫医銀银協协會会員员廠厂與与給给讓让轉转應应貨货開开發发聯联術术專专號号於于屬属"
    "總总設设資资產产許许權权責责務务業业際际電电車车國国華华東东廣广蘇苏濟济試试級级龍龙為为這这個个"
    "來来區区縣县鎮镇廳厅黨党機机構构統统網网絡络創创質质檢检測测計计裝装備备製制進进軟软體体長长門门"
    "書书說说溫温漢汉廈厦灣湾陽阳寧宁慶庆島岛鄭郑蘭兰瀋沈廬庐貴贵雲云陝陕賽赛築筑礦矿鋰锂鈉钠極极池池"
    "鋼钢鐵铁導导傳传輸输動动組组線线農农藥药療疗環环節节據据規规劃划場场經经營营銷销購购買买賣卖價价"
    "運运層层樣样顯显數数據据維维護护範范圍围標标準准認认證证獲获獎奖項项辦办處处對对從从將将獨独占占"
    "讓让給给並并負负億亿萬万")
_TRAD_MAP = {ord(_TRAD[i]): ord(_TRAD[i + 1]) for i in range(0, len(_TRAD) - 1, 2)}

_FOLD = {**_WIDTH, **_TRAD_MAP}
# HTML tags and entities are blanked with spaces of the same length (never removed).
_HTML = re.compile(r"<[^<>\n]{0,200}>|&(?:[a-zA-Z]{2,8}|#\d{2,6});")


def fold_text(text: str) -> str:
    """Return ``text`` with full-width ASCII made half-width, common traditional characters made
    simplified, and HTML tags/entities blanked — always the same length as ``text``."""
    folded = text.translate(_FOLD)
    if "<" in folded or "&" in folded:
        folded = _HTML.sub(lambda m: " " * len(m.group(0)), folded)
    return folded


_SENT_END = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;\n]+|$)")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text[start:end]`` (ends at 。！？!?；; and newlines)."""
    end = len(text) if end is None else end
    spans = []
    for m in _SENT_END.finditer(text, start, end):
        if m.end() > m.start():
            spans.append((m.start(), m.end()))
    return spans


def chunk_spans(text: str, max_chars: int = 2000) -> Iterator[tuple[int, int]]:
    """Cut ``text`` into chunks of at most ``max_chars`` at sentence ends (hard cut if a sentence is longer).

    Long inputs (a 1 MB page) are processed chunk by chunk so time and memory stay linear.
    """
    n = len(text)
    if n <= max_chars:
        if n:
            yield 0, n
        return
    pos = 0
    while pos < n:
        limit = min(pos + max_chars, n)
        if limit == n:
            yield pos, n
            return
        window = text[pos:limit]
        cut = max(window.rfind(c) for c in "。！？!?；;\n")
        end = pos + cut + 1 if cut > max_chars // 4 else limit
        yield pos, end
        pos = end
