# Shared by the benchmark scripts: builds release binaries, starts servers, waits for them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# PLI_BENCH_PROFILE=debug measures the binaries of the last workspace build instead (for a
# quick comparison between setups of one run; the published figures use release builds).
# PLI_BENCH_BINARIES=DIR measures the `pli` and `pli-bench` in DIR as they are (release
# binaries copied aside, so that a build of the work tree meanwhile does not replace them).
profile=${PLI_BENCH_PROFILE:-release}
bin_dir=${PLI_BENCH_BINARIES:-${CARGO_TARGET_DIR:-$PWD/target}/$profile}
if [ -z "${PLI_BENCH_BINARIES:-}" ] && [ "$profile" = release ]; then
  cargo build --release --locked -q -p pli -p pli-bench
fi
PLI=$bin_dir/pli
PLI_BENCH=$bin_dir/pli-bench
# /var/tmp is on disk here, like a real server's data directory (not a tmpfs).
WORK=$(mktemp -d /var/tmp/pli-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server NAME COMMAND...: runs it with stdout to $WORK/NAME.out, sets URL and SERVER_PID.
start_server() {
  local name=$1; shift
  "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 1 200); do
    if URL=$(grep -oE 'https?://[0-9.:]+' "$WORK/$name.out" 2>/dev/null | head -1) && [ -n "$URL" ]; then
      return 0
    fi
    sleep 0.05
  done
  echo "error: $name did not start" >&2; cat "$WORK/$name.err" >&2; exit 1
}

machine() {
  scripts/machine
}
