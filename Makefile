# JCM: `make run` installs and starts the app; `make test` installs and runs the whole test suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOGS := $(patsubst %.po,%.mo,$(wildcard jcm/translations/*/LC_MESSAGES/messages.po))
# System packages: a Hangul font and an emoji font for documents, pango for the PDF renderer, Chromium for browser tests.
SYSTEM_PACKAGES := fonts-nanum fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0
TEST_SYSTEM_PACKAGES := chromium poppler-utils

.PHONY: run test bench install install-test system-packages translations extract-messages clean

run: install
	$(BIN)/jcm init
	$(BIN)/jcm run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# wrk loads the pages in the benchmark at scale as the bare endpoint is loaded (tests/perf/bench_scale.py).
bench: install-test
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES=wrk
	$(BIN)/python -m pytest tests/perf -s -p no:cacheprovider $(PYTEST_ARGS)

install: system-packages $(VENV)/.installed translations

install-test: install $(VENV)/.installed-test
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES="$(TEST_SYSTEM_PACKAGES)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Installs only what is missing, so it costs nothing on a machine that has everything.
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages: $$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

translations: $(CATALOGS)

jcm/translations/%/LC_MESSAGES/messages.mo: jcm/translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d jcm/translations -l $* 2>&1 | tail -1

# For developers: refresh the catalogs after marking new strings.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 -k lazy_pgettext:1c,2 -o jcm/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i jcm/translations/messages.pot -d jcm/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache
