#!/usr/bin/env bash
# Set up branch-consult on a Debian/Ubuntu machine, then do one job:
#   bash bootstrap.sh demo    -> deliverables from the embedded sample bank in ./out
#   bash bootstrap.sh test    -> the full test suite (all markers)
# Idempotent: Debian packages and the virtualenv are only installed when missing or stale.
set -euo pipefail
cd "$(dirname "$0")"
job="${1:-demo}"; shift || true

DEBIAN_PACKAGES=(chromium chromium-driver fonts-noto-cjk fonts-crosextra-carlito libreoffice-writer-nogui libreoffice-math-nogui poppler-utils postgresql python3-venv python3-uno)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ]; then
    echo "branch-consult: missing Debian packages: ${missing[*]}" >&2
    echo "  install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "  (continuing; tests that need them will say so)" >&2
  else
    echo "branch-consult: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "branch-consult needs Python 3.11+ (found: $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2; exit 2; }
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "branch-consult: creating .venv and installing Python packages"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  .venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
  rm -f .venv/.installed-*; touch "$stamp"
fi

case "$job" in
  demo) exec .venv/bin/branch-consult demo --out out --force "$@" ;;
  test) exec .venv/bin/python -m pytest -m "" "$@" ;;
  setup) echo "branch-consult: set up; activate with: source .venv/bin/activate" ;;
  *) echo "usage: bash bootstrap.sh [demo|test|setup]" >&2; exit 2 ;;
esac
