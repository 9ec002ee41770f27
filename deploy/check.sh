#!/usr/bin/env bash
# deploy/check.sh (make deploy-check): checks the deployment files without a
# container engine or systemd as PID 1, which CI machines lack.
#
# 1. The container: builds the binary as deploy/Dockerfile's build stage does
#    (CGO_ENABLED=0, static), lays out its runtime stage's files in an empty
#    root file system (the binary, fixtures/feeds, an empty /data owned by
#    the image's user), and runs the image's ENTRYPOINT and CMD in it as that
#    user (unshare --root, setpriv): it must harvest the fixtures, answer
#    /readyz and a search, and stop within 10 s of SIGTERM with status 0.
#    What this does not cover: the distroless base itself (CA certificates,
#    /etc/passwd), and Docker's own volume and network handling.
# 2. The systemd unit: systemd-analyze verify and its offline security score.
#
# Needs root (for unshare --root and setpriv), python3, curl; systemd-analyze
# is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = 0 ] || { echo "deploy/check.sh: needs root (unshare --root, setpriv)"; exit 1; }
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
root=$(mktemp -d)
chmod 0755 "$root"
log=$root.log
pid=""
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
	rm -rf "$root" "$log"
}
trap cleanup EXIT

# What the Dockerfile says: its user, entrypoint, command and working directory.
read -r user entrypoint cmd workdir < <(python3 - deploy/Dockerfile <<'EOF'
import json, sys
user = entry = cmd = wd = None
for line in open(sys.argv[1]):
    word, _, rest = line.strip().partition(" ")
    if word == "USER": user = rest
    elif word == "ENTRYPOINT": entry = json.loads(rest)
    elif word == "CMD": cmd = json.loads(rest)
    elif word == "WORKDIR": wd = rest  # the last one is the runtime stage's
print(user, "\x1f".join(entry), "\x1f".join(cmd), wd)
EOF
)
uid=${user%%:*}; gid=${user##*:}
IFS=$'\x1f' read -r -a entry <<<"$entrypoint"
IFS=$'\x1f' read -r -a args <<<"$cmd"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for i in "${!args[@]}"; do [ "${args[$i]}" = "0.0.0.0:8080" ] && args[$i]="127.0.0.1:$port"; done

echo "== container: static build, user $uid:$gid, ${entry[*]} ${args[*]} in $workdir"
mkdir -p "$root/usr/local/bin" "$root$workdir/fixtures" "$root/data" "$root/tmp"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=deploy-check" -o "$root${entry[0]}" ./cmd/katalog
if ldd "$root${entry[0]}" >/dev/null 2>&1; then echo "the binary is not static"; exit 1; fi
cp -r fixtures/feeds "$root$workdir/fixtures/"
chown "$uid:$gid" "$root/data"
chmod 1777 "$root/tmp"

setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=+sys_chroot --ambient-caps=+sys_chroot \
	unshare --root="$root" --wd="$workdir" "${entry[@]}" "${args[@]}" >"$log" 2>&1 &
pid=$!
start=$(date +%s)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; do
	if ! kill -0 "$pid" 2>/dev/null || [ $(( $(date +%s) - start )) -gt 300 ]; then
		echo "not ready:"; tail -20 "$log"; exit 1
	fi
	sleep 1
done
echo "ready after $(( $(date +%s) - start )) s"
[ "$(stat -c %u "$root/data/katalog.db")" = "$uid" ] || { echo "the store is not owned by $uid"; exit 1; }
total=$(curl -sf "http://127.0.0.1:$port/api/v1/search?q=blodtrykk&size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
[ "$total" -gt 0 ] || { echo "a search for blodtrykk found nothing"; exit 1; }
echo "search for blodtrykk: $total hits"
kill -TERM "$pid"
stop=$(date +%s)
status=0
wait "$pid" || status=$?
pid=""
took=$(( $(date +%s) - stop ))
[ "$status" = 0 ] && [ "$took" -le 10 ] || { echo "after SIGTERM: exit $status in $took s"; tail -5 "$log"; exit 1; }
echo "stopped on SIGTERM in $took s, exit 0"

echo "== systemd unit"
if command -v systemd-analyze >/dev/null; then
	# A copy whose ExecStart is the binary built above (verify wants it to
	# exist), otherwise the same.
	mkdir -p "$root/unit"
	sed "s|/usr/local/bin/katalog|$root/usr/local/bin/katalog|" deploy/katalog.service >"$root/unit/katalog.service"
	systemd-analyze verify "$root/unit/katalog.service"
	echo "systemd-analyze verify: no findings"
	systemd-analyze security --offline=yes deploy/katalog.service | tail -1
else
	echo "systemd-analyze is not installed: unit not checked"
fi
echo "deploy-check: ok"
