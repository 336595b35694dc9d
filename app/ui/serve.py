"""`python -m app.ui.serve run app/streamlit_app.py …`: Streamlit's own command line, unchanged.

Kept as the entry `chainkg app` starts (app/commands/app.py). Pages live in app/views/, a folder
name Streamlit gives no meaning to, so no legacy multipage mode has to be switched off any more:
this module only runs ``python -m streamlit`` with the given arguments.
"""

from __future__ import annotations

import runpy
import sys


def main() -> None:
    """Run Streamlit's CLI (``streamlit run …``) with the process arguments."""
    sys.argv[0] = "streamlit"
    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
