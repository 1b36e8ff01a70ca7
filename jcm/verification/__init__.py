"""Verification of agreed agendas and adopted minutes by anyone holding a copy: a page, the API and the CLI."""
