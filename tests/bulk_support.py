"""A tiny source folder (the files `chainkg load` reads) and readers for bulk-export files, for the bulk tests."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ORGANIZATIONS = """\
name,credit_code,kind,size,tier,region,aliases,chain_nodes,founded
宁德时代新能源科技股份有限公司,,company,large,单项冠军,福建省宁德市,CATL;宁德时代,nev_battery.cathode,2011-12-16
苏州小电池有限公司,,company,small,专精特新,苏州,"小电池;A;B",nev_battery.anode,
清华大学,,university,,,北京,,,
苏州小电池有限公司,,company,small,,苏州,,,
"""
PATENTS = """\
pub_no,title,abstract,applicants,holders,ipc,filed,kind,status,cites
CN114142123A,"一种正极材料, 及其""制备""方法","含有
换行的摘要",宁德时代,,H01M4/525;H01M10/0525,2021-03-04,发明,有效,CN100000001A
CN100000001A,负极,,苏州小电池有限公司;清华大学,,H01M4/587,2019-01-01,invention,granted,CN999999999A
CN100000002U,外部公司的专利,,某某未知有限公司,,C01D15/02,2020/5/6,utility,pending,
not-a-number,坏行,,清华大学,,H01M4/587,2019-01-01,invention,granted,
"""
LICENSES = """\
pub_no,licensor,licensee,type,date,fee
CN114142123A,宁德时代新能源科技股份有限公司,苏州小电池有限公司,独占,2022-01-01,100万
CN999999999A,清华大学,苏州小电池有限公司,普通,2022-01-01,
"""
TRANSFERS = """\
pub_no,assignor,assignee,mode,date
CN100000001A,清华大学,苏州小电池有限公司,转让,2023-02-03
"""
OPEN_LICENSES = """\
pub_no,offer_id,fee_terms,declared
CN100000002U,OFF-1,5万元/年,2024-01-02
"""


def write_tiny_source(folder: Path) -> Path:
    """Write the tiny source folder (one real chain definition plus the CSVs above) and return it."""
    (folder / "chains").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data" / "chains" / "nev_battery.yaml", folder / "chains" / "nev_battery.yaml")
    for name, text in (("organizations.csv", ORGANIZATIONS), ("patents.csv", PATENTS), ("licenses.csv", LICENSES),
                       ("transfers.csv", TRANSFERS), ("open_licenses.csv", OPEN_LICENSES)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def write_every_kind_source(folder: Path, patents: int = 200, seed: int = 7) -> Path:
    """A small generated source folder (``demodata.generator``): the demo's every file kind, for parity tests."""
    from demodata.generator import main as generate

    assert generate(["--out", str(folder), "--seed", str(seed), "--patents", str(patents)]) == 0
    return folder


def read_group(out: Path, stem: str) -> tuple[list[str], list[list[str]]]:
    """(header fields, data rows) of one exported group, e.g. ``nodes/Patent``."""
    with open(out / f"{stem}.header.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with open(out / f"{stem}.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return header, rows
