#!/usr/bin/env bash
# The Python side of every install of grectl: a venv holding exactly the locked dependencies
# (each file checked against its hash in the lock, nothing resolved on the day), then grectl itself
# without its dependencies. One script for `make setup`, the Dockerfile and tests/unit/test_install.py.
#
#   scripts/install-python.sh VENV [LOCK] [TARGET]
#     LOCK    requirements.lock (runtime, the default) or requirements-test.lock (runtime + tests)
#     TARGET  "editable" (the default: this checkout, `pip install -e`), or a wheel / directory
set -euo pipefail
unset PYTHONPATH PYTHONHOME   # the venv sees only itself (a checkout on PYTHONPATH would count as installed)
venv=${1:?usage: install-python.sh VENV [LOCK] [TARGET]}
src=$(cd "$(dirname "$0")/.." && pwd)
lock=${2:-$src/requirements.lock}
target=${3:-editable}
test -x "$venv/bin/python" || python3 -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
# every requirement pinned with hashes: pip refuses anything the lock does not name
"${pip[@]}" install -q --require-hashes -r "$lock"
if [ "$target" = editable ]; then
  "${pip[@]}" install -q --no-deps -e "$src"
else
  "${pip[@]}" install -q --no-deps "$target"
fi
# the lock is complete: nothing grectl declares may be missing
"${pip[@]}" check
