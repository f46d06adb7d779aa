# The two set-up commands: `make demo` (the main job on the lab) and `make test` (every test).
# Both install what they need: Debian packages (scripts/install-system.sh) and a venv in .venv
# holding exactly the locked versions (scripts/install-python.sh: requirements-test.lock, hashes checked).
VENV ?= .venv
BIN := $(VENV)/bin
export GRECTL_INVENTORY ?= inventory

.PHONY: setup demo lab-down test bench clean lock
setup: $(VENV)/.installed inventory/secrets/psk.txt

$(VENV)/.installed: pyproject.toml requirements-test.lock scripts/install-system.sh scripts/install-python.sh
	bash scripts/install-system.sh
	bash scripts/install-python.sh $(VENV) requirements-test.lock editable
	touch $@

# Refresh the locks from pyproject.toml (newest versions within its bounds), straight from PyPI so
# no local mirror or index URL ends up in them. requirements.lock: what grectl runs on (the image);
# requirements-test.lock: the same plus the test extra (make, CI). Commit both.
PIP_COMPILE = PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple --upgrade
lock:
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q 'pip-tools>=7.4,<8'
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra test -o requirements-test.lock pyproject.toml

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
