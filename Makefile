# Two commands on a fresh machine: `make demo` and `make test`. Both set themselves up.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PYTHON  ?= python3

.PHONY: demo test lint system-deps bench golden mutate clean i18n catalog

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Debian packages the browser tests need (real Chromium, driven by Playwright).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

demo: $(STAMP)
	$(BIN)/scomm run --out out/demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) system-deps catalog
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadgroup

# The message catalog: `make i18n` re-extracts every string (Python, brief and page templates)
# into messages.pot and merges it into each language's .po (translate the new entries, then
# commit the .po); `make catalog` compiles the .mo files (git-ignored; also done by make test).
LOCALE := src/scomm/locale
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
	  --project scomm --copyright-holder "scomm contributors" -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages \
	  --width 100
	$(MAKE) catalog

catalog: $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALE) -D messages

# Regenerate the golden baselines (tests/golden/*.json); a commit that changes one says why.
golden: $(STAMP)
	$(BIN)/python tests/golden/golden_cases.py --write
	$(BIN)/python -m scomm.study.golden --write

# Mutation testing (mutmut, [tool.mutmut] in pyproject.toml): slow (hours for every module on
# two cores), so not part of `make test`. MUTANTS='scomm.rules.jail*' runs a subset, e.g.
# MUTANTS="'scomm.jurisdictions.policy*' 'scomm.records.suppress*'"; the score and survivors
# go in docs/testing.md.
MUTANTS ?=
mutate: $(STAMP)
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut results

bench: $(STAMP)
	$(BIN)/python benchmarks/run_benchmarks.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache mutants
