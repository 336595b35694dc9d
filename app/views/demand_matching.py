"""供需对接 Demand matching: an SME's demand — typed, or chosen from the demand library — becomes
editable constraint chips (technology terms, TRL ≥ N, partner type 高校/院所/企业, partner region) read
from its text; the chips are parameters of the matching query, so they filter the candidates before
any limit. The demand's own text stays on screen; each match comes with a one-sentence reason."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.demand_parse import DemandConstraints, parse_demand
from app.ui.i18n import lang, t
from app.ui.page import page_start
from app.ui.pagekit import kind_shown, lang_key, profile_link, show_table

KINDS = ["university", "institute", "company"]
KIND_KEYS = {"university": "kind_university", "institute": "kind_institute", "company": "kind_company"}
#: The example a first visit opens with (an SME's demand as people write it; fictional, like the demo data).
DEFAULT_DEMAND = "我们是一家动力电池企业，正在开发固态电池电解质，希望与高校合作，技术成熟度6级以上。"
#: Demands offered in the picker (a bounded list: the library holds 20,000 at 1M patents, and every
#: option travels to the browser on each render); a demand further down opens with ?demand=<id>.
DEMAND_OPTIONS = 200
SECTIONS = [("achievement", "dm_kind_achievement"), ("patent", "dm_kind_patent"), ("organization", "dm_kind_organization")]


@st.cache_data(show_spinner=False, max_entries=128)
def constraints_of(text: str) -> DemandConstraints:
    """The constraints read from ``text`` (cached: the vocabulary and jieba load once)."""
    return parse_demand(text)


def _regions() -> list[str]:
    from queries.resolve import PROVINCES, REGION_GROUPS

    return [""] + list(REGION_GROUPS) + sorted(PROVINCES, key=PROVINCES.get)


def _pick_demand(drv) -> str | None:
    """A demand from the library, or "" to type one (the first option, chosen on a first visit)."""
    demands = saved(drv, "lookup_demands", limit=DEMAND_OPTIONS)
    titles = dict(zip(demands.demand_id, demands.title, strict=False)) if demands is not None else {}
    want = st.query_params.get("demand")
    if want and want not in titles:  # a demand beyond the listed ones, named in the address
        one = saved(drv, "lookup_demands", quiet=True, q=want, limit=1)
        if one is not None and not one.empty and str(one.demand_id.iloc[0]) == want:
            titles[want] = str(one.title.iloc[0])
    ids = ["", *titles]
    return st.selectbox(t("dm_pick"), ids, index=ids.index(want) if want in ids else 0, key=lang_key("dm_demand"),
                        format_func=lambda v: titles.get(v, v) if v else t("dm_src_typed")) or None


def _library_text(drv, demand_id: str) -> str:
    one = saved(drv, "demand_text", demand_id=demand_id)
    if one is None or one.empty:
        return ""
    r = one.iloc[0]
    return "。".join(str(x) for x in (r.title, r.description) if x and pd.notna(x))


def _chips(found: DemandConstraints, salt: str) -> tuple[list[str], int, list[str], str | None]:
    """Editable chips for the constraints found; widget keys follow the text so a new text starts fresh."""
    st.markdown(f"**{t('dm_constraints')}**")
    c1, c2, c3, c4 = st.columns([2.6, 1.1, 2.7, 1.6])
    terms = c1.multiselect(t("dm_terms"), found.terms, default=found.terms, key=f"dm_terms_{salt}",
                           accept_new_options=True, placeholder=t("dm_no_terms_found"))
    trl = c2.selectbox(t("dm_min_trl"), list(range(1, 10)), index=(found.min_trl or 1) - 1, key=f"dm_trl_{salt}")
    kinds = c3.pills(t("dm_partner"), KINDS, selection_mode="multi", default=found.partner_kinds,
                     format_func=lambda k: t(KIND_KEYS[k]), key=lang_key(f"dm_kinds_{salt}"))
    regions = _regions()
    if found.region and found.region not in regions:
        regions.append(found.region)
    region = c4.selectbox(t("dm_region"), regions, index=regions.index(found.region) if found.region else 0,
                          key=lang_key(f"dm_region_{salt}"), format_func=lambda v: v or t("dm_region_any"))
    return list(terms), int(trl), list(kinds or []), region or None


drv = page_start("page_demand")
st.markdown(f"**{t('dm_question')}**")
demand_id = _pick_demand(drv)
if demand_id is None:
    text = st.text_area(t("dm_typed"), value=DEFAULT_DEMAND, key="dm_text", height=80).strip()
else:
    text = _library_text(drv, demand_id)
    st.markdown(f"**{t('dm_text_shown')}**")
    st.info(text or "—")
if not text:
    st.stop()

found = constraints_of(text)
salt = hashlib.sha1(f"{demand_id}|{text}".encode()).hexdigest()[:10]
terms, min_trl, kinds, region = _chips(found, salt)
if not terms:
    st.warning(t("dm_need_terms"))
    st.stop()

params = {"terms": terms, "min_trl": min_trl, "partner_kind": kinds or None, "region": region, "limit": 10}
matches = saved(drv, "demand_matches", **({"demand_id": demand_id} if demand_id else {"text": text}), **params)
if matches is None:
    st.stop()
st.markdown(f"#### {t('dm_matches')}")
if matches.empty:
    st.warning(t("dm_no_matches"))
    st.stop()
counts = matches.kind.value_counts()
st.caption(t("dm_count").format(n=len(matches), a=int(counts.get("achievement", 0)), p=int(counts.get("patent", 0)),
                                o=int(counts.get("organization", 0))))
order = ["title", "reason", "org", "org_kind", "region", "trl", "open_offer", "score"]
for kind, label in SECTIONS:
    part = matches[matches.kind == kind]
    if part.empty:
        continue
    st.markdown(f"##### {t(label)}（{len(part)}）" if lang() == "zh" else f"##### {t(label)} ({len(part)})")
    for i, r in enumerate(part.itertuples()):
        with st.container(border=True, key=f"dm_card_{kind}_{i}"):
            meta = [x for x in ((r.org if kind != "organization" else None), kind_shown(r.org_kind), r.region) if x and pd.notna(x)]
            score = f"{t('score_label')} {r.score:.2f}"
            st.markdown(f"**{r.title}**  \n" + " · ".join([*map(str, meta), score]))
            st.caption(f"{t('pg_why')}：{r.reason}" if lang() == "zh" else f"{t('pg_why')}: {r.reason}")
            if kind == "organization" or (r.org_id and pd.notna(r.org_id)):
                profile_link(str(r.org_id), t("pg_open_profile"), key=f"dm_link_{kind}_{r.id}")
with st.expander(t("pg_all_rows")):
    show_table(matches, "demand_matches", "demand_matches", key="dm_table", order=["kind_name", *order], excel=True)
