"""Presenting results: terminal tables, plots and the HTML report."""
