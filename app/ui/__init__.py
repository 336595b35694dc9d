"""Streamlit helpers shared by the pages: driver, cached results, labels, tables, graphs."""
