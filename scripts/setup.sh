#!/usr/bin/env bash
# Set-up used by the Makefile: virtual environment, pinned packages, the plotly.js bundle the
# HTML reports embed (npm), Chromium and pdftotext.
# Safe to run again; does nothing that is already done.
set -euo pipefail
PYTHON_BOOT="${1:-python3}"
VENV="${2:-.venv}"

echo "==> Setting up the project environment in $VENV"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON_BOOT" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
echo "==> Installing pinned Python packages (requirements.lock)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
"$VENV/bin/python" -m ipykernel install --sys-prefix --name evaluation --display-name "Python (evaluation)" >/dev/null

# The basic plotly.js bundle the HTML reports embed (npm; without npm they embed the full one).
bash "$(dirname "$0")/setup_plotlyjs.sh"

# A real Chromium prints the PDF. Never downloaded by Playwright: the system package is used.
find_chromium() {
    if [ -n "${EVALUATION_CHROMIUM:-}" ] && [ -x "${EVALUATION_CHROMIUM}" ]; then echo "$EVALUATION_CHROMIUM"; return; fi
    for c in chromium chromium-browser google-chrome google-chrome-stable microsoft-edge msedge; do
        if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return; fi
    done
}
need_apt=()
[ -z "$(find_chromium)" ] && need_apt+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> Installing ${need_apt[*]} with apt-get (Debian packages)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${need_apt[@]}" fonts-dejavu-core >/dev/null
    else
        echo "!! Missing: ${need_apt[*]}." >&2
        echo "   Install Chromium (or Chrome/Edge) and poppler-utils with your system's package manager," >&2
        echo "   e.g. 'sudo apt-get install chromium poppler-utils', or set EVALUATION_CHROMIUM to the" >&2
        echo "   browser's path. PDF reports cannot be printed until then." >&2
    fi
fi
c="$(find_chromium || true)"
if [ -n "$c" ]; then echo "==> Chromium: $c"; fi
echo "==> Set-up complete"
