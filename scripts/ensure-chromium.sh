#!/bin/sh
# Makes sure Debian's Chromium is installed for the browser tests (test/browser/), with a
# colour emoji font so screenshots show the bot's emoji. Idempotent: does nothing when both
# exist. Exits non-zero only when Chromium itself is missing and cannot be installed (no
# apt-get, or neither root nor passwordless sudo), so the caller can say why it skips.
set -eu

CHROMIUM=/usr/bin/chromium
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if [ -x "$CHROMIUM" ] && [ -f "$EMOJI_FONT" ]; then
  exit 0
fi

missing_chromium() {
  [ ! -x "$CHROMIUM" ]
}

cannot_install() {
  if missing_chromium; then
    echo "ensure-chromium: $CHROMIUM is missing: $1" >&2
    exit "$2"
  fi
  echo "ensure-chromium: the emoji font is missing ($1); screenshots will show boxes for emoji" >&2
  exit 0
}

command -v apt-get >/dev/null 2>&1 || cannot_install "apt-get is not available; install Chromium by hand" 2

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    cannot_install "installing it needs root (run: apt-get install -y chromium fonts-noto-color-emoji)" 3
  fi
fi

echo "ensure-chromium: installing Debian's chromium and fonts-noto-color-emoji (one-off, a minute or two)…" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-color-emoji >&2

if missing_chromium; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 4
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium installed)" >&2
