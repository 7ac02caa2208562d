#!/usr/bin/env bash
# The pipeline on the bundled sample feed: services up, a watch list entry, one
# worker, the feed published, every message accounted for, three analyst
# searches, the incidents assembled from several reports, the watch's alerts,
# the dead letters, worker stopped.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
coopwatch="$repo/.venv/bin/coopwatch"
logs="$repo/.local/logs"
mkdir -p "$logs"

deploy/local/services.sh up
"$coopwatch" setup

echo "== starting a worker (log: .local/logs/demo-worker.log)"
"$coopwatch" worker --loglevel warning >"$logs/demo-worker.log" 2>&1 &
worker=$!
stop_worker() {
  if kill -0 "$worker" 2>/dev/null; then
    kill -TERM "$worker" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$worker" 2>/dev/null || break; sleep 1; done
    kill -KILL "$worker" 2>/dev/null || true
  fi
}
trap stop_worker EXIT

echo "== coopwatch watch add hashish-es-ma 'hashish OR haschich OR cannabis' --country ES --country MA"
"$coopwatch" watch add hashish-es-ma 'hashish OR haschich OR cannabis' --country ES --country MA

echo "== publishing deploy/sample/feed.jsonl"
if ! "$coopwatch" publish deploy/sample/feed.jsonl --wait 180; then
  echo "not every message was accounted for; worker log tail:" >&2
  tail -n 40 "$logs/demo-worker.log" >&2
  exit 1
fi

echo
echo '== coopwatch search "coopération sécuritaire" --country MA'
"$coopwatch" search "coopération sécuritaire" --country MA
echo
echo "== coopwatch search 'persons:\"Nicolas Lerner\"'"
"$coopwatch" search 'persons:"Nicolas Lerner"'
echo
echo "== coopwatch search '*' --has-warnings"
"$coopwatch" search '*' --has-warnings
echo
echo "== coopwatch incidents --min-sources 2"
# Incidents are written once the mentions of the indexed articles are merged:
# wait until there is one and the answer stops changing (at most 60 s).
previous=""
for _ in $(seq 1 30); do
  current="$("$coopwatch" incidents --min-sources 2 --json)"
  [[ "$current" != *'"value": 0,'* && "$current" == "$previous" ]] && break
  previous="$current"
  sleep 2
done
"$coopwatch" incidents --min-sources 2
echo
echo "== coopwatch alerts --watch hashish-es-ma"
# Alerts leave once their articles are indexed; an article alerts a watch once,
# so a second run of the demo shows the alerts of the first.
previous=-1
for _ in $(seq 1 15); do
  current="$("$coopwatch" alerts --watch hashish-es-ma --json | wc -l)"
  [[ "$current" -gt 0 && "$current" == "$previous" ]] && break
  previous="$current"
  sleep 2
done
"$coopwatch" alerts --watch hashish-es-ma
echo
echo "== coopwatch deadletters --limit 2"
"$coopwatch" deadletters --limit 2
