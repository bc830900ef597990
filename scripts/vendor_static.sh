#!/usr/bin/env bash
# Refresh the vendored front-end files under static/vendor/ from the npm registry.
#
#   scripts/vendor_static.sh
#
# Each package is fetched with `npm pack` (a single tarball, no dependency tree, no
# node_modules), unpacked in a temporary directory, and only the files the site serves are
# copied. To upgrade, change a version below, run the script, update static/vendor/README.md
# and review the diff.
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_ICONS_VERSION="1.11.4"
ECHARTS_VERSION="5.6.0"
AXE_CORE_VERSION="4.14.1"
JSQR_VERSION="1.4.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch <package> <version>: npm pack into $WORK and unpack; prints the package directory.
fetch() {
    local pkg="$1" version="$2" dest="$WORK/$1"
    mkdir -p "$dest"
    local tarball
    tarball="$(cd "$WORK" && npm pack --silent "${pkg}@${version}" 2>/dev/null | tail -n 1)"
    [[ -f "$WORK/$tarball" ]] || { echo "npm pack ${pkg}@${version} failed" >&2; exit 1; }
    tar -xzf "$WORK/$tarball" -C "$dest"
    local got
    got="$(node -p "require('$dest/package/package.json').version")"
    [[ "$got" == "$version" ]] || { echo "${pkg}: expected $version, got $got" >&2; exit 1; }
    echo "$dest/package"
}

# copy <source file> <destination directory>: copies the file, and when it ends with a
# sourceMappingURL comment, the map it names too (ManifestStaticFilesStorage fails on a
# reference to a missing map).
copy() {
    local src="$1" dest_dir="$2"
    mkdir -p "$dest_dir"
    install -m 0644 "$src" "$dest_dir/"
    case "$src" in
        *.js | *.css | *.mjs)
            local map
            map="$(tail -c 512 "$src" | grep -oE 'sourceMappingURL=[^ *"]+' | tail -n 1 \
                | sed 's/^sourceMappingURL=//' || true)"
            if [[ -n "$map" && "$map" != data:* ]]; then
                local map_src
                map_src="$(dirname "$src")/$map"
                [[ -f "$map_src" ]] || { echo "$src names missing map $map" >&2; exit 1; }
                install -m 0644 "$map_src" "$dest_dir/$(basename "$map")"
            fi
            ;;
    esac
}

rm -rf "$VENDOR/bootstrap" "$VENDOR/bootstrap-icons" "$VENDOR/echarts" "$VENDOR/axe-core" \
    "$VENDOR/jsqr/jsQR.js" "$VENDOR/jsqr/LICENSE"

echo "bootstrap $BOOTSTRAP_VERSION"
pkg="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
copy "$pkg/dist/css/bootstrap.min.css" "$VENDOR/bootstrap/css"
copy "$pkg/dist/js/bootstrap.bundle.min.js" "$VENDOR/bootstrap/js"
copy "$pkg/LICENSE" "$VENDOR/bootstrap"

echo "bootstrap-icons $BOOTSTRAP_ICONS_VERSION"
pkg="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION")"
# The stylesheet loads url("fonts/bootstrap-icons.woff2?<hash>"), relative to itself.
copy "$pkg/font/bootstrap-icons.min.css" "$VENDOR/bootstrap-icons/font"
copy "$pkg/font/fonts/bootstrap-icons.woff2" "$VENDOR/bootstrap-icons/font/fonts"
copy "$pkg/font/fonts/bootstrap-icons.woff" "$VENDOR/bootstrap-icons/font/fonts"
copy "$pkg/LICENSE" "$VENDOR/bootstrap-icons"

echo "echarts $ECHARTS_VERSION"
pkg="$(fetch echarts "$ECHARTS_VERSION")"
copy "$pkg/dist/echarts.min.js" "$VENDOR/echarts"
copy "$pkg/LICENSE" "$VENDOR/echarts"
[[ -f "$pkg/NOTICE" ]] && copy "$pkg/NOTICE" "$VENDOR/echarts"
# LICENSE points at /licenses/LICENSE-d3 for the embedded d3 code.
[[ -f "$pkg/licenses/LICENSE-d3" ]] && copy "$pkg/licenses/LICENSE-d3" "$VENDOR/echarts/licenses"

echo "axe-core $AXE_CORE_VERSION"
pkg="$(fetch axe-core "$AXE_CORE_VERSION")"
copy "$pkg/axe.min.js" "$VENDOR/axe-core"
copy "$pkg/LICENSE" "$VENDOR/axe-core"
[[ -f "$pkg/LICENSE-3RD-PARTY.txt" ]] && copy "$pkg/LICENSE-3RD-PARTY.txt" "$VENDOR/axe-core"

echo "jsqr $JSQR_VERSION"
pkg="$(fetch jsqr "$JSQR_VERSION")"
copy "$pkg/dist/jsQR.js" "$VENDOR/jsqr"
copy "$pkg/LICENSE" "$VENDOR/jsqr"

# Every copied .js/.css that names a source map must have that map next to it.
status=0
while IFS= read -r -d '' f; do
    map="$(tail -c 512 "$f" | grep -oE 'sourceMappingURL=[^ *"]+' | tail -n 1 \
        | sed 's/^sourceMappingURL=//' || true)"
    if [[ -n "$map" && "$map" != data:* && ! -f "$(dirname "$f")/$map" ]]; then
        echo "missing source map: $f -> $map" >&2
        status=1
    fi
done < <(find "$VENDOR" -type f \( -name '*.js' -o -name '*.css' -o -name '*.mjs' \) -print0)
# bootstrap-icons' stylesheet must find its fonts through its relative url("fonts/...").
for font in $(grep -oE 'url\("?fonts/[^")?]+' "$VENDOR/bootstrap-icons/font/bootstrap-icons.min.css" \
    | sed -E 's/^url\("?//'); do
    [[ -f "$VENDOR/bootstrap-icons/font/$font" ]] || { echo "missing font $font" >&2; status=1; }
done
[[ $status -eq 0 ]] || exit 1

echo "static/vendor: $(du -sh "$VENDOR" | cut -f1) in $(find "$VENDOR" -type f | wc -l) files"
