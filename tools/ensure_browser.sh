#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (tests/test_browser.py).
# Playwright drives /usr/bin/chromium; never run `playwright install` (it downloads its own).
#   /usr/bin/chromium present -> exit 0
#   missing, running as root  -> apt-get install chromium (quietly; errors are shown)
#   missing, not root         -> say how to install it, exit 1
# As root it also installs a CJK font (fonts-noto-cjk) if none is present, so that the quotes in
# the saved screenshots show as Chinese, not boxes; that part only warns if it fails.
set -u

CHROMIUM="${SUPERCYCLE_CHROMIUM:-/usr/bin/chromium}"

ensure_cjk_font() {
    if [ "$(id -u)" -ne 0 ] || fc-list ':lang=zh' 2>/dev/null | grep -q .; then
        return 0
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk \
            >/dev/null 2>&1; then
        echo "ensure_browser: warning: could not install fonts-noto-cjk;" \
             "Chinese text in the screenshots will show as boxes" >&2
    fi
    return 0
}

if [ -x "$CHROMIUM" ]; then
    ensure_cjk_font
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "ensure_browser: $CHROMIUM not found; installing Debian's chromium with apt-get..." >&2
    log="$(mktemp)"
    if apt-get update -qq >"$log" 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >>"$log" 2>&1; then
        rm -f "$log"
        if [ -x "$CHROMIUM" ]; then
            ensure_cjk_font
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
