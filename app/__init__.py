"""The `chainkg` command line and the Streamlit app. Nothing else imports this package."""
