"""Printable documents of a meeting (agenda, later minutes): one template and one print stylesheet each,
shown as HTML and rendered to PDF."""
