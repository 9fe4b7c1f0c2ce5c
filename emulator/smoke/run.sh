#!/usr/bin/env bash
# Smoke cycle against a freshly launched emulator:
#   init -> apply -> plan (no-op) -> destroy -> apply -> plan (no-op) -> destroy
# Prints the wall time of each phase. Exit status != 0 on the first failure.
#
# Env: SMOKE_WORK   work dir (default: a new mktemp dir; state, logs, zip go there)
#      TF_CLI_CONFIG_FILE  used if it names an existing file; otherwise one is
#                   written into the work dir that uses the offline provider
#                   mirror at /opt/tf-plugins
#      KEEP_WORK=1  keep the work dir on success
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAUNCHER="$HERE/../launcher.py"
WORK="${SMOKE_WORK:-$(mktemp -d /tmp/emu-smoke.XXXXXX)}"
mkdir -p "$WORK"
cp "$HERE/main.tf" "$WORK/main.tf"

python3 - "$HERE/lambda" "$WORK/lambda.zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
    for name in sorted(os.listdir(src)):
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        with open(os.path.join(src, name), "rb") as fh:
            zf.writestr(info, fh.read(), zipfile.ZIP_DEFLATED)
PY

if [ -z "${TF_CLI_CONFIG_FILE:-}" ] || [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
  cat > "$WORK/tfrc" <<'TFRC'
provider_installation {
  filesystem_mirror {
    path    = "/opt/tf-plugins"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
TFRC
  export TF_CLI_CONFIG_FILE="$WORK/tfrc"
fi
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

# --- launch the emulator and wait for its "listening" line -----------------
python3 -u "$LAUNCHER" --port 0 >"$WORK/emulator.log" 2>&1 &
EMU_PID=$!
cleanup() {
  if kill -0 "$EMU_PID" 2>/dev/null; then
    kill -TERM "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

ENDPOINT=""
for _ in $(seq 1 300); do
  ENDPOINT="$(sed -n 's/^emulator listening on \(http:[^ ]*\)$/\1/p' "$WORK/emulator.log" | head -n1)"
  [ -n "$ENDPOINT" ] && break
  kill -0 "$EMU_PID" 2>/dev/null || { cat "$WORK/emulator.log"; echo "emulator died" >&2; exit 1; }
  sleep 0.1
done
[ -n "$ENDPOINT" ] || { echo "emulator did not start" >&2; exit 1; }
echo "emulator: $ENDPOINT (log: $WORK/emulator.log)"

export TF_VAR_endpoint="$ENDPOINT"
cd "$WORK"

TIMINGS=()
phase() {  # phase NAME [allowed exit codes...] -- command...
  local name="$1"; shift
  local ok=(0)
  if [ "$1" != "--" ]; then ok=(); while [ "$1" != "--" ]; do ok+=("$1"); shift; done; fi
  shift
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  "$@" >"$WORK/$name.log" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  local secs; secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  TIMINGS+=("$(printf '%-10s %7ss  exit %s' "$name" "$secs" "$rc")")
  echo "${TIMINGS[-1]}"
  for c in "${ok[@]}"; do [ "$rc" = "$c" ] && return 0; done
  echo "--- $name failed; tail of $WORK/$name.log:" >&2
  tail -n 60 "$WORK/$name.log" >&2
  exit 1
}

T0=$(date +%s.%N)
phase init     -- terraform init -no-color
phase apply    -- terraform apply -auto-approve -no-color
phase plan 0   -- terraform plan -detailed-exitcode -no-color
phase destroy  -- terraform destroy -auto-approve -no-color
phase apply2   -- terraform apply -auto-approve -no-color
phase plan2 0  -- terraform plan -detailed-exitcode -no-color
phase destroy2 -- terraform destroy -auto-approve -no-color
T1=$(date +%s.%N)

left=$(terraform state list 2>/dev/null | wc -l)
[ "$left" -eq 0 ] || { echo "state not empty after destroy ($left)" >&2; exit 1; }

echo "--- timings"
printf '%s\n' "${TIMINGS[@]}"
awk -v a="$T0" -v b="$T1" 'BEGIN{printf "total      %7.1fs\n", b-a}'
echo "smoke cycle clean (work dir: $WORK)"
[ "${KEEP_WORK:-0}" = 1 ] || [ -n "${SMOKE_WORK:-}" ] || rm -rf "$WORK"
