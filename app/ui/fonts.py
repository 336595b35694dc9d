"""CJK fonts for the matplotlib PNG exports (chain map, graphs), so Chinese labels are not boxes."""

from __future__ import annotations


def cjk_fonts() -> list[str]:
    """Installed CJK font families matplotlib can use, best first, then DejaVu Sans as the fallback."""
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK SC", "Noto Sans CJK", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Droid Sans Fallback")
    names = {f.name for f in font_manager.fontManager.ttflist}
    if not any(w in names for w in wanted):
        # matplotlib's font cache predates fonts installed later (e.g. fonts-wqy-microhei): add them.
        for path in font_manager.findSystemFonts():
            if any(k in path.lower() for k in ("wqy", "notosanscjk", "droidsansfallback", "simhei")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError):
                    continue
        names = {f.name for f in font_manager.fontManager.ttflist}
    return [w for w in wanted if w in names] + ["DejaVu Sans"]
