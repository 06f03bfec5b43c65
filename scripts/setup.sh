#!/usr/bin/env bash
# Prepare this machine: system packages (via apt-get when available), the virtual environment,
# Python packages, translations and the database. Safe to run again; it skips what is done.
#   scripts/setup.sh run    runtime packages only
#   scripts/setup.sh test   runtime + test packages (Chromium for browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# The PDFs' fonts (workflows/documents/fonts.py): Noto CJK, Hanazono for CJK Extension B-F (𠀀𪚥),
# Noto Color Emoji for emoji in colour.
system_packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-hanazono fonts-noto-color-emoji gettext"
# tests also check the nginx site (nginx -t) and the backup script (pg_dump, pg_restore)
[ "$mode" = "test" ] && system_packages="$system_packages chromium nginx-light postgresql-client"

missing=""
for package in $system_packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
      say "Installing system packages:$missing"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
      echo "Missing system packages:$missing" >&2
      echo "Install them as root: apt-get install$missing" >&2
      exit 1
    fi
  else
    echo "Missing system packages:$missing (no apt-get here)." >&2
    echo "Install Pango, HarfBuzz subset, the Noto CJK, Hanazono and Noto Color Emoji fonts, gettext (and Chromium for tests) with your package manager." >&2
    exit 1
  fi
fi

python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      python="$candidate"; break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment with $python"
  "$python" -m venv .venv
fi
requirements="requirements.txt"
[ "$mode" = "test" ] && requirements="requirements-dev.txt"
stamp=".venv/.installed-$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "Installing Python packages from $requirements"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$requirements"
  touch "$stamp"
fi

say "Compiling translations"
.venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv -v0
