#!/usr/bin/env bash
# The main job: set up, build, make the sample GeoTIFF and open it in the GeoLens window.
# Usage: scripts/run-gui.sh [RASTER]   (default: a Blue Marble world mosaic GeoTIFF)
# Without a display it runs under a virtual X server and saves a screenshot instead.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GEOLENS_BUILD_DIR:-$top/build}

"$top/scripts/build.sh"
"$top/scripts/fetch-sample-data.sh"

raster=${1:-$top/data/bluemarble.tif}
if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
  exec "$build/bin/geolens" "$raster"
fi
shot=$build/geolens-screenshot.png
echo "No display: running GeoLens under Xvfb and saving a screenshot to $shot" >&2
exec xvfb-run -a -s "-screen 0 1400x900x24" "$build/bin/geolens" "$raster" --screenshot "$shot"
