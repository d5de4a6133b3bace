# Two commands on a fresh machine with Python 3.11 and make:
#   make book   set up .venv, execute every chapter, build the site into _build/html
#   make test   set up .venv, then run the whole test suite (what CI runs)
# and, after make book, make pdf: the PDF edition of the built site (_build/html/supercycle-report.pdf)
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
export PYTHONHASHSEED := 0

.PHONY: book test pdf venv browser clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (set PYTHON=/path/to/python3.11)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@# The package itself, editable (pyproject.toml): importable from any folder (papermill and
	@# nbval run in chapters/). Older venvs had a supercycle-project.pth file instead: remove it.
	@rm -f $(VENV)/lib/python*/site-packages/supercycle-project.pth
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@

book: $(STAMP)
	$(PY) -m supercycle build --jobs $(JOBS)

pdf: $(STAMP) browser
	$(PY) -m supercycle pdf

browser:
	@bash tools/ensure_browser.sh

test: $(STAMP) browser
	$(PY) -m pytest -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		tests chapters

clean:
	rm -rf _build
