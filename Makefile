# The two set-up commands: `make demo` (the main job on the lab) and `make test` (every test).
# Both install what they need: Debian packages (scripts/install-system.sh) and a venv in .venv.
VENV ?= .venv
BIN := $(VENV)/bin
export GRECTL_INVENTORY ?= inventory

.PHONY: setup demo lab-down test bench clean
setup: $(VENV)/.installed inventory/secrets/psk.txt

$(VENV)/.installed: pyproject.toml scripts/install-system.sh
	bash scripts/install-system.sh
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

inventory/secrets/psk.txt:
	mkdir -p inventory/secrets && chmod 700 inventory/secrets
	umask 077 && openssl rand -hex 24 > $@

demo: setup
	$(BIN)/grectl validate
	$(BIN)/grectl lab up
	$(BIN)/grectl deploy --confirm-timeout 120
	$(BIN)/grectl verify --wait 120
	@echo "lab left running: try 'grectl lab status', 'grectl verify', 'make lab-down'"

lab-down: setup
	$(BIN)/grectl lab down

test: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/bench_render.py
	$(BIN)/python bench/bench_lab.py

clean:
	rm -rf out .pytest_cache
