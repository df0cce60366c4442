# Sourced by the scripts: create .venv once and install zdr (and, with --dev, its tools).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.zdr-installed$1"
# zdr.detect is compiled (setup.py): an edited module must be compiled again, or the
# stale extension next to it would still be the one imported.
# Newer files, or sources whose content differs from what was compiled (a file's
# time says nothing after a checkout or a concurrent run; zdr/detect/_fresh.py).
stale() {
  [ -n "$(find pyproject.toml setup.py src/zdr/detect -name '*.py' -newer "$stamp" -o -name '*.c' -newer "$stamp" -o -name pyproject.toml -newer "$stamp" 2>/dev/null | head -1)" ] ||
    PYTHONPATH=src .venv/bin/python -c 'import sys, importlib.util as u
spec = u.spec_from_file_location("fresh", "src/zdr/detect/_fresh.py"); m = u.module_from_spec(spec)
spec.loader.exec_module(m); sys.exit(0 if m.build_outdated() else 1)' 2>/dev/null
}
if [ ! -f "$stamp" ] || stale; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  # An editable install builds the extensions next to the sources: remove the old
  # ones first, or a build that fails would leave stale code to be imported.
  find src -name '*.so' -delete
  if [ "$1" = "-dev" ]; then
    .venv/bin/python -m pip install -q -e . --group dev
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi
