#!/usr/bin/env bash
# Local Apache Kafka + Elasticsearch for coopwatch, without Docker.
#
# Fetches a real Kafka broker and a real Elasticsearch from Maven Central (the
# only place reachable here) with `mvn`, and runs them on loopback. Versions
# are pinned in deploy/local/versions.env. Everything the script creates lives
# under <repo>/.local/ (git-ignored): unpacked distributions, data, logs, pids.
#
#   .local/kafka/<ver>/libs/           broker jars (mvn dependency:copy-dependencies)
#   .local/elasticsearch/<ver>/        unpacked ES integ-test-zip (ES_HOME)
#   .local/data/{kafka,elasticsearch}-<ver>/
#   .local/logs/kafka.log, .local/logs/elasticsearch/coopwatch.log (+ *.out = stdout/stderr)
#   .local/run/*.pid, kafka.properties
#
# Run `deploy/local/services.sh --help` for usage.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
# Resolved, so that a checkout whose .local links to another checkout's services
# recognises their processes (their command lines name the real path) instead
# of taking them for strangers and dropping their pid files.
# COOPWATCH_LOCAL_DIR: another state directory, for a second, private pair of services
# (with other ports) that tests may kill or block without touching the usual ones.
LOCAL="$(readlink -f "${COOPWATCH_LOCAL_DIR:-$REPO_ROOT/.local}")"
# Services reached through such a link belong to the other checkout: `up` uses
# them as they run and never restarts them (each checkout builds its own,
# byte-different analysis plugin, which would otherwise restart a shared node).
LINKED_LOCAL=""
[[ -z "${COOPWATCH_LOCAL_DIR:-}" && -L "$REPO_ROOT/.local" ]] && LINKED_LOCAL=1
RUN_DIR="$LOCAL/run"
LOG_DIR="$LOCAL/logs"

# Pinned versions (environment wins, for one-off experiments).
_env_overrides="$(declare -p KAFKA_VERSION KAFKA_SCALA_VERSION KAFKA_LOG4J_VERSION \
    ELASTICSEARCH_VERSION ELASTICSEARCH_MIN_JAVA KAFKA_MIN_JAVA 2>/dev/null || true)"
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$SCRIPT_DIR/versions.env"
eval "$_env_overrides"

KAFKA_PORT="${COOPWATCH_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${COOPWATCH_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_HEAP="${COOPWATCH_KAFKA_HEAP:--Xms512m -Xmx512m}"
ES_PORT="${COOPWATCH_ES_PORT:-9200}"
ES_TRANSPORT_PORT="${COOPWATCH_ES_TRANSPORT_PORT:-9300}"
ES_HEAP="${COOPWATCH_ES_HEAP:--Xms512m -Xmx1g}"
ES_USER="${COOPWATCH_ES_USER:-coopwatch}"   # only used when running as root
WAIT_TIMEOUT="${COOPWATCH_WAIT_TIMEOUT:-120}"

KAFKA_HOME="$LOCAL/kafka/$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DATA="$LOCAL/data/kafka-$KAFKA_VERSION"   # KRaft storage is not downgrade-compatible
KAFKA_PROPS="$RUN_DIR/kafka.properties"
KAFKA_PID="$RUN_DIR/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"
KAFKA_OUT="$LOG_DIR/kafka.out"

ES_HOME="$LOCAL/elasticsearch/$ELASTICSEARCH_VERSION"
ES_DATA="$LOCAL/data/elasticsearch-$ELASTICSEARCH_VERSION"
ES_LOGS="$LOG_DIR/elasticsearch"
ES_TMP="$LOCAL/tmp/elasticsearch"
ES_PID_DIR="$RUN_DIR/elasticsearch"         # written by ES itself (-p), so owned by ES's user
ES_PID="$ES_PID_DIR/elasticsearch.pid"      # the ES server JVM
ES_LAUNCHER_PID="$RUN_DIR/elasticsearch-launcher.pid"  # the ES CLI JVM that started it
ES_LOG="$ES_LOGS/coopwatch.log"             # <cluster.name>.log
ES_OUT="$LOG_DIR/elasticsearch.out"
ES_URL="http://127.0.0.1:$ES_PORT"

PLUGIN_DIR="$REPO_ROOT/deploy/local/analysis-plugin"
PLUGIN_MARKER="$ES_HOME/.coopwatch-analysis-plugin.sha256"


# ---------------------------------------------------------------- helpers

log()  { printf '[services] %s\n' "$*" >&2; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die()  { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<EOF
Usage: deploy/local/services.sh COMMAND [ARGS]

Runs a real Apache Kafka $KAFKA_VERSION broker (KRaft) and Elasticsearch $ELASTICSEARCH_VERSION
on 127.0.0.1, fetched from Maven Central with mvn (no Docker). State lives in .local/.

Commands:
  up                 fetch (once), install the analysis plugin if needed, start both
                     services and wait until they answer (idempotent)
  down               stop the services this script started (SIGTERM, then SIGKILL)
  restart            down + up
  status             versions, health and analysis components; exit 1 if a service is down
  logs [SERVICE] [-f]  last lines of the logs (SERVICE: kafka | elasticsearch; default both);
                     -f follows
  -h, --help         this help

Environment (defaults):
  COOPWATCH_KAFKA_PORT=9092            COOPWATCH_KAFKA_CONTROLLER_PORT=<kafka port + 1>
  COOPWATCH_KAFKA_HEAP="-Xms512m -Xmx512m"
  COOPWATCH_ES_PORT=9200               COOPWATCH_ES_TRANSPORT_PORT=9300
  COOPWATCH_ES_HEAP="-Xms512m -Xmx1g"
  COOPWATCH_ES_USER=coopwatch          system user ES runs as when this script runs as root
  COOPWATCH_WAIT_TIMEOUT=120           seconds to wait for each service in 'up'
  COOPWATCH_LOCAL_DIR=<repo>/.local    state directory (a second pair of services needs its own, and other ports)
  COOPWATCH_PYTHON=<repo>/.venv/bin/python   used for the Kafka health check (kafka-python)
  JAVA_HOME / ES_JAVA_HOME             preferred JDKs (ES needs Java $ELASTICSEARCH_MIN_JAVA+, Kafka $KAFKA_MIN_JAVA+)
  KAFKA_VERSION, ELASTICSEARCH_VERSION, ...   override deploy/local/versions.env
EOF
}

python_bin() {
    if [[ -n "${COOPWATCH_PYTHON:-}" ]]; then echo "$COOPWATCH_PYTHON"
    elif [[ -x "$REPO_ROOT/.venv/bin/python" ]]; then echo "$REPO_ROOT/.venv/bin/python"
    else command -v python3 || command -v python || true
    fi
}

# pid_alive PIDFILE -> prints the pid and succeeds if that pid runs one of OUR
# processes (its command line mentions our .local dir), so a recycled pid is never touched.
pid_alive() {
    local file="$1" pid
    [[ -s "$file" ]] || return 1
    pid="$(tr -dc '0-9' <"$file")"
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$LOCAL" || return 1
    echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# java_major JAVA_BIN -> major version number (8, 17, 21, 25, ...)
java_major() {
    local v
    v="$("$1" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
    [[ "$v" == 1.* ]] && v="${v#1.}"
    v="${v%%[.+-]*}"
    [[ "$v" =~ ^[0-9]+$ ]] && echo "$v"
}

# find_java_home MIN [PREFERRED_HOME...] -> a JDK home whose java is >= MIN.
# Order: the preferred homes given (e.g. $ES_JAVA_HOME, $JAVA_HOME), the `java`
# on PATH, then every JDK under /usr/lib/jvm, newest first.
find_java_home() {
    local min="$1" h m; shift
    local candidates=("$@")
    if command -v java >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    fi
    local globbed=(/usr/lib/jvm/*)
    if [[ -e "${globbed[0]}" ]]; then
        mapfile -t globbed < <(printf '%s\n' "${globbed[@]}" | sort -rV)
        candidates+=("${globbed[@]}")
    fi
    for h in "${candidates[@]}"; do
        [[ -n "$h" && -x "$h/bin/java" ]] || continue
        m="$(java_major "$h/bin/java" || true)"
        if [[ -n "$m" && "$m" -ge "$min" ]]; then echo "$h"; return 0; fi
    done
    return 1
}

es_java_home() {
    find_java_home "$ELASTICSEARCH_MIN_JAVA" "${ES_JAVA_HOME:-}" "${JAVA_HOME:-}" ||
        die "no Java >= $ELASTICSEARCH_MIN_JAVA found for Elasticsearch (set ES_JAVA_HOME or JAVA_HOME, or install a JDK under /usr/lib/jvm)"
}
kafka_java_home() {
    find_java_home "$KAFKA_MIN_JAVA" "${JAVA_HOME:-}" ||
        die "no Java >= $KAFKA_MIN_JAVA found for Kafka (set JAVA_HOME)"
}

wait_for() {  # wait_for TIMEOUT CHECK_FN ALIVE_FN
    local deadline=$((SECONDS + $1))
    while ((SECONDS < deadline)); do
        "$2" && return 0
        # Looked at twice: a process in the middle of its exec chain (setpriv, setsid,
        # nohup, the launcher) can briefly show no command line on a loaded machine.
        "$3" || { sleep 1; "$3"; } || return 2
        sleep 1
    done
    return 1
}

show_tail() {  # show_tail NAME FILE... (the last lines of each non-empty FILE, on stderr)
    local f
    for f in "${@:2}"; do
        [[ -s "$f" ]] || continue
        printf '\n----- last lines of %s -----\n' "$f" >&2
        tail -n 40 "$f" >&2
    done
    printf -- '-----\n' >&2
}

# Serialises up/down. The services are started with `9>&-` so they do not inherit
# (and hold forever) the lock.
# run_mvn NAME ARGS...: quiet mvn; its output goes to .local/logs/mvn-NAME.log and is
# shown only when it fails.
run_mvn() {
    local name="$1" out; shift
    mkdir -p "$LOG_DIR"
    out="$LOG_DIR/mvn-$name.log"
    if ! mvn -B -q -Dstyle.color=never "$@" >"$out" 2>&1; then
        show_tail "mvn $name" "$out"
        return 1
    fi
}

lock() {
    mkdir -p "$RUN_DIR"
    exec 9>"$RUN_DIR/services.lock"
    flock -w 900 9 || die "another services.sh is still running (lock $RUN_DIR/services.lock)"
}

# ---------------------------------------------------------------- Elasticsearch as non-root
#
# Elasticsearch refuses to start as root ("can not run elasticsearch as root"),
# and there is no switch to allow it. These machines (and CI) run everything as
# root, so when we are root ES runs as a dedicated unprivileged system user
# ($ES_USER, created with useradd --system if missing) via setpriv, and the
# directories ES writes to (its home incl. config/keystore and plugins, data,
# logs, tmp, pid dir) are chowned to it. The rest of .local/ stays root's.
# When this script runs as a normal user, ES simply runs as that user.
# Fallback: if that user cannot even reach the checkout (e.g. a clone under
# /root, mode 0700), ES runs in a user namespace (unshare --user) that maps
# root to that user's uid: ES then sees a non-root uid, and files stay root's.

ES_RUN_MODE=""   # self | user | userns
ES_RUNAS=()

es_setup_runas() {
    [[ -n "$ES_RUN_MODE" ]] && return 0
    if [[ $EUID -ne 0 ]]; then ES_RUN_MODE=self; return 0; fi
    if ! id -u "$ES_USER" >/dev/null 2>&1; then
        log "creating system user '$ES_USER' to run Elasticsearch (it refuses to run as root)"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$ES_USER" || die "useradd $ES_USER failed"
    fi
    if setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups -- test -x "$ES_HOME/bin" 2>/dev/null; then
        ES_RUN_MODE=user
    else
        warn "user '$ES_USER' cannot reach $ES_HOME (a parent directory is not world-executable);"
        warn "running Elasticsearch in a user namespace instead (unshare --user)"
        ES_RUN_MODE=userns
    fi
}

# The command prefix that runs a command as ES's user (see above). An array, not a
# function, so that `"${ES_RUNAS[@]}" cmd &` execs cmd and $! is its pid.
es_runas() {
    case "$ES_RUN_MODE" in
        self) ES_RUNAS=() ;;
        user) ES_RUNAS=(setpriv --reuid="$ES_USER" --regid="$ES_USER" --init-groups --) ;;
        userns) ES_RUNAS=(unshare --user --map-user="$(id -u "$ES_USER")" --map-group="$(id -g "$ES_USER")" --) ;;
    esac
}

es_chown() {
    [[ "$ES_RUN_MODE" == user ]] || return 0
    chown -R "$ES_USER:$ES_USER" "$ES_HOME" "$ES_DATA" "$ES_LOGS" "$ES_TMP" "$ES_PID_DIR"
}

# ---------------------------------------------------------------- fetch

fetch_kafka() {
    [[ -f "$KAFKA_HOME/.complete" ]] && return 0
    log "fetching Kafka $KAFKA_VERSION (org.apache.kafka:kafka_$KAFKA_SCALA_VERSION + runtime deps) with Maven"
    rm -rf "$KAFKA_HOME"
    mkdir -p "$KAFKA_LIBS"
    run_mvn kafka -f "$SCRIPT_DIR/kafka/pom.xml" \
        -Dkafka.version="$KAFKA_VERSION" -Dkafka.scala.version="$KAFKA_SCALA_VERSION" \
        -Dlog4j.version="$KAFKA_LOG4J_VERSION" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" ||
        die "mvn could not fetch Kafka $KAFKA_VERSION"
    [[ -f "$KAFKA_LIBS/kafka_$KAFKA_SCALA_VERSION-$KAFKA_VERSION.jar" ]] || die "kafka jar missing in $KAFKA_LIBS"
    touch "$KAFKA_HOME/.complete"
}

fetch_elasticsearch() {
    [[ -f "$ES_HOME/.complete" ]] && return 0
    local art="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTICSEARCH_VERSION:zip"
    local zip="$LOCAL/downloads/elasticsearch-$ELASTICSEARCH_VERSION.zip"
    if [[ ! -s "$zip" ]]; then
        log "fetching Elasticsearch $ELASTICSEARCH_VERSION ($art) with Maven"
        mkdir -p "$LOCAL/downloads"
        run_mvn elasticsearch dependency:copy -Dartifact="$art" -DoutputDirectory="$LOCAL/downloads" ||
            die "mvn could not fetch $art"
    fi
    log "unpacking $zip"
    local tmp="$LOCAL/elasticsearch/.unpack-$$"
    rm -rf "$tmp" "$ES_HOME"
    mkdir -p "$tmp"
    unzip -q "$zip" -d "$tmp"
    mv "$tmp/elasticsearch-$ELASTICSEARCH_VERSION" "$ES_HOME"
    rmdir "$tmp"
    touch "$ES_HOME/.complete"
}

# ---------------------------------------------------------------- Kafka

kafka_running() { pid_alive "$KAFKA_PID" >/dev/null; }

kafka_write_config() {
    mkdir -p "$RUN_DIR" "$KAFKA_DATA" "$LOG_DIR"
    cat >"$KAFKA_PROPS" <<EOF
# Generated by deploy/local/services.sh -- edits are overwritten.
# Single-node KRaft cluster: this process is broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# coopwatch dead-letters messages of ~5 MB: let up to 16 MB through.
message.max.bytes=16777216
replica.fetch.max.bytes=20971520
replica.fetch.response.max.bytes=20971520
log.retention.hours=168
EOF
}

kafka_format() {
    [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
    local java cid
    java="$(kafka_java_home)/bin/java"
    cid="$("$java" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    log "formatting KRaft storage $KAFKA_DATA (cluster id $cid)"
    "$java" -Dlog4j2.configurationFile="$SCRIPT_DIR/kafka/log4j2.properties" -Dkafka.logs.dir="$LOG_DIR" \
        -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_PROPS" >&2 ||
        die "kafka-storage format failed"
}

# Health: a real metadata round-trip with kafka-python when available, else a TCP connect.
kafka_healthy() {
    local py; py="$(python_bin)"
    mkdir -p "$RUN_DIR"
    if [[ -n "$py" ]] && "$py" -c 'import kafka' 2>/dev/null; then
        "$py" - "127.0.0.1:$KAFKA_PORT" <<'EOF' >"$RUN_DIR/kafka-probe.err" 2>&1
import sys
from kafka import KafkaAdminClient
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id="coopwatch-services-sh",
                         request_timeout_ms=5000)
try:
    admin.list_topics()
    assert admin.describe_cluster()["brokers"], "no broker registered"
finally:
    admin.close()
EOF
    else
        port_open "$KAFKA_PORT"
    fi
}

kafka_up() {
    if kafka_running; then
        log "Kafka already running (pid $(pid_alive "$KAFKA_PID"))"
    else
        rm -f "$KAFKA_PID"
        port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is in use by a process this script did not start (set COOPWATCH_KAFKA_PORT)"
        fetch_kafka
        kafka_write_config
        kafka_format
        local java; java="$(kafka_java_home)/bin/java"
        log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT, java $(java_major "$java"))"
        # shellcheck disable=SC2086  # KAFKA_HEAP is a list of JVM options
        setsid nohup "$java" $KAFKA_HEAP -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
            -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
            -Djava.awt.headless=true -Dkafka.logs.dir="$LOG_DIR" \
            -Dlog4j2.configurationFile="$SCRIPT_DIR/kafka/log4j2.properties" \
            -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS" >"$KAFKA_OUT" 2>&1 </dev/null 9>&- &
        echo $! >"$KAFKA_PID"
    fi
    log "waiting for Kafka to answer on 127.0.0.1:$KAFKA_PORT (timeout ${WAIT_TIMEOUT}s)"
    local rc=0
    wait_for "$WAIT_TIMEOUT" kafka_healthy kafka_running || rc=$?
    if ((rc != 0)); then
        if ((rc == 2)); then warn "Kafka exited during startup"; else warn "Kafka did not answer within ${WAIT_TIMEOUT}s"; fi
        show_tail kafka "$KAFKA_OUT" "$KAFKA_LOG" "$RUN_DIR/kafka-probe.err"
        die "Kafka failed to start"
    fi
    log "Kafka $KAFKA_VERSION is up: 127.0.0.1:$KAFKA_PORT"
}

# ---------------------------------------------------------------- Elasticsearch

es_running() { pid_alive "$ES_PID" >/dev/null || pid_alive "$ES_LAUNCHER_PID" >/dev/null; }

es_healthy() {
    local body
    body="$(curl -fsS --max-time 5 "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null)" || return 1
    [[ "$body" == *'"status":"green"'* || "$body" == *'"status":"yellow"'* ]]
}

es_write_config() {
    mkdir -p "$ES_DATA" "$ES_LOGS" "$ES_TMP" "$ES_PID_DIR"
    cat >"$ES_HOME/config/elasticsearch.yml" <<EOF
# Generated by deploy/local/services.sh -- edits are overwritten.
# Only settings that exist in the integ-test-zip distribution may appear here:
# an unknown setting (e.g. xpack.ml.*, the ML module is not shipped) stops ES.
cluster.name: coopwatch
node.name: coopwatch-local
path.data: $ES_DATA
path.logs: $ES_LOGS
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
# A nearly full developer disk must not turn the indices read-only.
cluster.routing.allocation.disk.threshold_enabled: false
cluster.routing.allocation.disk.watermark.low: 97%
cluster.routing.allocation.disk.watermark.high: 98%
cluster.routing.allocation.disk.watermark.flood_stage: 99%
EOF
}

# The analysis plugin (deploy/local/analysis-plugin, written separately) provides
# the analysis components the integ-test-zip lacks (no analysis-common module).
PLUGIN_ZIP=""
PLUGIN_SUM=""

plugin_prepare() {  # build the zip if missing/outdated; sets PLUGIN_ZIP and PLUGIN_SUM
    PLUGIN_ZIP="" PLUGIN_SUM=""
    if [[ ! -f "$PLUGIN_DIR/pom.xml" ]]; then
        warn "no $PLUGIN_DIR/pom.xml yet: Elasticsearch starts without the analysis plugin"
        return 0
    fi
    local zip newer=""
    # shellcheck disable=SC2012  # newest zip; names are ours (no odd characters)
    zip="$(ls -t "$PLUGIN_DIR"/target/*.zip 2>/dev/null | head -n1 || true)"
    if [[ -n "$zip" ]]; then
        newer="$(find "$PLUGIN_DIR" -path "$PLUGIN_DIR/target" -prune -o -type f -newer "$zip" -print | head -n1)"
    fi
    if [[ -z "$zip" || -n "$newer" ]]; then
        log "building the analysis plugin (mvn package in $PLUGIN_DIR)"
        JAVA_HOME="$(es_java_home)" run_mvn analysis-plugin -f "$PLUGIN_DIR/pom.xml" package -DskipTests \
            -Delasticsearch.version="$ELASTICSEARCH_VERSION" ||
            die "building the analysis plugin failed"
        # shellcheck disable=SC2012
        zip="$(ls -t "$PLUGIN_DIR"/target/*.zip 2>/dev/null | head -n1 || true)"
        [[ -n "$zip" ]] || die "mvn package produced no $PLUGIN_DIR/target/*.zip"
    fi
    PLUGIN_ZIP="$zip"
    PLUGIN_SUM="$(sha256sum "$zip" | cut -d' ' -f1)"
}

plugin_needs_install() {
    [[ -n "$PLUGIN_ZIP" ]] || return 1
    [[ "$(cat "$PLUGIN_MARKER" 2>/dev/null)" != "$PLUGIN_SUM" ]]
}

plugin_install() {  # ES must be stopped
    local name
    # classic plugins have plugin-descriptor.properties, stable (plugin-api) ones
    # stable-plugin-descriptor.properties; unzip exits 11 for the missing one.
    name="$({ unzip -p "$PLUGIN_ZIP" plugin-descriptor.properties stable-plugin-descriptor.properties 2>/dev/null || true; } |
        sed -n 's/^name=//p' | head -n1 | tr -d '\r')"
    [[ -n "$name" ]] || die "$PLUGIN_ZIP has no plugin-descriptor.properties with a name="
    export ES_JAVA_HOME; ES_JAVA_HOME="$(es_java_home)"
    if [[ -d "$ES_HOME/plugins/$name" ]]; then
        log "removing the previous '$name' plugin"
        "$ES_HOME/bin/elasticsearch-plugin" remove "$name" >&2 || die "elasticsearch-plugin remove $name failed"
    fi
    log "installing the analysis plugin '$name' from $PLUGIN_ZIP"
    rm -f "$PLUGIN_MARKER"
    "$ES_HOME/bin/elasticsearch-plugin" install --batch "file://$PLUGIN_ZIP" >&2 ||
        die "elasticsearch-plugin install $PLUGIN_ZIP failed"
    echo "$PLUGIN_SUM" >"$PLUGIN_MARKER"
}

es_up() {
    fetch_elasticsearch
    if [[ -z "$LINKED_LOCAL" ]] || ! es_running; then
        plugin_prepare
    fi
    if plugin_needs_install && es_running; then
        log "the analysis plugin changed: restarting Elasticsearch to install it"
        es_down
    fi
    if es_running; then
        log "Elasticsearch already running (pid $(pid_alive "$ES_PID" || pid_alive "$ES_LAUNCHER_PID"))"
    else
        rm -f "$ES_PID" "$ES_LAUNCHER_PID"
        port_open "$ES_PORT" && die "port $ES_PORT is in use by a process this script did not start (set COOPWATCH_ES_PORT)"
        port_open "$ES_TRANSPORT_PORT" && die "port $ES_TRANSPORT_PORT is in use (set COOPWATCH_ES_TRANSPORT_PORT)"
        es_write_config
        if plugin_needs_install; then plugin_install; fi
        es_setup_runas
        es_runas
        es_chown
        local jh; jh="$(es_java_home)"
        log "starting Elasticsearch $ELASTICSEARCH_VERSION on $ES_URL (java $(java_major "$jh/bin/java"), as $(
            [[ $ES_RUN_MODE == self ]] && id -un || echo "$ES_USER ($ES_RUN_MODE)"))"
        # cwd = logs dir: jvm.options writes gc.log / hs_err files relative to it.
        (
            cd "$ES_LOGS"
            export ES_JAVA_HOME="$jh" ES_JAVA_OPTS="$ES_HEAP" ES_TMPDIR="$ES_TMP" ES_PATH_CONF="$ES_HOME/config"
            unset JAVA_HOME
            "${ES_RUNAS[@]}" setsid nohup "$ES_HOME/bin/elasticsearch" -p "$ES_PID" >"$ES_OUT" 2>&1 </dev/null 9>&- &
            echo $! >"$ES_LAUNCHER_PID"
        )
    fi
    log "waiting for Elasticsearch cluster health yellow/green on $ES_URL (timeout ${WAIT_TIMEOUT}s)"
    local rc=0
    wait_for "$WAIT_TIMEOUT" es_healthy es_running || rc=$?
    if ((rc != 0)); then
        if ((rc == 2)); then warn "Elasticsearch exited during startup"; else warn "Elasticsearch not healthy within ${WAIT_TIMEOUT}s"; fi
        show_tail elasticsearch "$ES_OUT" "$ES_LOG"
        die "Elasticsearch failed to start"
    fi
    log "Elasticsearch $ELASTICSEARCH_VERSION is up: $ES_URL"
}

# ---------------------------------------------------------------- stop

stop_pids() {  # stop_pids NAME TIMEOUT PIDFILE...
    local name="$1" timeout="$2" f pid pids=()
    shift 2
    for f in "$@"; do
        pid="$(pid_alive "$f" || true)"
        [[ -n "$pid" ]] && pids+=("$pid")
    done
    if ((${#pids[@]} == 0)); then
        log "$name is not running"
    else
        log "stopping $name (pid ${pids[*]})"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        local deadline=$((SECONDS + timeout)) alive
        while ((SECONDS < deadline)); do
            alive=()
            for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
            ((${#alive[@]} == 0)) && break
            sleep 0.5
        done
        for pid in "${pids[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then
                warn "$name pid $pid ignored SIGTERM for ${timeout}s: SIGKILL"
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done
    fi
    rm -f "$@"
}

kafka_down() { stop_pids Kafka 60 "$KAFKA_PID"; }
es_down()    { stop_pids Elasticsearch 60 "$ES_PID" "$ES_LAUNCHER_PID"; }

# ---------------------------------------------------------------- status

status_kafka() {
    local pid ok=0
    pid="$(pid_alive "$KAFKA_PID" || true)"
    if kafka_healthy; then
        printf 'kafka          %-8s UP    127.0.0.1:%s  pid %s\n' "$KAFKA_VERSION" "$KAFKA_PORT" "${pid:-? (not started by this script)}"
    else
        printf 'kafka          %-8s DOWN  127.0.0.1:%s%s\n' "$KAFKA_VERSION" "$KAFKA_PORT" "${pid:+  (pid $pid runs but does not answer)}"
        ok=1
    fi
    local jar="$KAFKA_LIBS/kafka_$KAFKA_SCALA_VERSION-$KAFKA_VERSION.jar"
    [[ -e "$jar" ]] && printf '  broker jar: %s\n' "${jar#"$REPO_ROOT/"}"
    return $ok
}

status_es() {
    # NB: this distribution has no handler for `GET /` (the rest-root module is not
    # in the integ-test-zip), so the version comes from GET _nodes/plugins.
    local pid health
    pid="$(pid_alive "$ES_PID" || pid_alive "$ES_LAUNCHER_PID" || true)"
    if ! health="$(curl -fsS --max-time 5 "$ES_URL/_cluster/health" 2>/dev/null)"; then
        printf 'elasticsearch  %-8s DOWN  %s%s\n' "$ELASTICSEARCH_VERSION" "$ES_URL" "${pid:+  (pid $pid runs but does not answer)}"
        return 1
    fi
    local py; py="$(python_bin)"
    [[ -n "$py" ]] || { echo "elasticsearch  UP  $ES_URL $health"; return 0; }
    "$py" - "$health" "$ES_URL" "${pid:-? (not started by this script)}" <<'EOF'
import json, sys, urllib.request, urllib.error
health, url, pid = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]

def call(method, path, body=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)

_, nodes = call("GET", "/_nodes/plugins")
versions = sorted({n.get("version", "?") for n in nodes.get("nodes", {}).values()})
print(f"elasticsearch  {', '.join(versions):<8} UP    {url}  pid {pid}  cluster {health.get('cluster_name')} "
      f"{health.get('status', '?')}")
plugins = sorted({p["name"] for n in nodes.get("nodes", {}).values() for p in n.get("plugins", [])})
modules = sorted({m["name"] for n in nodes.get("nodes", {}).values() for m in n.get("modules", [])})
print(f"  plugins: {', '.join(plugins) or '(none)'}")
print(f"  modules: {', '.join(modules)}")
checks = {
    "elision": {"type": "elision", "articles": ["l"]},
    "asciifolding": {"type": "asciifolding"},
    "stemmer light_french": {"type": "stemmer", "language": "light_french"},
}
for label, flt in checks.items():
    code, body = call("POST", "/_analyze", {"tokenizer": "standard", "filter": [flt], "text": "l'Économie"})
    if code == 200:
        toks = " ".join(t["token"] for t in body.get("tokens", []))
        print(f"  analysis {label:<21} available  (l'Économie -> {toks})")
    else:
        reason = body.get("error", {}).get("reason", body) if isinstance(body, dict) else body
        print(f"  analysis {label:<21} MISSING    ({reason})")
EOF
}

cmd_status() {
    local rc=0
    status_kafka || rc=1
    status_es || rc=1
    return $rc
}

# ---------------------------------------------------------------- logs

cmd_logs() {
    local follow=0 files=() a
    for a in "$@"; do
        case "$a" in
            -f|--follow) follow=1 ;;
            kafka) files+=("$KAFKA_LOG") ;;
            elasticsearch|es) files+=("$ES_LOG") ;;
            *) die "logs: unknown argument '$a' (kafka | elasticsearch | -f)" ;;
        esac
    done
    ((${#files[@]})) || files=("$KAFKA_LOG" "$ES_LOG")
    for a in "${files[@]}"; do [[ -e "$a" ]] || warn "no log yet: $a"; done
    if ((follow)); then exec tail -n 50 -F "${files[@]}"; fi
    tail -n "${COOPWATCH_LOG_LINES:-100}" "${files[@]}" 2>/dev/null || true
}

# ---------------------------------------------------------------- main

main() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    case "$cmd" in
        up)
            lock
            local t0=$SECONDS
            kafka_up
            es_up
            log "all services up in $((SECONDS - t0))s"
            ;;
        down)
            [[ -z "$LINKED_LOCAL" ]] || die "$REPO_ROOT/.local links to $LOCAL: these services belong to that checkout; stop them from there"
            lock
            es_down
            kafka_down
            ;;
        restart)
            [[ -z "$LINKED_LOCAL" ]] || die "$REPO_ROOT/.local links to $LOCAL: these services belong to that checkout; restart them from there"
            bash "$SCRIPT_DIR/services.sh" down
            exec bash "$SCRIPT_DIR/services.sh" up
            ;;
        status) cmd_status ;;
        logs) cmd_logs "$@" ;;
        -h|--help|help) usage ;;
        "") usage >&2; exit 2 ;;
        *) printf 'unknown command: %s\n\n' "$cmd" >&2; usage >&2; exit 2 ;;
    esac
}

main "$@"
