#!/usr/bin/env bash
# minirt-serve under load: bench/serve/load.mjs against the built server.
#
#   bench/serve/run.sh [HF_MODEL_DIR] [load.mjs flags...]
#
# HF_MODEL_DIR defaults to build/models/bert-3l-768 (a materialized shared
# model: python3 ../shared/models/materialize.py ../shared/models/bert-3l-768
# --out build/models/bert-3l-768). BUILD defaults to build; the Node clients
# come from tests/serve (npm ci --prefix tests/serve).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD:-$root/build}" && pwd)
model=${1:-$build/models/bert-3l-768}
[ $# -gt 0 ] && shift
test -d "$root/tests/serve/node_modules/@grpc/grpc-js" || npm ci --prefix "$root/tests/serve" --no-audit --no-fund
export MINIRT_SERVE=$build/bin/minirt-serve MINIRT_CONVERT=$build/bin/minirt-convert \
       SERVE_REFERENCE=$build/bin/serve_reference MINIRT_SOURCE_DIR=$root MINIRT_BINARY_DIR=$build
exec node "$root/bench/serve/load.mjs" "$model" "$@"
