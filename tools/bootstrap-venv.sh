#!/bin/sh
# Create the project's virtual environment in .venv with nothing but python3.
# Debian ships venv without ensurepip unless python3-venv is installed: install it when we
# may (root with apt-get), otherwise bootstrap pip from its wheel on PyPI.
set -eu
VENV=${1:-.venv}
PYTHON=${PYTHON:-python3}
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  exit 0
fi
rm -rf "$VENV"
if "$PYTHON" -m venv "$VENV" 2>/dev/null; then
  exit 0
fi
rm -rf "$VENV"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$ver-venv" \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  "$PYTHON" -m venv "$VENV"
  exit 0
fi
"$PYTHON" -m venv --without-pip "$VENV"
"$VENV/bin/python" - <<'PY'
import json, os, subprocess, sys, tempfile, urllib.request
meta = json.load(urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60))
wheel = next(u for u in meta["urls"] if u["filename"].endswith(".whl"))
path = os.path.join(tempfile.mkdtemp(), wheel["filename"])
urllib.request.urlretrieve(wheel["url"], path)
subprocess.check_call([sys.executable, os.path.join(path, "pip"), "install", "--quiet", path])
PY
