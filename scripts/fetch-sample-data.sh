#!/usr/bin/env bash
# Makes the sample rasters GeoLens opens and tests with, from real imagery shipped in Debian
# packages (downloaded as .deb files and unpacked, not installed). Idempotent: existing files are
# kept. Usage: fetch-sample-data.sh [DIR] (default: data/ at the top of the repository).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$top/data}
mkdir -p "$dir"
cd "$dir"

sample=$dir/bluemarble.tif
chicago=$dir/chicago_sp27.tif
landsat=$dir/landsat8_b432.tif
aerial=$dir/aero1.jpg

if [[ -s $sample && -s $chicago && -s $landsat && -s $aerial ]]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # package -> unpacked into $work/root
  (cd "$work" && apt-get download "$1" >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null 2>&1 || true
    (cd "$work" && apt-get download "$1" >/dev/null)
  }
  dpkg-deb -x "$work"/"$1"_*.deb "$work/root"
}

tmp_name() { echo "$1.tmp-$$"; }

if [[ ! -s $sample ]]; then
  # NASA Blue Marble world mosaic (public domain), 2700 x 1350, given its plate carree
  # georeferencing and written as a tiled GeoTIFF with overviews.
  fetch marble-qt-data
  src=$work/root/usr/share/marble/data/maps/earth/bluemarble/bluemarble.jpg
  out=$(tmp_name "$sample")
  gdal_translate -q -of GTiff -a_srs EPSG:4326 -a_ullr -180 90 180 -90 \
    -co TILED=YES -co COMPRESS=DEFLATE "$src" "$out"
  gdaladdo -q -r average "$out" 2 4 8
  mv "$out" "$sample"
fi

if [[ ! -s $chicago || ! -s $landsat ]]; then
  fetch r-cran-rgdal
  fetch r-cran-satellite
fi
if [[ ! -s $chicago ]]; then
  # Aerial photograph of Chicago, 699 x 929 grey, NAD27 / Illinois East (US feet).
  cp "$work/root/usr/lib/R/site-library/rgdal/pictures/SP27GTIF.TIF" "$(tmp_name "$chicago")"
  mv "$(tmp_name "$chicago")" "$chicago"
fi
if [[ ! -s $landsat ]]; then
  # Landsat 8 bands 4, 3, 2 (Int16 with nodata, UTM 32N) stacked into a true-colour raster.
  ext=$work/root/usr/lib/R/site-library/satellite/extdata
  out=$(tmp_name "$landsat")
  gdalbuildvrt -q -separate "$work/stack.vrt" \
    "$ext"/LC08_*_B4.TIF "$ext"/LC08_*_B3.TIF "$ext"/LC08_*_B2.TIF
  gdal_translate -q -of GTiff "$work/stack.vrt" "$out"
  mv "$out" "$landsat"
fi
if [[ ! -s $aerial ]]; then
  # Aerial photograph without georeferencing (OpenCV's sample data).
  fetch opencv-doc
  cp "$work/root/usr/share/doc/opencv-doc/examples/data/aero1.jpg" "$(tmp_name "$aerial")"
  mv "$(tmp_name "$aerial")" "$aerial"
fi
