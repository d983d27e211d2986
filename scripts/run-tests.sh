#!/usr/bin/env bash
# The whole test suite: set up, build, fetch the sample imagery, run every Qt Test program
# through ctest without a display.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GEOLENS_BUILD_DIR:-$top/build}

# CI builds with warnings as errors (-Wall -Wextra -Wpedantic -Werror on GeoLens' own code).
if [[ ${CI:-} == true ]]; then
  "$top/scripts/build.sh" -DGEOLENS_WARNINGS_AS_ERRORS=ON
else
  "$top/scripts/build.sh"
fi
# Real imagery for the tests that use it; they skip (and say so) if it cannot be fetched.
"$top/scripts/fetch-sample-data.sh" || echo "warning: sample imagery unavailable; real-imagery tests will skip" >&2
# The LLaMA tokenizer model for the tokenizer tests; they skip (and say so) without it.
"$top/scripts/fetch-llama-tokenizer.sh" || echo "warning: LLaMA tokenizer unavailable; tokenizer tests will skip" >&2

export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest --output-on-failure -j "${GEOLENS_TEST_JOBS:-2}" "$@"
