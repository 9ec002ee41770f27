#!/bin/sh
# make loadtest: katalog-load's full mix (search with facets, suggest,
# variable API and pages, search pages, DCAT catalogue pages) against
# `katalog serve` on the fixture feeds, while harvests run: the feed of a
# source named "churn" is swapped between two registers every few seconds
# and harvested on a 2 s schedule, so runs store and index real changes all
# through the measurement. Prints katalog-load's table (requests/s,
# p50/p90/p99, errors) and the churn source's runs; fails on any error or
# when no run stored a change during the load.
#
#   ADDR=127.0.0.1:8099 DURATION=60s CONNS=64 sh cmd/katalog-load/loadtest.sh
set -eu
ADDR=${ADDR:-127.0.0.1:8099}
DURATION=${DURATION:-60s}
CONNS=${CONNS:-64}
GO=${GO:-go}
root=$(pwd)
feeds=$root/fixtures/feeds
work=$(mktemp -d)
server=
swapper=
cleanup() {
	[ -n "$swapper" ] && kill "$swapper" 2>/dev/null || true
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

$GO build -o "$work/katalog" ./cmd/katalog
$GO build -o "$work/katalog-load" ./cmd/katalog-load

# Every fixture feed but the two that take turns as "churn".
a=nhanes.ttl
b=ihcc-plco.ttl
{
	echo "max_remove_share: 1"
	echo "rate_limits: {enabled: false}   # 64 connections from one address"
	echo "file_roots: [$feeds, $work]"
	echo "sources:"
	for f in "$feeds"/*.ttl; do
		n=$(basename "$f" .ttl)
		[ "$n.ttl" = "$a" ] || [ "$n.ttl" = "$b" ] || printf '  - name: %s\n    url: file://%s\n    schedule: 1h\n' "$n" "$f"
	done
	printf '  - name: churn\n    url: file://%s\n    schedule: 2s\n' "$work/churn.ttl"
} > "$work/katalog.yaml"
cp "$feeds/$a" "$work/churn.ttl"

echo "loadtest: first harvest of the fixture feeds, then serving on $ADDR"
"$work/katalog" serve --config "$work/katalog.yaml" --data "$work/data" --addr "$ADDR" 2> "$work/serve.log" &
server=$!
i=0
until curl -fsS -o /dev/null "http://$ADDR/readyz" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 600 ] || ! kill -0 "$server" 2>/dev/null; then
		echo "loadtest: katalog serve did not become ready" >&2
		tail -20 "$work/serve.log" >&2
		exit 1
	fi
	sleep 0.5
done

# Swap the churn feed every 3 s (by rename, so a run never reads half a file).
(
	next=$b
	while :; do
		sleep 3
		cp "$feeds/$next" "$work/churn.tmp" && mv "$work/churn.tmp" "$work/churn.ttl"
		if [ "$next" = "$a" ]; then next=$b; else next=$a; fi
	done
) &
swapper=$!

status=0
"$work/katalog-load" -addr "$ADDR" -c "$CONNS" -d "$DURATION" -warmup 3s -mix full -harvesting churn || status=$?
exit $status
