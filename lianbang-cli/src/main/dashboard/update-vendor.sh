#!/usr/bin/env bash
# Re-fetches the dashboard's chart library, uPlot (MIT), at its pinned version from the npm
# registry into the jar's resources, and checks each file against vendor.sha256 (next to this
# script). To move to another version: change UPLOT_VERSION, run with --record to write new sums,
# review the diff and commit the files with the sums.
set -euo pipefail
UPLOT_VERSION=1.6.32
here="$(cd "$(dirname "$0")" && pwd)"
vendor="$here/../resources/io/lianbang/cli/dashboard/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "uplot@$UPLOT_VERSION" >/dev/null && tar xzf "uplot-$UPLOT_VERSION.tgz")
cp "$work/package/dist/uPlot.iife.min.js" "$work/package/dist/uPlot.min.css" "$work/"
cp "$work/package/LICENSE" "$work/uPlot.LICENSE"
if [ "${1:-}" = "--record" ]; then
  (cd "$work" && sha256sum uPlot.iife.min.js uPlot.min.css uPlot.LICENSE) > "$here/vendor.sha256"
else
  (cd "$work" && sha256sum --check --strict "$here/vendor.sha256")
fi
mkdir -p "$vendor"
cp "$work/uPlot.iife.min.js" "$work/uPlot.min.css" "$work/uPlot.LICENSE" "$vendor/"
echo "uPlot $UPLOT_VERSION in $vendor"
