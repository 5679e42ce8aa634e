#!/usr/bin/env bash
# Checks DESIGN §3 from the sources:  base ← domain ← app ← {store, http, jobs, cli} ← main
# Prints every include of a rapport header that runs the wrong way; exits 1 if any.
set -uo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
declare -A allowed=(
  [base]="base"
  [domain]="base domain"
  [app]="base domain app"
  [store]="base domain app store"
  [http]="base domain app http"
  [jobs]="base domain app jobs"
  [cli]="base domain app cli"
)
status=0
for layer in "${!allowed[@]}"; do
  [[ -d "$root/$layer" ]] || continue
  while IFS=: read -r file line include; do
    target="$(sed -E 's/.*"rapport\/([a-z]+)\/.*/\1/' <<<"$include")"
    if [[ " ${allowed[$layer]} " != *" $target "* ]]; then
      echo "layering: $file:$line: $layer must not include $target ($include)"
      status=1
    fi
  done < <(grep -rnE '#include "rapport/[a-z]+/' "$root/$layer" --include='*.h' --include='*.cc')
done
if ((status == 0)); then echo "layering: ok"; fi
exit $status
