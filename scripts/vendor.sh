#!/usr/bin/env bash
# Vendor the browser assets Pantau serves itself (no CDN: the deployment
# network only reaches package registries). Idempotent: each run replaces
# dashboard/static/vendor/<package>/ with exactly the files listed below.
#
# Usage: scripts/vendor.sh            # pinned versions below
#        HTMX_VERSION=2.0.12 scripts/vendor.sh   # bump one package
#
# Each tarball comes from `npm pack`, its sha512 is checked against
# `npm view <pkg>@<version> dist.integrity`, and a VERSION file records
# name, version and integrity next to the copied files and the LICENSE.
set -euo pipefail

HTMX_VERSION="${HTMX_VERSION:-2.0.11}"           # latest 2.0.x
SOCKETIO_VERSION="${SOCKETIO_VERSION:-4.8.4}"    # latest 4.x
FONT_VERSION="${FONT_VERSION:-5.3.0}"            # @fontsource/plus-jakarta-sans
LEAFLET_VERSION="${LEAFLET_VERSION:-1.9.4}"      # latest 1.9.x
AXE_VERSION="${AXE_VERSION:-4.14.1}"             # axe-core, tests only (block at the end)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/dashboard/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

npm_q() { npm --loglevel=error "$@"; }

# sha512 in npm's SRI form, computed with node (always present next to npm).
sri_sha512() {
  node -e 'const c=require("crypto"),f=require("fs");
    process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

# fetch <pkg> <version> <dest-name>: unpack into $WORK/<dest-name>/package,
# verify integrity, reset the vendor dir, copy LICENSE and write VERSION.
fetch() {
  local pkg="$1" version="$2" name="$3"
  local dir="$WORK/$name" dest="$VENDOR/$name" tgz expected actual
  mkdir -p "$dir"
  expected="$(npm_q view "$pkg@$version" dist.integrity)"
  [[ -n "$expected" ]] || { echo "no such package: $pkg@$version" >&2; exit 1; }
  tgz="$(cd "$dir" && npm_q pack "$pkg@$version" | tail -n1)"
  actual="$(sri_sha512 "$dir/$tgz")"
  if [[ "$actual" != "$expected" ]]; then
    echo "integrity mismatch for $pkg@$version: $actual != $expected" >&2
    exit 1
  fi
  tar -xzf "$dir/$tgz" -C "$dir"
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$dir/package/LICENSE" "$dest/LICENSE"
  printf 'package: %s\nversion: %s\nintegrity: %s\n' "$pkg" "$version" "$expected" >"$dest/VERSION"
  echo "vendored $pkg@$version -> ${dest#"$ROOT"/}"
}

fetch htmx.org "$HTMX_VERSION" htmx.org
cp "$WORK/htmx.org/package/dist/htmx.min.js" "$VENDOR/htmx.org/"

fetch socket.io-client "$SOCKETIO_VERSION" socket.io-client
# Files stay byte-identical to the tarball; the map is kept because the
# bundle's sourceMappingURL points at it (no 404 when devtools are open).
cp "$WORK/socket.io-client/package/dist/socket.io.min.js" \
  "$WORK/socket.io-client/package/dist/socket.io.min.js.map" \
  "$VENDOR/socket.io-client/"

fetch @fontsource/plus-jakarta-sans "$FONT_VERSION" plus-jakarta-sans
for weight in 400 600 700 800; do
  cp "$WORK/plus-jakarta-sans/package/files/plus-jakarta-sans-latin-$weight-normal.woff2" \
    "$VENDOR/plus-jakarta-sans/"
done
# @font-face rules live in dashboard/static/css/pantau.css (relative URLs).

fetch leaflet "$LEAFLET_VERSION" leaflet
# The maps draw the units' own geometry (no tile server); the marker images are
# referenced by leaflet.css / L.Icon.Default relative to this directory.
cp "$WORK/leaflet/package/dist/leaflet.js" "$WORK/leaflet/package/dist/leaflet.css" \
  "$VENDOR/leaflet/"
mkdir -p "$VENDOR/leaflet/images"
cp "$WORK/leaflet/package/dist/images/"*.png "$VENDOR/leaflet/images/"
# --- axe-core: for the TESTS only (tests/browser/test_a11y.py) -------------
# Never served by the app: it goes to tests/browser/vendor/, and the browser
# tests inject it with Playwright's page.evaluate (under the app's real CSP).
# (VENDOR is set for this one call only: blocks after this one are unaffected.)
VENDOR="$ROOT/tests/browser/vendor" fetch axe-core "$AXE_VERSION" axe-core
cp "$WORK/axe-core/package/axe.min.js" "$ROOT/tests/browser/vendor/axe-core/"
# --- end axe-core -----------------------------------------------------------
