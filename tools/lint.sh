#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The project's written conventions, enforced (curl's lesson). Prints TAP. Checks:
#  1. banned functions (sprintf, strcpy, strcat, strncpy, gets, atoi, strtok, rand(), system,
#     alloca) and VLAs are absent from src/;
#  2. SQL keywords appear only inside src/store/;
#  3. the dependency rule: base <- core <- {store, crypto} <- signer <- sso, {store, crypto} <- scim,
#     {signer, sso, scim} <- svc <- web <- {server, jobs, cli};
#  4. <microhttpd.h> is included only by src/server/mhd.c;
#  5. nothing on a request path calls exit() or abort() (src/web, src/svc, src/store, src/server).
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 1
n=0; bad=0
# Tracked and new files that exist (deleted ones drop out).
files() { git ls-files -co --exclude-standard "$@" | while read -r f; do [ -f "$f" ] && echo "$f"; done; }
t() { # description, offending lines
  n=$((n + 1))
  if [ -z "$2" ]; then echo "ok $n - $1"; else
    echo "not ok $n - $1"; echo "$2" | sed 's/^/#   /' | head -20; bad=$((bad + 1)); fi
}

# String literals are blanked first: "a system (2.2.1)" in a message is not a call.
banned=$(for f in $(files 'src/*.c' 'src/*.h'); do
  sed -E 's/"([^"\\]|\\.)*"/""/g' "$f" |
    grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncpy|gets|atoi|atol|strtok|alloca|system)\s*\(' |
    grep -vE '^[0-9]+:\s*(\*|/\*)' | sed "s|^|$f:|"
done)
banned+=$(grep -nE '[^_a-z]rand\s*\(\s*\)' $(files 'src/*.c') || true)
t "no banned functions in src/" "$banned"

sql=$(grep -nE '"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE TABLE)\b' \
  $(files 'src/*.c' 'src/*.h' | grep -v '^src/store/') || true)
t "SQL only inside src/store/" "$sql"

declare -A allowed=(
  [base]="base"
  [core]="base core"
  [store]="base core store"
  [crypto]="base core crypto"
  [signer]="base core store crypto signer"
  [sso]="base core store crypto signer sso"
  [scim]="base core store crypto scim"
  [svc]="base core store crypto signer sso scim svc"
  [web]="base core store crypto signer sso scim svc web"
  [server]="base core store crypto signer sso scim svc web server"
  [jobs]="base core store crypto signer sso scim svc web jobs"
  [cli]="base core store crypto signer sso scim svc web server jobs cli"
)
deps=""
for f in $(files 'src/*.c' 'src/*.h'); do
  mod=$(echo "$f" | cut -d/ -f2)
  ok_mods=${allowed[$mod]:-}
  [ -n "$ok_mods" ] || continue
  while read -r inc; do
    m=${inc%%/*}
    case " $ok_mods " in *" $m "*) ;; *) deps+="$f includes $inc"$'\n' ;; esac
  done < <(grep -oE '^#include "[a-z_]+/[a-z_0-9]+\.h"' "$f" | sed 's/#include "//; s/"$//')
done
t "modules include only headers to their left (dependency rule)" "${deps%$'\n'}"

mhd=$(grep -ln '<microhttpd.h>' $(files 'src/*.c' 'src/*.h') | grep -v '^src/server/mhd.c$' || true)
t "only src/server/mhd.c includes microhttpd.h" "$mhd"

ex=$(grep -nE '\b(exit|abort)\s*\(' $(files 'src/web/*.c' 'src/svc/*.c' 'src/store/*.c' 'src/server/*.c' 'src/signer/*.c' 'src/sso/*.c' 'src/scim/*.c') || true)
t "no exit() or abort() on a request path" "$ex"

vla=$(grep -nE '^\s+(char|int|unsigned|uint8_t|size_t)\s+[a-z_]+\[[a-z_][a-z_0-9]*\];' $(files 'src/*.c') | grep -vE '\[[A-Z_0-9]+\]' || true)
t "no variable-length arrays" "$vla"

if command -v clang-format >/dev/null 2>&1; then
  fmt=$(files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c' | xargs clang-format --dry-run 2>&1 | grep -E '^[^ ].*warning:' | cut -d: -f1 | sort -u || true)
  t "clang-format clean" "$fmt"
fi

echo "1..$n"
[ $bad -eq 0 ]
