"""Thin ipywidgets glue over the display objects (no math here)."""
