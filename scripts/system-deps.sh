#!/usr/bin/env bash
# Install the Debian packages the app and its tests need, when they are missing and we are root.
# WeasyPrint: Pango and HarfBuzz; tests: Chromium (browser tests) and poppler-utils (pdftotext).
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium chromium-driver poppler-utils)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]} (install them with apt-get as root)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
