#!/bin/sh
# Load coopwatch's Kibana saved objects (data views, saved searches, Lens
# visualizations, dashboard) into a Kibana through its saved objects import API.
# POSIX sh + curl only, so it runs in the curlimages/curl container of
# deploy/docker-compose.yml as well as on an analyst's machine.
set -eu

usage() {
    cat <<'EOF'
Usage: import.sh [--space SPACE] [--file NDJSON] [KIBANA_URL]

Imports the coopwatch saved objects into Kibana with
  POST KIBANA_URL[/s/SPACE]/api/saved_objects/_import?overwrite=true

KIBANA_URL   Kibana base URL (default: $KIBANA_URL, else http://localhost:5601)
--space S    import into Kibana space S instead of the default space
--file F     NDJSON file to import (default: saved-objects.ndjson beside this script)
-h, --help   show this help

Idempotent: every object has a fixed id and is overwritten on re-import.
Authentication (for a Kibana with security on), from the environment:
  KIBANA_API_KEY                      sent as "Authorization: ApiKey ..."
  KIBANA_USERNAME and KIBANA_PASSWORD basic authentication
Retries while Kibana is unreachable or answers 5xx:
  IMPORT_RETRIES (default 10) attempts, IMPORT_RETRY_DELAY (default 5) seconds apart.

Exit status: 0 when Kibana reports success, 1 otherwise (Kibana's answer is
printed on stderr), 2 on a usage error.
EOF
}

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
file="$script_dir/saved-objects.ndjson"
space=""
url="${KIBANA_URL:-}"

while [ "$#" -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --space) [ "$#" -ge 2 ] || { echo "import.sh: --space needs a value" >&2; exit 2; }
                 space=$2; shift 2 ;;
        --file) [ "$#" -ge 2 ] || { echo "import.sh: --file needs a value" >&2; exit 2; }
                file=$2; shift 2 ;;
        -*) echo "import.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) [ -z "${positional_seen:-}" ] || { echo "import.sh: one KIBANA_URL only (see --help)" >&2; exit 2; }
           url=$1; positional_seen=1; shift ;;
    esac
done

url=${url:-http://localhost:5601}
url=${url%/}
if [ -n "$space" ]; then
    url="$url/s/$space"
fi
if [ ! -r "$file" ]; then
    echo "import.sh: cannot read $file" >&2
    exit 2
fi

retries=${IMPORT_RETRIES:-10}
delay=${IMPORT_RETRY_DELAY:-5}
endpoint="$url/api/saved_objects/_import?overwrite=true"

body_file=$(mktemp)
trap 'rm -f "$body_file" "$body_file.err"' EXIT
trap 'exit 1' INT TERM

# Quote a value for curl's config syntax ("..." with \ and " escaped).
curl_quote() {
    printf '%s' "$1" | sed 's/[\\"]/\\&/g'
}

attempt=1
while :; do
    # Credentials go through curl's config on stdin, never on the command line.
    status=$(
        {
            if [ -n "${KIBANA_API_KEY:-}" ]; then
                printf 'header = "Authorization: ApiKey %s"\n' "$(curl_quote "$KIBANA_API_KEY")"
            elif [ -n "${KIBANA_USERNAME:-}" ]; then
                printf 'user = "%s:%s"\n' "$(curl_quote "$KIBANA_USERNAME")" "$(curl_quote "${KIBANA_PASSWORD:-}")"
            fi
        } | curl --silent --show-error --config - \
            --output "$body_file" --write-out '%{http_code}' \
            -X POST "$endpoint" \
            -H 'kbn-xsrf: true' \
            --form "file=@$file;type=application/ndjson" 2>"$body_file.err"
    ) || status="000"
    case "$status" in
        000|5??)
            if [ "$attempt" -lt "$retries" ]; then
                echo "import.sh: Kibana at $url not ready (HTTP $status), retry $attempt/$retries in ${delay}s" >&2
                attempt=$((attempt + 1))
                sleep "$delay"
                continue
            fi ;;
    esac
    break
done

if [ "$status" = "000" ]; then
    echo "import.sh: could not reach Kibana at $url:" >&2
    cat "$body_file.err" >&2
    rm -f "$body_file.err"
    exit 1
fi
rm -f "$body_file.err"

# Kibana answers 200 even when some objects failed; only "success":true means all went in.
if [ "$status" = "200" ] && tr -d ' \n\r\t' <"$body_file" | grep -q '"success":true'; then
    count=$(tr -d ' \n\r\t' <"$body_file" | sed -n 's/.*"successCount":\([0-9]*\).*/\1/p')
    echo "import.sh: imported ${count:-?} saved objects from $(basename "$file") into $url"
    exit 0
fi

echo "import.sh: import into $url failed (HTTP $status). Kibana answered:" >&2
cat "$body_file" >&2
echo >&2
exit 1
