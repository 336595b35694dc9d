"""Property tests of the normalisers over arbitrary input: a canonical value or a ValueError, nothing else.

Hypothesis generates arbitrary Unicode (control characters, surrogates excluded only where Python
cannot encode them, full-width forms, huge strings); each normaliser must return its documented
type or raise ValueError with a reason (which the loaders copy into the rejects table), and the
canonical forms are fixed points. ``tests/test_fuzz_*.py`` count their generated cases into
``FUZZ_COUNTS`` so the closing report can state how many inputs were tried.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from loaders import normalise as n
from tests.fuzz_support import count_case

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)
NASTY = st.sampled_from([
    "'}) DETACH DELETE n //", "`x`", "$x", "{a: 1}", "\u0000", "\ufeffCN114142123A", "\u202e", "=cmd|' /C calc'!A0",
    "+1", "-1", "@SUM(A1)", "\r\n", "全角ＣＮ１１４１４２１２３Ａ", "江苏省苏州市", " ", "", "\t", "NaN", "1e309",
])
TEXTS = st.one_of(ANY_TEXT, NASTY, st.builds(lambda a, b: a + b, NASTY, ANY_TEXT))
FUZZ = hsettings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NORMALISERS = {
    "pub_no": (n.normalise_pub_no, str),
    "app_no": (n.normalise_app_no, str),
    "ipc": (n.normalise_ipc, str),
    "org_name": (n.normalise_org_name, str),
    "credit_code": (n.normalise_credit_code, str),
    "date": (n.normalise_date, dt.date),
    "status": (n.normalise_patent_status, str),
    "amount": (n.normalise_amount, float),
    "region": (n.normalise_region, str),
    "industry": (n.normalise_industry_code, str),
}


@pytest.mark.parametrize("name", sorted(NORMALISERS))
def test_normaliser_returns_its_type_or_a_value_error(name):
    fn, kind = NORMALISERS[name]

    @FUZZ
    @given(TEXTS)
    def check(raw):
        count_case(f"normaliser:{name}")
        try:
            out = fn(raw)
        except ValueError as e:
            assert str(e), "a reject needs a reason"
            return
        assert isinstance(out, kind)
        if kind is str and name not in ("status",):
            assert fn(out) == out, f"{name}: canonical form {out!r} is not a fixed point"

    check()


# Found by this suite and fixed in loaders/normalise.py: OverflowError on 1e309 (a crash, not a reject).
@example("1e309")
@example("1" * 20_000)
@FUZZ
@given(TEXTS)
def test_trl_returns_1_to_9_or_a_value_error(raw):
    count_case("normaliser:trl")
    try:
        out = n.normalise_trl(raw)
    except ValueError:
        return
    assert isinstance(out, int) and 1 <= out <= 9


# Found by this suite and fixed: 'A´' and 'Á' used to give two different name_norm keys.
@example("A´")
@example("Ü¯")
@FUZZ
@given(TEXTS)
def test_org_name_key_is_a_fixed_point(raw):
    count_case("normaliser:org_name_fixed_point")
    once = n.clean_org_name(raw)
    assert n.clean_org_name(once) == once
    try:
        key = n.normalise_org_name(raw)
    except ValueError:
        return
    assert n.normalise_org_name(key) == key


@FUZZ
@given(TEXTS)
def test_clean_org_name_keeps_quotes_and_symbols(raw):
    count_case("normaliser:clean_org_name")
    once = n.clean_org_name(raw)
    for ch in "'`${}\"":
        assert once.count(ch) == n.nfkc(raw).count(ch), "names keep quotes, backticks, $ and braces verbatim"


@FUZZ
@given(st.text(alphabet=n.CREDIT_ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.data())
def test_credit_code_checksum_catches_every_single_substitution(body, pos, data):
    count_case("normaliser:credit_code_checksum")
    code = body + n.credit_code_check_char(body)
    assert n.normalise_credit_code(" " + code.lower() + " ") == code
    other = data.draw(st.sampled_from([c for c in n.CREDIT_ALPHABET if c != code[pos]]))
    with pytest.raises(ValueError, match="checksum"):
        n.normalise_credit_code(code[:pos] + other + code[pos + 1:])


@FUZZ
@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2199, 12, 31)))
def test_every_documented_date_format_gives_the_same_date(d):
    count_case("normaliser:date_formats")
    for text in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}.{d.month:02d}.{d.day:02d}",
                 d.strftime("%Y%m%d"), f"{d.year}年{d.month}月{d.day}日", f"{d.isoformat()} 12:30:00",
                 d.isoformat().translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})):  # full-width digits
        assert n.normalise_date(text) == d, text
    assert n.normalise_date((d - dt.date(1899, 12, 30)).days) == d  # Excel serial


@FUZZ
@given(st.sampled_from(["CN", "US", "EP", ""]), st.integers(10**5, 10**12 - 1), st.sampled_from(["A", "B", "U", "S", "A1", ""]))
def test_publication_numbers_in_any_spelling_normalise_to_one_key(country, number, kind):
    count_case("normaliser:pub_no_spellings")
    canonical = f"{country or 'CN'}{number}{kind}"
    for spelling in (f"{country}{number}{kind}", f"{country} {number} {kind}", f"{country}{number}.{kind}".rstrip("."),
                     n.nfkc(f"{country}{number}{kind}").translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})):
        assert n.normalise_pub_no(spelling) == canonical, spelling


@pytest.mark.parametrize("name", sorted(NORMALISERS))
def test_huge_fields_are_handled_quickly(name):
    """A 20,000-character cell (a paste accident) is answered in bounded time, not quadratic blow-up."""
    fn, _ = NORMALISERS[name]
    for raw in ("江" * 20_000, "A" * 20_000, "1" * 20_000, "=" + "x" * 20_000):
        count_case(f"normaliser:{name}:huge")
        t0 = time.monotonic()
        try:
            fn(raw)
        except ValueError:
            pass
        assert time.monotonic() - t0 < 2.0, f"{name} took too long on a {len(raw)}-character value"


@example("İstanbul 有限责任公司")
@FUZZ
@given(TEXTS)
def test_org_id_is_stable_for_names_that_differ_only_in_spelling(raw):
    count_case("normaliser:org_id")
    try:
        key = n.normalise_org_name(raw)
    except ValueError:
        return
    variants = [raw.replace("有限责任公司", "有限公司"), f"  {raw}  ", raw.replace("(", "（").replace(")", "）")]
    for v in variants:
        assert n.org_id_for_name(n.normalise_org_name(v)) == n.org_id_for_name(key), v
