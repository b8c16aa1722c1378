# Haven — two commands matter: `make run` and `make test`.
VENV    := .venv
BIN     := $(VENV)/bin
DEMO    := .haven-demo
PYTEST_ARGS ?=

.PHONY: run test lint check-i18n bench system-test-deps clean i18n vendor

$(BIN)/python:
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.runtime

## make run: a demo instance on SQLite with intake :8080, reviewer :8081, case base :8082, vault API :8083
run: $(VENV)/.runtime
	$(BIN)/haven demo --dir $(DEMO)

## make test: lint, architecture contracts and the whole suite (browser tests in Debian's Chromium)
test: $(VENV)/.test system-test-deps lint
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

system-test-deps:
	@bash deploy/scripts/install-test-deps.sh

bench: $(VENV)/.test
	$(BIN)/python -m bench

## make vendor: rebuild intake/static/vendor/ from the pinned npm packages (same bytes every run)
vendor: | $(BIN)/python
	$(BIN)/python scripts/vendor-js.py
	$(BIN)/python scripts/vendor_axe.py

## make i18n: extract every string (three apps + taxonomy labels), update the six-language
## catalogues without fuzzy matching, compile them, and list what is missing per language
I18N_DIR := haven/translations
i18n: $(VENV)/.runtime
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ -k translate -k lazy_gettext -k lazy_ngettext:1,2 \
		--no-location --sort-output --project Haven -o $(I18N_DIR)/messages.pot .
	$(BIN)/pybabel -q update -i $(I18N_DIR)/messages.pot -d $(I18N_DIR) \
		--no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/pybabel -q compile -d $(I18N_DIR)
	$(BIN)/python scripts/i18n_check.py

## make check-i18n: only the check (catalogues complete, not fuzzy, real, compiled)
check-i18n: $(VENV)/.runtime
	$(BIN)/python scripts/i18n_check.py

clean:
	rm -rf $(DEMO) .pytest_cache .ruff_cache .mypy_cache
