"""Normalisers: examples from real exports plus hypothesis properties (idempotence, round trips)."""

import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders import normalise as N

# ---- publication / application numbers -------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [("CN 114142123 A", "CN114142123A"), ("cn114142123a", "CN114142123A"), ("ＣＮ１１４１４２１２３Ａ", "CN114142123A"),
     ("CN215792497U", "CN215792497U"), ("114142123A", "CN114142123A"), ("CN111504366B", "CN111504366B"),
     ("US 8,926,509 B2".replace(",", ""), "US8926509B2")],
)
def test_pub_no_examples(raw, expected):
    assert N.normalise_pub_no(raw) == expected


@pytest.mark.parametrize("raw", ["", "CN", "H01M10/0525", "CN12A", "一种装置"])
def test_pub_no_rejects_garbage(raw):
    with pytest.raises(ValueError):
        N.normalise_pub_no(raw)


@given(st.sampled_from(["CN", "US", "JP"]), st.integers(10**8, 10**9 - 1), st.sampled_from(["A", "B", "U", "B2", ""]),
       st.sampled_from(["", " ", "  "]))
def test_pub_no_is_idempotent_and_space_insensitive(country, number, kind, sep):
    raw = f"{country}{sep}{number}{sep}{kind}"
    once = N.normalise_pub_no(raw)
    assert once == f"{country}{number}{kind}"
    assert N.normalise_pub_no(once) == once


def test_app_no_check_digit_known_example_and_forms():
    assert N.normalise_app_no("ZL200410018477.9") == "200410018477.9"
    assert N.normalise_app_no("CN 200410018477.9") == "200410018477.9"
    assert N.normalise_app_no("200410018477") == "200410018477.9"  # missing check digit computed
    assert N.normalise_app_no("2004100184779") == "200410018477.9"
    with pytest.raises(ValueError, match="check digit"):
        N.normalise_app_no("200410018477.3")


@given(st.text(alphabet=string.digits, min_size=12, max_size=12))
def test_app_no_round_trip(body):
    full = N.normalise_app_no(body)
    assert full.startswith(body + ".")
    assert N.normalise_app_no("ZL" + full) == full
    assert N.normalise_app_no(full.replace(".", "")) == full


# ---- IPC ----------------------------------------------------------------------------------------


def test_ipc_forms_level_and_parents():
    c = N.parse_ipc("H01M 10/0525")
    assert (c.code, c.level) == ("H01M10/0525", "subgroup")
    assert c.parents == ("H01M10/00", "H01M", "H01", "H")
    assert N.normalise_ipc("H01M0010052500") == "H01M10/0525"  # WIPO 14-character form
    assert N.normalise_ipc("A01B0001020000") == "A01B1/02"
    assert N.parse_ipc("H01M10").code == "H01M10/00"
    assert N.parse_ipc("G06F").level == "subclass"
    assert N.parse_ipc("G").parents == ()
    assert N.normalise_ipc("ｈ０１ｍ　４／５８") == "H01M4/58"


@pytest.mark.parametrize("raw", ["", "X01M", "H1M", "H01M10/5/3", "H01M0/00", "H01M10/1234567", "电池"])
def test_bad_ipc_codes(raw):
    with pytest.raises(ValueError):
        N.parse_ipc(raw)


ipc_codes = st.builds(
    lambda s, c, sub, g, sg: f"{s}{c:02d}{sub}{g}/{sg}",
    st.sampled_from("ABCDEFGH"), st.integers(1, 99), st.sampled_from("ABCDFGHJKLMNPQ"),
    st.integers(1, 9999), st.sampled_from(["00", "02", "0525", "052", "10", "4567"]),
)


@given(ipc_codes)
def test_ipc_idempotent_and_parents_are_prefix_chain(code):
    c = N.parse_ipc(code)
    assert N.parse_ipc(c.code) == c
    assert N.parse_ipc(c.code.replace("/", " /")).code == c.code
    # every ancestor is itself a valid code whose own parents are the tail of the chain
    for i, parent in enumerate(c.parents):
        assert N.parse_ipc(parent).parents == c.parents[i + 1:]
    assert c.parents[-1] == c.code[0]


def test_ipc_prefix_keeps_group_boundaries():
    assert N.normalise_ipc_prefix("H01M4") == ("H01M4/", "H01M4/00")
    assert N.normalise_ipc_prefix("H01M 4/") == ("H01M4/", "H01M4/00")
    assert N.normalise_ipc_prefix("H01M") == ("H01M", "H01M")
    assert N.normalise_ipc_prefix("H01M10/052") == ("H01M10/052", "H01M10/052")
    assert not "H01M40/00".startswith(N.normalise_ipc_prefix("H01M4")[0])


# ---- organisation names ---------------------------------------------------------------------------


def test_org_name_variants_share_name_norm():
    a = N.normalise_org_name("腾森橡胶轮胎（威海）有限责任公司")
    b = N.normalise_org_name("腾森橡胶轮胎(威海)有限公司 ")
    c = N.normalise_org_name("腾森橡胶轮胎 （威海） 有限公司")
    assert a == b == c
    assert N.clean_org_name("腾森橡胶轮胎（威海）有限公司") == "腾森橡胶轮胎(威海)有限公司"
    assert N.normalise_org_name("ＡＢＣ科技股份有限公司") == "abc科技股份有限公司"
    with pytest.raises(ValueError):
        N.normalise_org_name("  ")


def test_former_names_become_aliases():
    assert N.split_former_name("甲科技有限公司（原名：乙科技有限公司）") == ("甲科技有限公司", ["乙科技有限公司"])
    name, aliases = N.split_former_name("某某电子有限公司（国营第八九一厂）")
    assert name == "某某电子有限公司" and aliases == ["国营第八九一厂"]


cjk = st.text(alphabet=st.sampled_from("中国科技电子新材料有限责任公司股份集团（）() 　ＡＢab"), min_size=1, max_size=30)


@given(cjk)
def test_name_norm_is_idempotent(name):
    try:
        norm = N.normalise_org_name(name)
    except ValueError:
        return
    assert N.normalise_org_name(norm) == norm
    assert " " not in norm and "（" not in norm and "有限责任公司" not in norm


def test_org_kind_guess():
    assert N.guess_org_kind("清华大学") == "university"
    assert N.guess_org_kind("中国科学院物理研究所") == "institute"
    assert N.guess_org_kind("某某研究院有限公司") == "company"
    assert N.guess_org_kind("苏州市科学技术局") == "government"
    assert N.guess_org_kind("宁德时代新能源科技股份有限公司") == "company"


# ---- credit codes --------------------------------------------------------------------------------


def test_credit_code_known_valid_and_invalid():
    assert N.normalise_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert N.normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    with pytest.raises(ValueError, match="checksum"):
        N.normalise_credit_code("91350100M000100Y44")
    with pytest.raises(ValueError, match="18 characters"):
        N.normalise_credit_code("91350100M000100Y4")
    with pytest.raises(ValueError, match="not allowed"):
        N.normalise_credit_code("91350100M000100YI3")


@given(st.text(alphabet=N.CREDIT_ALPHABET, min_size=17, max_size=17))
def test_credit_code_check_char_round_trip_and_single_error_detection(body):
    code = body + N.credit_code_check_char(body)
    assert N.normalise_credit_code(code) == code
    # changing any one character of the body breaks the checksum (weights are units mod 31)
    i = len(body) // 2
    other = N.CREDIT_ALPHABET[(N.CREDIT_ALPHABET.index(body[i]) + 1) % 31]
    with pytest.raises(ValueError):
        N.normalise_credit_code(body[:i] + other + body[i + 1:] + code[-1])


# ---- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["2021-03-04", "2021/3/4", "2021.03.04", "20210304", "2021年3月4日", "2021年03月04",
                                 "44259", 44259, 44259.0, "2021-03-04 00:00:00", dt.datetime(2021, 3, 4, 8, 0),
                                 "２０２１－０３－０４"])
def test_date_forms(raw):
    assert N.normalise_date(raw) == dt.date(2021, 3, 4)


@pytest.mark.parametrize("raw", ["2021-13-01", "2021-02-30", "yesterday", "0", "21/3/4", ""])
def test_bad_dates(raw):
    with pytest.raises(ValueError):
        N.normalise_date(raw)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_date_round_trips(d):
    for text in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y%m%d"),
                 str((d - dt.date(1899, 12, 30)).days)):
        assert N.normalise_date(text) == d


# ---- regions and vocabularies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, code",
    [("苏州", "320500"), ("江苏省苏州市", "320500"), ("江苏 苏州", "320500"), ("320500", "320500"), ("32", "320000"),
     ("昆山市", "320583"), ("江苏/苏州/昆山", "320583"), ("北京", "110000"), ("北京市海淀区", "110108"),
     ("深圳", "440300"), ("新疆", "650000"), ("320583000000", "320583"), ("广西壮族自治区", "450000")],
)
def test_regions(raw, code):
    assert N.normalise_region(raw) == code


def test_region_ambiguity_and_unknowns():
    with pytest.raises(ValueError, match="ambiguous"):
        N.normalise_region("朝阳区")
    assert N.normalise_region("朝阳区", within="110000") == "110105"
    with pytest.raises(ValueError):
        N.normalise_region("亚特兰蒂斯")
    with pytest.raises(ValueError):
        N.normalise_region("999999")
    assert N.city_code("320583") == "320500" and N.province_code("320583") == "320000"
    assert N.city_code("320000") is None


def test_region_table_is_a_tree():
    table = N.region_table()
    assert len(table) > 3000
    assert all(r.parent in table for r in table.values() if r.parent)
    assert {r.level for r in table.values()} == {"province", "city", "district"}


def test_vocabularies():
    assert N.normalise_tier("专精特新“小巨人”") == "小巨人"
    assert N.normalise_tier("制造业单项冠军") == "单项冠军"
    assert N.normalise_tier("专精特新中小企业") == "专精特新"
    assert N.normalise_size("中型") == "medium" and N.normalise_size("micro") == "micro"
    assert N.normalise_kind("高校") == "university"
    assert N.normalise_license_type("独占许可") == "exclusive"
    assert N.normalise_transfer_mode("作价入股") == "equity"
    assert N.normalise_demand_kind("揭榜挂帅") == "challenge"
    assert N.normalise_patent_kind("实用新型") == "utility"
    assert N.normalise_patent_status("实质审查的生效") == "pending"
    assert N.normalise_patent_status("未缴年费专利权终止") == "expired"
    assert N.normalise_patent_status("授权") == "granted"
    assert N.kind_from_pub_no("CN215792497U") == "utility"
    assert N.normalise_amount("50万") == 500000.0 and N.normalise_amount("1.5亿元") == 150000000.0
    assert N.normalise_trl("TRL6") == 6
    assert N.normalise_industry_code("C3841") == "3841"
    with pytest.raises(ValueError, match="unknown tier"):
        N.normalise_tier("金牌")
    with pytest.raises(ValueError):
        N.normalise_trl("10")


@pytest.mark.parametrize("raw", ["A´", "Ü¯", "İstanbul Ltd", "ｃａｆｅ\u0301 有限责任公司"])
def test_names_with_combining_marks_reach_a_fixed_point(raw):
    once = N.clean_org_name(raw)
    assert N.clean_org_name(once) == once
    key = N.normalise_org_name(raw)
    assert N.normalise_org_name(key) == key


@pytest.mark.parametrize("raw", ["1e309", "1" * 20_000, "nan", "inf"])
def test_absurd_trl_values_are_value_errors(raw):
    with pytest.raises(ValueError):
        N.normalise_trl(raw)


# ---- memoised normalisers: caching never changes a result ----------------------------------------

CACHED = [N.parse_ipc, N.clean_org_name, N.normalise_org_name, N.guess_org_kind, N.normalise_credit_code,
          N.looks_like_credit_code, N.normalise_date, N.normalise_patent_status, N.normalise_region, N.normalise_tier,
          N.normalise_size, N.normalise_kind, N.normalise_license_type, N.normalise_transfer_mode,
          N.normalise_demand_kind, N.normalise_patent_kind]

# Text that looks like the values these functions see, plus arbitrary unicode (full-width, CJK, marks).
_VALUE_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="０１２３２０２１年月日-/. 有限责任公司（）()ＡBＣH01M/", max_size=20),
    st.sampled_from(["H01M 10/0525", "H01M0010052500", "2021年3月4日", "44259", "91110108MA01ABCD1X", "小巨人",
                     "江苏省苏州市", "苏州", "320583", "朝阳区", "某某（北京）科技有限责任公司", "授权", "大型", "发明"]),
)


def _outcome(fn, *args, **kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except ValueError as e:
        return ("error", str(e))


@pytest.mark.parametrize("fn", CACHED, ids=lambda f: f.__name__)
@given(raw=_VALUE_TEXT)
def test_cached_normalisers_match_the_uncached_function(fn, raw):
    expected = _outcome(fn.__wrapped__, raw)
    assert _outcome(fn, raw) == expected  # first call (may fill the cache)
    assert _outcome(fn, raw) == expected  # second call (served from the cache when it succeeded)


@given(raw=_VALUE_TEXT, within=st.sampled_from([None, "320000", "110000", "440000"]))
def test_cached_region_lookup_keys_on_the_scope_too(raw, within):
    expected = _outcome(N.normalise_region.__wrapped__, raw, within)
    assert _outcome(N.normalise_region, raw, within) == expected
    assert _outcome(N.normalise_region, raw, within=within) == expected


def test_cache_is_bypassed_for_non_text_values():
    # lru_cache treats 1, 1.0 and True as one key: only str arguments are cached, so a bool is
    # still refused after the serial 1 was seen.
    assert N.normalise_date(1) == dt.date(1899, 12, 31)
    with pytest.raises(ValueError):
        N.normalise_date(True)
    assert N.normalise_date(dt.datetime(2021, 3, 4, 5, 6)) == dt.date(2021, 3, 4)
    before = N.normalise_date.cache_info().currsize
    N.normalise_date(44259.0)
    assert N.normalise_date.cache_info().currsize == before


def test_cache_serves_repeats_and_errors_are_raised_every_time():
    N.parse_ipc.cache_clear()
    first = N.parse_ipc("H01M 10/0525")
    assert N.parse_ipc("H01M 10/0525") is first
    assert N.parse_ipc.cache_info().hits >= 1
    for _ in range(2):
        with pytest.raises(ValueError, match="not an IPC code"):
            N.parse_ipc("H01M 0/00")
