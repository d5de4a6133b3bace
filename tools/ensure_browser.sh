#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (tests/test_browser.py).
# Playwright drives /usr/bin/chromium; never run `playwright install` (it downloads its own).
#   /usr/bin/chromium present -> exit 0
#   missing, running as root  -> apt-get install chromium (quietly; errors are shown)
#   missing, not root         -> say how to install it, exit 1
set -u

CHROMIUM="${SUPERCYCLE_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "ensure_browser: $CHROMIUM not found; installing Debian's chromium with apt-get..." >&2
    log="$(mktemp)"
    if apt-get update -qq >"$log" 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >>"$log" 2>&1; then
        rm -f "$log"
        if [ -x "$CHROMIUM" ]; then
            exit 0
        fi
        echo "ensure_browser: apt-get installed chromium, but $CHROMIUM is still missing" >&2
        exit 1
    fi
    echo "ensure_browser: installing chromium failed:" >&2
    tail -n 20 "$log" >&2
    rm -f "$log"
    exit 1
fi

echo "ensure_browser: $CHROMIUM not found. The browser tests need it:" >&2
echo "  install Debian's chromium: sudo apt-get install chromium" >&2
echo "  (do not run 'playwright install')" >&2
exit 1
