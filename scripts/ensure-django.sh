#!/bin/sh
# Makes sure Debian's Django 3.2 (with psycopg2 and Pillow, for ImageField) is installed for the
# shared-database test (test/integration/django-interop.test.ts), which drives the real Django ORM
# through Debian's /usr/bin/python3 (PyPI is not reachable here; a pyenv python on PATH would
# not see Debian's packages). Idempotent: does nothing when all three import. Exits non-zero
# only when they are missing and cannot be installed (no apt-get, or neither root nor
# passwordless sudo), so the caller can say why it skips.
set -eu

PY=/usr/bin/python3
importable() {
  [ -x "$PY" ] && "$PY" -c "import django, psycopg2, PIL, cryptography" >/dev/null 2>&1
}
if importable; then
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || {
  echo "ensure-django: python3-django is missing and apt-get is not available; install it by hand" >&2
  exit 2
}

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "ensure-django: installing needs root (run: apt-get install -y python3-django python3-psycopg2 python3-pil python3-cryptography)" >&2
    exit 3
  fi
fi

echo "ensure-django: installing Debian's python3-django, python3-psycopg2, python3-pil (one-off)…" >&2
export DEBIAN_FRONTEND=noninteractive
# Another engineer's apt run may hold the lock: wait for it rather than fail.
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 || true
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
  python3-django python3-psycopg2 python3-pil python3-cryptography >&2

if ! importable; then
  echo "ensure-django: apt-get finished but $PY still cannot import django, psycopg2, PIL and cryptography" >&2
  exit 4
fi
echo "ensure-django: Django $("$PY" -c 'import django; print(django.get_version())')" >&2
