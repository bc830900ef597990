#!/usr/bin/env bash
# Idempotent set-up used by `make run`, `make test` and `make bench`:
# Debian packages (as root; otherwise print the apt line), .venv, Python requirements,
# compiled translations. A second run with nothing changed takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
APT_PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk  # WeasyPrint + Chinese
  gettext                      # compiling translations
  poppler-utils                # pdftotext/pdftoppm: checking PDFs
  chromium chromium-driver     # browser tests (Playwright drives Debian's Chromium)
  libicu-dev pkg-config g++    # building PyICU (姓氏笔画 sort keys)
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    [[ "$pkg" == \#* ]] && continue
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
fi
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "==> Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages. Run as root:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> Creating .venv"
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.requirements-stamp
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "==> Installing Python requirements"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
fi

# Compile translations when a catalogue is newer than its compiled file.
needs_compile=0
for po in locale/*/LC_MESSAGES/*.po; do
  [[ -e "$po" ]] || continue
  mo="${po%.po}.mo"
  if [[ ! -f "$mo" || "$po" -nt "$mo" ]]; then needs_compile=1; fi
done
if ((needs_compile)); then
  echo "==> Compiling translations"
  for po in locale/*/LC_MESSAGES/*.po; do
    msgfmt --check-format -o "${po%.po}.mo" "$po"
  done
fi
mkdir -p var
