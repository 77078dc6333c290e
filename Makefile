# minirt: thin wrapper over CMake.
#   make        install missing Debian packages, build everything into build/
#   make test   ... and run every test (ctest)
#   make test-install / format-check / test-avx2 / test-sanitize / fuzz-smoke / test-tsan: the
#               other CI jobs (.ci/run); make test-debug: the suite in a gcc Debug build
#   make fuzz FUZZ_SECONDS=N [FUZZ_JOBS=J] [FUZZ_RUNS=R]   each fuzz target (tests/fuzz) for
#               N seconds (default 60) or R inputs per job, in J processes (default 1)
#   make demo   ... convert a 3-layer BERT-base-shaped model (random weights) and benchmark it
#   make bench  ... minirt beside ONNX Runtime 1.30 on the shared models, seq 16 and 128, 1 and 2
#                   threads; PRECISION=int8 against ONNX Runtime's dynamic-int8 copy of the model
#                   (bench/e2e/ort_int8_model.py), PRECISION=bf16 against its fp32 (no bf16 CPU kernels)
#   make bench-ragged  padding-free batches on the length mixes: minirt ragged, minirt padded and
#                   ONNX Runtime on the same batches, 1 and 2 threads (bench/e2e/ragged_compare.sh)
BUILD ?= build
JOBS ?= $(shell nproc)
DEB_PACKAGES := cmake g++ clang make python3 flatbuffers-compiler libflatbuffers-dev doctest-dev libxbyak-dev \
                nlohmann-json3-dev libonnx-testdata unicode-data python3-onnx python3-numpy \
                pkg-config libcpp-httplib-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
                nodejs npm
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
DEMO_MODEL := $(BUILD)/models/bert-3l-768-random.fb

.PHONY: all deps build test test-sanitize fuzz fuzz-smoke test-debug test-tsan test-avx2 format format-check \
        demo bench bench-ragged clean

all: build

# Idempotent: installs only what is missing, and fetches the package lists
# when there are none (serve_deploy_test reads them). A package whose command is there
# counts as present (NodeSource's nodejs carries npm, which Debian's npm would clash with).
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || \
	  command -v $$p >/dev/null 2>&1 || { [ $$p = nodejs ] && command -v node >/dev/null 2>&1; } || \
	  echo $$p; done); \
	if [ -n "$$missing" ] || ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq; \
	fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)

# The Node packages tests need, pinned by their package-lock.json (prebuilt
# binaries, nothing compiled): the tokenizer conformance test's oracle, and
# minirt-serve's HTTP and gRPC clients.
TOKENIZER_ORACLE := tests/tokenizer/node_modules/.package-lock.json
$(TOKENIZER_ORACLE): tests/tokenizer/package-lock.json
	npm ci --prefix tests/tokenizer --no-audit --no-fund
SERVE_CLIENTS := tests/serve/node_modules/.package-lock.json
$(SERVE_CLIENTS): tests/serve/package-lock.json
	npm ci --prefix tests/serve --no-audit --no-fund

test: build $(TOKENIZER_ORACLE) $(SERVE_CLIENTS)
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer,
# built with clang (so CI builds with both compilers) and with libFuzzer's
# coverage, so the same build holds the fuzz targets. It is also CI's Debug
# build: no NDEBUG, so asserts are on and the JIT kernels fill every vector
# register with NaN in their preamble (a kernel that reads a register before
# writing it poisons its output); -O1 keeps the suite's run time near a
# release build's. Debian's python3 makes the ONNX fuzz seeds (python3-onnx
# is installed for it; another python3 may come first in PATH).
SANITIZE_CONFIGURE := CC=clang CXX=clang++ cmake -S . -B $(BUILD)-sanitize \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
  -DMINIRT_SANITIZE=address,undefined,fuzzer-no-link -DMINIRT_FUZZ=ON \
  -DPython3_EXECUTABLE=/usr/bin/python3
UBSAN_HALT := UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
test-sanitize: deps $(TOKENIZER_ORACLE) $(SERVE_CLIENTS)
	$(SANITIZE_CONFIGURE)
	cmake --build $(BUILD)-sanitize -j$(JOBS)
	$(UBSAN_HALT) ctest --test-dir $(BUILD)-sanitize --output-on-failure -j$(JOBS)

# Each fuzz target for FUZZ_SECONDS (or until each job has run FUZZ_RUNS
# inputs), one after another, on its seeds (made by the build) and the corpus
# it grew before, in FUZZ_JOBS processes at once (libFuzzer -jobs: they share
# the corpus; give each a core). A crash, leak, sanitizer report or uncaught exception stops a job and
# leaves the input in $(BUILD)-sanitize/fuzz/crashes/. Prints each target's
# executions, all jobs together; each job's log is
# $(BUILD)-sanitize/fuzz/logs/<target>/fuzz-<job>.log.
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_RUNS ?= -1
FUZZERS := model_load hf_import onnx_import tokenizer serve_request
FUZZ_DIR := $(CURDIR)/$(BUILD)-sanitize/fuzz
fuzz: deps
	$(SANITIZE_CONFIGURE)
	cmake --build $(BUILD)-sanitize -j$(JOBS) --target minirt_fuzzers
	@for f in $(FUZZERS); do \
	  logs=$(FUZZ_DIR)/logs/$$f; rm -rf $$logs; \
	  mkdir -p $(FUZZ_DIR)/corpus/$$f $(FUZZ_DIR)/crashes $$logs; \
	  echo "=== fuzz_$$f for $(FUZZ_SECONDS) s in $(FUZZ_JOBS) job(s)"; \
	  (cd $$logs && $(UBSAN_HALT) $(CURDIR)/$(BUILD)-sanitize/bin/fuzz_$$f \
	    -jobs=$(FUZZ_JOBS) -workers=$(FUZZ_JOBS) -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -timeout=30 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crashes/$$f- \
	    $(FUZZ_DIR)/corpus/$$f $(FUZZ_DIR)/seeds/$$f > /dev/null 2>&1) \
	    || { tail -n 80 $$logs/fuzz-*.log; exit 1; }; \
	  awk '/^stat::number_of_executed_units/ { runs += $$2 } /^stat::peak_rss_mb/ { if ($$2 > rss) rss = $$2 } \
	    END { printf "executions: %d, peak RSS per job: %d MB\n", runs, rss }' $$logs/fuzz-*.log; \
	done

# The CI's bounded run: 60 s per target.
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=60

# The whole suite in a gcc Debug build (-O0), asserts on and NaN-filled JIT
# registers, as test-sanitize's clang Debug build has them; not in CI, which
# gets the Debug build from test-sanitize.
test-debug: deps $(TOKENIZER_ORACLE) $(SERVE_CLIENTS)
	cmake -S . -B $(BUILD)-debug -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(BUILD)-debug -j$(JOBS)
	ctest --test-dir $(BUILD)-debug --output-on-failure -j$(JOBS)

# The tests about threads (label "threads": pool, concurrent sessions, shared
# prepared weights) under ThreadSanitizer; only their targets are built.
test-tsan: deps
	cmake -S . -B $(BUILD)-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINIRT_SANITIZE=thread
	cmake --build $(BUILD)-tsan -j$(JOBS) --target minirt_thread_tests
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir $(BUILD)-tsan \
	  --output-on-failure -L threads

# The end-to-end tests again with the kernels capped at AVX2 (the Release build
# of `make test`): the AVX2 JIT and intrinsics paths on a machine with AVX-512.
test-avx2: build
	MINIRT_MAX_ISA=avx2 ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) -L e2e

# The Release build into PREFIX: libminirt.a (position-independent), the
# headers, a CMake package (find_package(minirt) -> minirt::minirt) and minirt.pc.
# test-install: that package from a consumer's side (examples/test_install.sh).
PREFIX ?= /usr/local
.PHONY: install test-install
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)
test-install: build
	BUILD=$(BUILD) examples/test_install.sh

demo: build
	mkdir -p $(BUILD)/models
	$(BUILD)/bin/minirt-convert --hf-config bench/configs/bert-3l-768.json --random-weights 1 \
	  --max-batch 8 --max-seq 512 -o $(DEMO_MODEL)
	$(BUILD)/bin/minirt info $(DEMO_MODEL)
	$(BUILD)/bin/minirt run $(DEMO_MODEL) --bench --batch 1 --seq 128 --threads $(JOBS)
	@# The reduced precisions where this CPU has them (minirt info's "this cpu" line).
	@for p in bf16 int8; do \
	  if $(BUILD)/bin/minirt info $(DEMO_MODEL) | grep -q "^this cpu .*--precision.*$$p"; then \
	    echo "--- --precision $$p"; \
	    $(BUILD)/bin/minirt run $(DEMO_MODEL) --bench --batch 1 --seq 128 --threads $(JOBS) --precision $$p || exit 1; \
	  else echo "--- --precision $$p: not on this CPU (see minirt info)"; fi; \
	done

SHARED_MODELS ?= ../shared/models
BENCH_MODELS := $(BUILD)/models
PRECISION ?= fp32
bench: build
	@test -d bench/e2e/node_modules/onnxruntime-node || npm install --prefix bench/e2e --ignore-scripts --no-audit --no-fund
	@for m in bert-3l-768 minilm-l3-384; do test -f $(BENCH_MODELS)/$$m/model.onnx.data || \
	  python3 $(SHARED_MODELS)/materialize.py $(SHARED_MODELS)/$$m --out $(BENCH_MODELS)/$$m; done
	@for m in bert-3l-768 minilm-l3-384; do for s in 16 128; do for t in 1 2; do \
	  BUILD=$(BUILD) bench/e2e/compare.sh $(BENCH_MODELS)/$$m --batch 1 --seq $$s --threads $$t \
	    --precision $(PRECISION) || exit 1; \
	done; done; done

bench-ragged: build
	@test -d bench/e2e/node_modules/onnxruntime-node || npm install --prefix bench/e2e --ignore-scripts --no-audit --no-fund
	@test -f $(BENCH_MODELS)/bert-3l-768/model.onnx.data || \
	  python3 $(SHARED_MODELS)/materialize.py $(SHARED_MODELS)/bert-3l-768 --out $(BENCH_MODELS)/bert-3l-768
	BUILD=$(BUILD) bench/e2e/ragged_compare.sh $(BENCH_MODELS)/bert-3l-768 --threads "1 2" --precision $(PRECISION)

FORMAT_SOURCES = git ls-files '*.cpp' '*.h' '*.cc' '*.cu' '*.cuh'
format:
	$(FORMAT_SOURCES) | xargs clang-format -i

# Fails, naming the files, when any source differs from clang-format's output.
format-check:
	$(FORMAT_SOURCES) | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD)
