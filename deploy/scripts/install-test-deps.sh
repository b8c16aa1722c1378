#!/usr/bin/env bash
# Installs the system packages the test suite drives for real: Debian's Chromium (browser
# tests; never a downloaded browser), Redis (rate-limit storage), nginx and tor (deployment
# configuration checks), PostgreSQL (database role tests; .ci/run also runs the suite on it) and
# the fonts of the transmission PDF (DejaVu Sans; WenQuanYi Micro Hei for Chinese). Needs root or
# a machine where they are already installed.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v tor >/dev/null 2>&1 || [ -x /usr/sbin/tor ] || missing+=(tor)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "make test needs: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
