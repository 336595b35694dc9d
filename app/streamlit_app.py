"""ChainKG Streamlit entry point: `chainkg app` (or `streamlit run app/streamlit_app.py`).

Pages are plain scripts under app/pages/, registered with st.navigation so each runs on its own
(one slow page never blocks another) and the sidebar labels follow the language toggle.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app.ui.i18n import LANG_KEY, t

PAGES_DIR = Path(__file__).resolve().parent / "pages"

#: (script, label key, url path). The url paths are stable: tests and bookmarks use them. No page icons:
#: Streamlit turns a page icon into a favicon fetched from a CDN, and the app must work offline.
PAGES = [
    ("overview.py", "page_overview", "overview"),
    ("chain_map.py", "page_chain_map", "chain_map"),
    ("licensors.py", "page_licensors", "licensors"),
    ("license_paths.py", "page_license_paths", "license_paths"),
    ("demand_matching.py", "page_demand", "demand_matching"),
    ("patent_navigation.py", "page_patent_nav", "patent_navigation"),
    ("org_profile.py", "page_org_profile", "org_profile"),
    ("workbench.py", "page_workbench", "workbench"),
    ("data_import.py", "page_import", "data_import"),
]


def main() -> None:
    st.set_page_config(page_title="ChainKG", layout="wide")  # no page_icon: material/emoji favicons load from a CDN
    with st.sidebar:
        st.radio(t("language"), ["zh", "en"], key=LANG_KEY, horizontal=True,
                 format_func=lambda c: "中文" if c == "zh" else "English")
    pages = [
        st.Page(PAGES_DIR / script, title=t(key), url_path=url, default=(i == 0))
        for i, (script, key, url) in enumerate(PAGES)
    ]
    st.navigation(pages).run()


main()
