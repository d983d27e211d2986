#!/usr/bin/env bash
# Installs what is missing, configures (once) and builds GeoLens into build/.
# Extra arguments go to the CMake configure step, e.g. -DGEOLENS_ENGINE_ONLY=ON.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GEOLENS_BUILD_DIR:-$top/build}

"$top/scripts/setup-deps.sh"

if [[ ! -f $build/build.ninja || $# -gt 0 ]]; then
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
# Two jobs: a third compile of a Qt or GDAL unit would only swap on a small machine.
cmake --build "$build" -j "${GEOLENS_BUILD_JOBS:-2}"
