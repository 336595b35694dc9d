"""`python -m app.ui.serve run app/streamlit_app.py …`: Streamlit's CLI with one fix applied first.

Streamlit runs the very first script run of a process in its legacy multipage mode when a
``pages/`` folder sits beside the main script (ours: app/pages/), so the first visitor would get the
legacy sidebar and a page run without the entry script. The app always uses ``st.navigation``, so we
tell Streamlit up front that the folder is not a legacy pages directory.
"""

from __future__ import annotations

import sys


def main() -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web.cli import main as streamlit_main

    PagesManager.uses_pages_directory = False
    sys.argv[0] = "streamlit"
    streamlit_main()


if __name__ == "__main__":
    main()
