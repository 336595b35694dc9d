"""ChainKG Streamlit entry point: `chainkg app` (or `streamlit run app/streamlit_app.py`).

Pages are plain scripts under app/views/ (a folder name Streamlit attaches no meaning to), registered
with st.navigation so each runs on its own (one slow page never blocks another) and the sidebar
labels follow the language toggle. Developer chrome (Deploy, Rerun, …) is hidden by
app/.streamlit/config.toml, which Streamlit reads beside this script however it is started.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from app.ui.i18n import LANG_KEY, t
from app.ui.page import localise_streamlit_chrome

VIEWS_DIR = Path(__file__).resolve().parent / "views"

#: (script, label key, url path). The url paths are stable: tests and bookmarks use them. No page icons:
#: Streamlit turns a page icon into a favicon fetched from a CDN, and the app must work offline.
#: Pages other engineers are still writing are listed too and appear once their file exists.
PAGES = [
    ("overview.py", "page_overview", "overview"),
    ("chain_map.py", "page_chain_map", "chain_map"),
    ("licensors.py", "page_licensors", "licensors"),
    ("license_paths.py", "page_license_paths", "license_paths"),
    ("demand_matching.py", "page_demand", "demand_matching"),
    ("achievements.py", "nav_achievements", "achievements"),
    ("patent_navigation.py", "page_patent_nav", "patent_navigation"),
    ("patent_history.py", "nav_patent_history", "patent_history"),
    ("org_profile.py", "page_org_profile", "org_profile"),
    ("placement_review.py", "nav_placement_review", "placement_review"),
    ("workbench.py", "page_workbench", "workbench"),
    ("data_import.py", "page_import", "data_import"),
]


def available_pages() -> list[tuple[str, str, str]]:
    """The entries of PAGES whose script exists (in PAGES order)."""
    return [p for p in PAGES if (VIEWS_DIR / p[0]).is_file()]


@st.cache_resource(show_spinner=False)
def _warm_up_in_background() -> threading.Thread:
    """Once per app process: load the demand parser's vocabulary and jieba in a background thread
    (~3 s of CPU that would otherwise be the first demand-page visitor's wait)."""
    from app.ui.demand_parse import warm_up

    thread = threading.Thread(target=warm_up, name="chainkg-warm-up", daemon=True)
    thread.start()
    return thread


def main() -> None:
    _warm_up_in_background()
    st.set_page_config(page_title="ChainKG", layout="wide")  # no page_icon: material/emoji favicons load from a CDN
    with st.sidebar:
        st.radio(t("language"), ["zh", "en"], key=LANG_KEY, horizontal=True,
                 format_func=lambda c: "中文" if c == "zh" else "English")
    localise_streamlit_chrome()
    pages = [
        st.Page(VIEWS_DIR / script, title=t(key), url_path=url, default=(i == 0))
        for i, (script, key, url) in enumerate(available_pages())
    ]
    st.navigation(pages).run()


main()
