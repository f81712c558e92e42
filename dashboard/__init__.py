"""The alsodds dashboard: a multi-page Streamlit app over the public ``model`` API.

Run it with ``make app`` (``streamlit run dashboard/app.py``). The pages only call the API
and format what it returns; no probability is computed here.
"""
