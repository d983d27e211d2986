#!/usr/bin/env bash
# The main job: set up, build, make the sample GeoTIFF and open it in the GeoLens window.
# Usage: scripts/run-gui.sh [--model DIR [--vision-tower DIR] [--image-size N]]
#                           [--label-with-classifier DIR [--colour-by ASPECT]] [RASTER]
#   RASTER defaults to a Blue Marble world mosaic GeoTIFF; the model folder may also come from
#   GEOLENS_MODEL=DIR (see the README's Models section for where to get one).
# Without a display it runs under a virtual X server and saves a screenshot instead.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GEOLENS_BUILD_DIR:-$top/build}

"$top/scripts/build.sh"
"$top/scripts/fetch-sample-data.sh"

files=()
options=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --model|--vision-tower|--image-size|--label-with-classifier|--colour-by)
      [[ $# -ge 2 ]] || { echo "run-gui.sh: $1 needs a value" >&2; exit 2; }
      options+=("$1" "$2"); shift 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
raster=${files[0]:-$top/data/bluemarble.tif}
if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
  exec "$build/bin/geolens" "$raster" "${options[@]}"
fi
shot=$build/geolens-screenshot.png
echo "No display: running GeoLens under Xvfb and saving a screenshot to $shot" >&2
exec xvfb-run -a -s "-screen 0 1400x900x24" "$build/bin/geolens" "$raster" "${options[@]}" --screenshot "$shot"
