#!/usr/bin/env bash
# Keeps the dependency tree lean (issue 20): one version of rand built in the whole workspace;
# neither rand nor webpki-roots twice in what the hub, the CLI and the app ship; core with no
# HTTP client (the hub client is crates/sync-http) and no demo generator; the hub without the
# demo generator or the device core. Exits non-zero, naming everything that crept back.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
complain() { printf 'lean dependencies: %s\n' "$*" >&2; fail=1; }

# Every crate built anywhere in the workspace (tests, examples and build scripts included). The
# lock file itself may list more: Cargo records the optional dependencies that a weak feature
# (`dep?/feature`) names even when nothing turns them on (keyring's `crypto-rust` names
# secret-service, which would bring rand 0.8); those are never built.
built=$(cargo tree --locked --workspace -e all --target all --prefix none --format '{p}' | sed 's/ (\*)$//; s/ (proc-macro)$//' | sort -u)
n=$(grep -c "^rand v" <<<"$built" || true)
[ "$n" -le 1 ] || complain "the workspace builds $n versions of rand"

# What a crate ships: its normal dependencies, every platform, one line per crate and version.
ships() { cargo tree --locked -p "$1" -e normal --target all --prefix none --format '{p}' | sed 's/ (\*)$//; s/ (proc-macro)$//' | sort -u; }

for krate in rapportino-hub rapportino-cli rapportino-app; do
    tree=$(ships "$krate")
    for name in rand webpki-roots ureq; do
        n=$(grep -c "^$name v" <<<"$tree" || true)
        [ "$n" -le 1 ] || complain "$krate ships $n versions of $name"
    done
done

core=$(ships rapportino-core)
for name in ureq hyper reqwest http rustls-platform-verifier rapportino-sync-http rapportino-demo; do
    if grep -q "^$name v" <<<"$core"; then complain "rapportino-core depends on $name"; fi
done
hub=$(ships rapportino-hub)
for name in rapportino-demo rapportino-core rapportino-sync-http ureq; do
    if grep -q "^$name v" <<<"$hub"; then complain "rapportino-hub depends on $name"; fi
done

[ "$fail" -eq 0 ] && echo "lean dependencies: ok"
exit "$fail"
