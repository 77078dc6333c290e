#!/usr/bin/env bash
# `make test-install`: installs the Release build in $BUILD into a temporary
# prefix (no rebuild), checks that the exported target carries none of the
# build's flags, links the installed static library into a shared object and
# checks its exports (nm), builds both examples against the install twice (CMake's
# find_package; pkg-config --static with plain cc/c++), runs them on
# tests/data/bert-tiny, and checks run_model's outputs against the CLI's.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BUILD=$(cd "$BUILD" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

echo "--- install into $prefix"
cmake --install "$BUILD" --prefix "$prefix" >"$work/install.log"
for f in lib/libminirt.a include/minirt/minirt.h include/minirt/minirt_c.h \
         lib/cmake/minirt/minirtConfig.cmake lib/cmake/minirt/minirtConfigVersion.cmake \
         lib/cmake/minirt/minirtTargets.cmake lib/pkgconfig/minirt.pc; do
  test -f "$prefix/$f" || { echo "missing from the install: $f"; exit 1; }
done
# The consumer-facing properties: only the include directory and Threads,
# no compile or link options, none of the build's flags or paths.
grep -h 'INTERFACE_' "$prefix"/lib/cmake/minirt/minirtTargets*.cmake
if grep -nE -- 'INTERFACE_(COMPILE|LINK_OPTIONS)|-W|-march|-mavx|-fsanitize|-O[0-3s]|FLATBUFFERS|/gen' \
     "$prefix"/lib/cmake/minirt/minirtTargets*.cmake "$prefix/lib/pkgconfig/minirt.pc"; then
  echo "the build's flags or paths leak into the installed package (above)"; exit 1
fi

echo "--- the installed libminirt.a goes into a shared object (it is PIC); with"
echo "    runtime/c_api/exports.map that object exports the API only"
# (its other dependencies, the CUDA runtime in a CUDA build, as minirt.pc lists them)
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
c++ -shared -o "$work/libminirt_from_static.so" -Wl,--whole-archive "$prefix/lib/libminirt.a" \
    -Wl,--no-whole-archive -Wl,--version-script=runtime/c_api/exports.map -Wl,--no-undefined \
    $(pkg-config --static --libs minirt)
cmake -DLIBRARY="$work/libminirt_from_static.so" -P cmake/check_shared_exports.cmake

echo "--- bert-tiny"
model=$work/bert-tiny.fb
"$BUILD/bin/minirt-convert" --hf tests/data/bert-tiny -o "$model" >/dev/null
refs=tests/data/bert-tiny/refs
"$BUILD/bin/minirt" run "$model" --refs "$refs" | tee "$work/cli.txt"
read -r ids types < <(python3 examples/check_outputs.py args "$refs/case0")

echo "--- build the examples with find_package(minirt)"
for ex in c search; do
  cmake -S "examples/$ex" -B "$work/cmake-$ex" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" >"$work/cmake-$ex.log"
  cmake --build "$work/cmake-$ex" -j2 >>"$work/cmake-$ex.log" || { cat "$work/cmake-$ex.log"; exit 1; }
done
echo "--- build the examples with pkg-config --static and plain cc / c++"
flags=$(pkg-config --static --cflags --libs minirt)
echo "pkg-config --static --cflags --libs minirt: $flags"
mkdir -p "$work/pc-c" "$work/pc-search"
cc -std=c99 -O2 -Wall -Wextra -Werror examples/c/run_model.c -o "$work/pc-c/run_model" $flags
c++ -std=c++20 -O2 -Wall -Wextra -Werror examples/search/search.cpp -o "$work/pc-search/search" \
    $flags

for build in cmake pc; do
  echo "--- run_model ($build build) on $refs/case0"
  "$work/$build-c/run_model" "$model" "$ids" "$types" >"$work/$build-run_model.txt"
  python3 examples/check_outputs.py check "$refs/case0" "$work/cli.txt" "$work/$build-run_model.txt"
  echo "--- search ($build build)"
  "$work/$build-search/search" "$model" 2 64 200 | tee "$work/$build-search.txt"
done
cmp "$work/cmake-run_model.txt" "$work/pc-run_model.txt"
# Everything but the timings is the same from both builds.
diff <(grep -v -e '^latency' -e '^index' "$work/cmake-search.txt") \
     <(grep -v -e '^latency' -e '^index' "$work/pc-search.txt")
echo "test-install: PASS"
