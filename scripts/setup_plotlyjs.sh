#!/usr/bin/env bash
# Part of the set-up (scripts/setup.sh): installs the npm project in scripts/plotlyjs (or the
# folder given as $1) with `npm ci`, unless it is installed already. Never fails: without npm,
# or when npm fails (offline), it says so and the reports fall back to the full bundle.
set -uo pipefail
# The basic plotly.js bundle (bar, pie and scatter traces: about 1.2 MB instead of 4.8 MB)
# that the HTML reports embed when their charts need no more, pinned in
# scripts/plotlyjs/package-lock.json. Without it the reports embed the full plotly.js of the
# Python plotly package: nothing breaks, the files are larger and slower to open and print.
JS_DIR="${1:-$(cd "$(dirname "$0")" && pwd)/plotlyjs}"
plotlyjs_installed() {  # node_modules holds exactly the packages of the lock file
    (cd "$JS_DIR" && node -e '
const fs = require("fs");
const pkgs = f => JSON.parse(fs.readFileSync(f, "utf8")).packages || {};
const want = pkgs("package-lock.json"), have = pkgs("node_modules/.package-lock.json");
const ok = Object.keys(want).filter(k => k).every(k =>
  have[k] && have[k].integrity === want[k].integrity && fs.existsSync(k + "/package.json"));
process.exit(ok ? 0 : 1);' 2>/dev/null)
}
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "!! npm (Node.js) not found: the HTML reports embed the full plotly.js (4.8 MB) instead of" >&2
    echo "   the basic bundle (1.2 MB). Install Node.js with npm, then run 'make -B setup'." >&2
elif plotlyjs_installed; then
    echo "==> plotly.js basic bundle: already installed (scripts/plotlyjs)"
else
    echo "==> Installing the plotly.js basic bundle (npm ci in scripts/plotlyjs)"
    if ! (cd "$JS_DIR" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error \
            --fetch-retries=1 --fetch-timeout=60000 >/dev/null); then
        echo "!! npm ci failed (offline?): the HTML reports embed the full plotly.js (4.8 MB) instead" >&2
        echo "   of the basic bundle (1.2 MB). Run 'make -B setup' again when npm can reach its registry." >&2
    fi
fi
exit 0
