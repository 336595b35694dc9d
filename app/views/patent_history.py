"""专利档案 Patent history: one patent's life from application to grant, licences (备案号, fee), transfers,
pledges and its open-licence offer, on a time line and as a table — the IP office's view of a patent.

The patent is found by number (publication or application) or by words of its title
(``lookup_patents``); with nothing typed, the patents with the most recorded transactions are offered.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.ui.data import saved
from app.ui.i18n import lang, t
from app.ui.page import page_start
from app.ui.pagekit import profile_link, show_table
from app.ui.progcharts import fmt, show, timeline_options

#: Event codes (patent_history's ``event`` column) in the order of the time line's lanes.
LANES = ["filed", "published", "granted", "open_offer", "license", "open_license", "transfer", "deal",
         "pledge", "pledge_released"]
#: Legal status codes with a display name (others are shown as stored).
STATUSES = {"granted", "pending", "invalid", "expired", "published"}



def unit_label(key: str) -> str:
    """A money tile's label with its unit: 许可费合计（万元） / Licence fees (10k CNY)."""
    return f"{t(key)} ({t('pq_u_wan')})" if lang() == "en" else f"{t(key)}（{t('pq_u_wan')}）"


drv = page_start("page_patent_history")
st.caption(t("pq_hist_question"))

typed = st.text_input(t("pq_patent_search"), key="hist_q", placeholder="CN190000000B / 201210000000.2 / 电池").strip()
found = saved(drv, "lookup_patents", q=typed or None, limit=50)
if found is None:
    st.stop()
if found.empty:
    st.info(t("pq_no_patent"))
    st.stop()
if not typed:
    st.caption(t("pq_busiest"))
labels = {r.pub_no: f"{r.pub_no} · {r.title} · {r.holder or '—'}" for r in found.itertuples()}
pub_no = st.selectbox(t("pq_pick_patent"), list(labels), key="hist_pick", format_func=lambda v: labels.get(v, v))

hist = saved(drv, "patent_history", patent=pub_no)
if hist is None:
    st.stop()
if hist.empty:
    st.info(t("pq_hist_empty"))
    st.stop()

pat = found.set_index("pub_no").loc[pub_no]
st.markdown(f"#### {pat.title}（{pub_no}）")
money = lambda s: fmt(float(pd.to_numeric(s, errors="coerce").fillna(0).sum()))  # noqa: E731
counts = hist.event.value_counts()
status = t(f"pq_status_{pat.status}") if pat.status in STATUSES else (pat.status or "—")
st.markdown(f"**{t('pq_holder')}** {pat.holder or '—'}　·　**{t('pq_status')}** {status}"
            + (f"　·　**{t('pq_app_no')}** {pat.app_no}" if isinstance(pat.app_no, str) else ""))
tiles = st.columns(5)
tiles[0].metric(t("pq_licences_n"), int(counts.get("license", 0) + counts.get("open_license", 0)))
tiles[1].metric(t("pq_transfers_n"), int(counts.get("transfer", 0)))
tiles[2].metric(t("pq_pledges_n"), int(counts.get("pledge", 0)))
tiles[3].metric(unit_label("pq_fees"), money(hist[hist.event.isin(["license", "open_license"])].value))
tiles[4].metric(unit_label("pq_pledged"), money(hist[hist.event == "pledge"].value))
if isinstance(pat.holder_id, str) and pat.holder_id:
    profile_link(pat.holder_id, f"{t('pq_holder')}{': ' if lang() == 'en' else '：'}{pat.holder}")

st.subheader(t("pq_timeline"))
st.caption(t("pq_n_events").format(n=len(hist)))
dated = hist.dropna(subset=["date"])
lanes = [t(f"pq_evt_{e}") for e in LANES if e in set(dated.event)]
rows = [{"date": pd.Timestamp(r.date).date().isoformat(), "lane": t(f"pq_evt_{r.event}"), "event": r.event,
         "tip": f"{pd.Timestamp(r.date).date().isoformat()} {t(f'pq_evt_{r.event}')}：{r.detail}"} for r in dated.itertuples()]
if rows:
    show(timeline_options(rows, lanes=lanes), key=f"hist_tl_{pub_no}", height=max(200, 60 + 44 * len(lanes)))
listed = hist.assign(from_org=hist.from_org.fillna("—"), to_org=hist.to_org.fillna("—"))  # no grey None for "no party"
listed.attrs = dict(hist.attrs)
show_table(listed, "patent_history", f"patent_history_{pub_no}", key="hist_table", excel=True,
           order=["date", "event_name", "detail", "from_org", "to_org", "ref_no", "value", "status"])
