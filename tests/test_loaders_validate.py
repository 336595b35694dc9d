"""Row validation and organisation resolution (pure Python, no server)."""

import datetime as dt

import pytest

from loaders.normalise import credit_code_check_char, org_id_for_name
from loaders.resolve import OrgResolver
from loaders.validate import (
    RowContext,
    RowRejected,
    validate_achievement,
    validate_demand,
    validate_license,
    validate_organization,
    validate_patent,
)


def credit(body: str) -> str:
    return body + credit_code_check_char(body)


CC = credit("91320500MA1ABCDE0")


def ctx(resolver=None, line=2):
    return RowContext("x.csv", line, resolver or OrgResolver())


def test_organisation_row_normalises_everything():
    c = ctx()
    rec = validate_organization({"name": "苏州某某电池（威海）有限责任公司（原名：某某电池有限公司）", "credit_code": CC.lower(),
                                 "size": "中型", "tier": "专精特新“小巨人”", "province": "江苏", "city": "苏州",
                                 "founded": "2015年6月1日", "industry_code": "C3841", "x_h1": "extra"}, c)
    n = rec.node
    assert n["org_id"] == CC and n["credit_code"] == CC
    assert n["name"] == "苏州某某电池(威海)有限责任公司" and n["name_norm"] == "苏州某某电池(威海)有限公司"
    assert n["aliases"] == ["某某电池有限公司"]
    assert (n["size"], n["tier"], n["is_sme"], n["kind"]) == ("medium", "小巨人", True, "company")
    assert n["region_code"] == "320500" and n["founded"] == dt.date(2015, 6, 1) and n["industry_code"] == "3841"
    assert n["x_h1"] == "extra" and rec.extra_labels == ("Company",)


@pytest.mark.parametrize("row, field", [
    ({"name": "  "}, "name"),
    ({"name": "甲公司", "credit_code": CC[:-1] + ("0" if CC[-1] != "0" else "1")}, "credit_code"),
    ({"name": "甲公司", "founded": "2021-02-30"}, "founded"),
    ({"name": "甲公司", "tier": "金牌"}, "tier"),
])
def test_bad_organisation_rows(row, field):
    with pytest.raises(RowRejected) as e:
        validate_organization(row, ctx())
    assert e.value.field == field


def test_unknown_region_is_a_note_not_a_reject():
    c = ctx()
    rec = validate_organization({"name": "甲公司", "region": "亚特兰蒂斯"}, c)
    assert rec.node["region_code"] is None
    assert [(r.field, "row loaded" in r.reason) for r in c.notes] == [("region", True)]


def test_patent_row_links_and_defaults():
    r = OrgResolver()
    rec = validate_patent({"pub_no": "CN 114142123 A", "title": "一种正极材料", "applicants": "甲大学；乙有限责任公司",
                           "ipc_main": "H01M 4/58", "ipc": "H01M4/58;H01M10/0525", "filed": "20210304",
                           "status": "实质审查", "cites": "CN100000001A;bad!"}, ctx(r))
    n = rec.node
    assert n["pub_no"] == "CN114142123A" and n["ipc"] == ["H01M4/58", "H01M10/0525"] and n["ipc_main"] == "H01M4/58"
    assert n["kind"] == "invention" and n["status"] == "pending" and n["filed"] == dt.date(2021, 3, 4)
    types = sorted((lk.rel_type, lk.start, lk.end) for lk in rec.links)
    uni, co = org_id_for_name("甲大学"), org_id_for_name("乙有限公司")
    assert ("APPLICANT_OF", uni, "CN114142123A") in types and ("HOLDS", co, "CN114142123A") in types  # no holders: applicants hold
    assert ("CITES", "CN114142123A", "CN100000001A") in types
    assert [e.kind for e in r.take_created()] == ["university", "company"]


@pytest.mark.parametrize("row, field", [
    ({"pub_no": "", "title": "x"}, "pub_no"),
    ({"pub_no": "一种", "title": "x"}, "pub_no"),
    ({"pub_no": "CN114142123A", "title": ""}, "title"),
    ({"pub_no": "CN114142123A", "title": "x", "ipc": "H01M;电池"}, "ipc"),
    ({"pub_no": "CN114142123A", "title": "x", "filed": "2021-13-01"}, "filed"),
    ({"pub_no": "CN114142123A", "title": "x", "app_no": "200410018477.3"}, "app_no"),
    ({"pub_no": "CN114142123A", "title": "x", "applicants": "91350100M000100Y44"}, "applicants"),
])
def test_bad_patent_rows(row, field):
    with pytest.raises(RowRejected) as e:
        validate_patent(row, ctx())
    assert e.value.field == field


def test_licence_requires_a_known_patent_reference_and_gets_a_stable_id():
    r = OrgResolver()
    row = {"pub_no": "CN114142123A", "licensor": "甲大学", "licensee": "乙公司", "type": "独占", "date": "2022/1/2"}
    a = validate_license(row, ctx(r))
    b = validate_license(dict(row), ctx(r))
    assert a.node["license_id"] == b.node["license_id"] and a.node["license_id"].startswith("LIC-")
    assert a.node["type"] == "exclusive" and [(x.label, x.key, x.required) for x in a.refs] == [("Patent", "CN114142123A", True)]
    with pytest.raises(RowRejected, match="licence type"):
        validate_license({**row, "type": "随便"}, ctx(r))


def test_achievement_and_demand():
    r = OrgResolver()
    ach = validate_achievement({"title": "高镍正极", "description": "d", "owner": "甲大学", "trl": "TRL6",
                                "patents": "CN114142123A;nonsense"}, c := ctx(r))
    assert ach.node["trl"] == 6 and [x.key for x in ach.refs] == ["CN114142123A"] and c.notes
    dem = validate_demand({"title": "固态电解质", "description": "d", "poster": "乙公司", "kind": "揭榜挂帅",
                           "budget": "500万", "responders": ["甲大学", "丙研究院"]}, ctx(r))
    assert dem.extra_labels == ("Challenge",) and dem.node["budget"] == 500.0  # 万元
    assert sorted(lk.rel_type for lk in dem.links) == ["POSTED", "RESPONDED", "RESPONDED"]
    with pytest.raises(RowRejected):
        validate_demand({"title": "x", "description": "d"}, ctx(r))


# ---- resolver ----------------------------------------------------------------------------------------


def test_resolution_order_credit_code_then_name_then_alias():
    r = OrgResolver()
    a = r.declare("甲电池有限公司", credit_code=CC, aliases=["甲电池"])
    assert a.org_id == CC
    assert r.resolve(CC) == CC
    assert r.resolve("甲电池有限责任公司") == CC  # name_norm
    assert r.resolve("甲电池") == CC  # alias
    assert r.resolve("甲电池（有限公司）".replace("（有限公司）", "有限公司")) == CC
    # a declared alias is not a merge; a new spelling of the same normalised name is
    assert [(m.merged_input, m.matched_by) for m in r.merges] == [("甲电池有限责任公司", "name_norm")]
    assert "甲电池有限责任公司" in a.aliases


def test_same_name_two_credit_codes_stay_apart_and_merges_are_reported_once():
    r = OrgResolver()
    other = credit("91110000MA0000000")
    a = r.declare("某某科技有限公司", credit_code=CC)
    b = r.declare("某某科技有限公司", credit_code=other)
    assert a.org_id != b.org_id
    c = r.declare("某某科技有限责任公司", file="o.csv", line=4)
    assert c.org_id == CC and len(r.merges) == 1
    r.resolve("某某科技有限责任公司")
    assert len(r.merges) == 1  # same spelling again: already reported


def test_unknown_credit_code_reference_and_new_names():
    r = OrgResolver()
    with pytest.raises(ValueError, match="not a known organisation"):
        r.resolve(CC)
    oid = r.resolve("中国科学院某某研究所")
    assert oid == org_id_for_name("中国科学院某某研究所")
    assert r.orgs[oid].kind == "institute" and [e.org_id for e in r.take_created()] == [oid]


def test_existing_graph_index_and_rollback():
    r = OrgResolver([{"org_id": "ORG-1", "name": "老公司有限公司", "name_norm": "老公司有限公司", "aliases": ["老公司"]}])
    assert r.resolve("老公司") == "ORG-1" and r.take_created() == []
    r.begin()
    new = r.declare("新公司有限公司")
    r.resolve("又一家公司")
    r.rollback()
    assert new.org_id not in r.orgs and r.created == []
    assert r.resolve("老公司有限责任公司") == "ORG-1"


def test_credit_code_attached_to_a_name_only_organisation_is_a_reported_merge():
    r = OrgResolver([{"org_id": "ORG-x", "name": "甲电池有限公司", "name_norm": "甲电池有限公司"}])
    e = r.declare("甲电池有限公司", credit_code=CC, file="o.csv", line=2)
    assert e.org_id == "ORG-x" and e.credit_code == CC
    assert [(m.merged_input, m.matched_by) for m in r.merges] == [(CC, "name_norm")]
    assert r.resolve(CC) == "ORG-x"


# ---------------------------------------------------------------------------------------------
# programme rows (issue 14; integration in tests/test_programme_loaders.py)


def test_money_is_stored_in_wan():
    from loaders.validate import amount_wan

    c = ctx()
    assert amount_wan({"fee": "200000"}, "fee", c) == 20.0  # a bare number is yuan
    assert amount_wan({"fee": "50万元"}, "fee", c) == 50.0
    assert amount_wan({"fee": "1.2亿"}, "fee", c) == 12000.0
    assert amount_wan({"fee_wan": "300"}, "fee", c) == 300.0  # a (万元) column
    assert amount_wan({}, "fee", c) is None
    lic = validate_license({"pub_no": "CN1234567A", "licensor": "甲大学", "licensee": "乙公司", "fee": "5万",
                            "offer_id": "OL-1"}, ctx())
    assert lic.node["fee"] == 5.0 and lic.node["offer_id"] == "OL-1"


def test_pledge_patent_cells_are_publication_or_application_numbers():
    from loaders.validate_programme import _patent_ref

    assert _patent_ref("CN114142123A") == ("CN114142123A", None)
    assert _patent_ref("ZL 202110123456.7")[0] is None
    app = _patent_ref("202110123456")[1]  # the check digit is computed
    assert app.startswith("202110123456.") and _patent_ref("ZL" + app) == (None, app)
    with pytest.raises(ValueError):
        _patent_ref("not-a-patent")


def test_programme_vocabularies_accept_chinese_and_reject_the_rest():
    from loaders.validate_programme import (
        normalise_award_tier,
        normalise_bool,
        normalise_event_kind,
        normalise_mrl,
        normalise_service_type,
        normalise_year,
    )

    assert normalise_event_kind("赋智深度行") == "deep_dive" and normalise_event_kind("对接会") == "matchmaking"
    assert normalise_award_tier("专精特新“小巨人”企业") == "小巨人" and normalise_award_tier("制造业单项冠军示范企业") == "单项冠军"
    assert normalise_service_type("概念验证") == "poc" and normalise_bool("是") is True and normalise_bool("否") is False
    assert normalise_year("2024年") == 2024 and normalise_mrl("MRL7") == 7
    for fn, bad in ((normalise_event_kind, "晚宴"), (normalise_award_tier, "金牌企业"), (normalise_bool, "也许"),
                    (normalise_year, "1800"), (normalise_mrl, "11")):
        with pytest.raises(ValueError):
            fn(bad)


def test_achievement_programme_fields_and_known_evaluator():
    from loaders.validate import VALIDATORS

    r = OrgResolver()
    validate_organization({"name": "示例技术转移中心", "kind": "service"}, ctx(r))
    rec = VALIDATORS["achievements"]({
        "title": "成果", "description": "简介", "owner": "甲大学", "evaluator": "示例技术转移中心", "eval_method": "自我声明",
        "eval_date": "2024-05-06", "mrl": "6级", "transfer_modes": "许可;联合开发;许可", "open_to_sme": "是"}, ctx(r))
    n = rec.node
    assert (n["eval_method"], n["self_declared"], n["year"], n["mrl"]) == ("self", True, 2024, 6)
    assert n["transfer_modes"] == ["license", "cooperation"] and n["open_to_sme"] is True
    assert [lk.rel_type for lk in rec.links].count("EVALUATED") == 1
    unknown = VALIDATORS["achievements"]({"title": "成果2", "description": "x", "evaluator": "未知评价公司"}, ctx(r))
    assert unknown.node["evaluator"] == "未知评价公司" and not [lk for lk in unknown.links if lk.rel_type == "EVALUATED"]
    assert "未知评价公司" not in [e.name for e in r.orgs.values()]  # no organisation invented for a name
