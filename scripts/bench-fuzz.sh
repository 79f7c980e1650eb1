#!/usr/bin/env bash
# Fuzzes the push decoder and the mutation validator (crates/model/tests/fuzz_validator.rs) for
# FUZZ_CASES cases per property (default 400,000: about ten minutes on 2 cores, release build).
# Prints the wall time; any panic or broken property fails the run and proptest saves the
# failing input to crates/model/tests/fuzz_validator.proptest-regressions (commit it).
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_CASES="${FUZZ_CASES:-400000}"
cargo test --release -p rapportino-model --test fuzz_validator --no-run
start=$(date +%s)
cargo test --release -p rapportino-model --test fuzz_validator -- --test-threads 1
echo "fuzzed ${FUZZ_CASES} cases per property in $(( $(date +%s) - start )) s; load: $(cat /proc/loadavg)"
