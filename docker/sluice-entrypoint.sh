#!/usr/bin/env bash
# Entry point of the Sluice container image, also runnable on a host with a built checkout.
#
#   sluice-entrypoint.sh [run] [--override key=value]...   run the broker in the foreground
#   sluice-entrypoint.sh print-config                      print the configuration the environment gives
#   sluice-entrypoint.sh health [PORT]                     exit 0 if the broker says it is ready
#   sluice-entrypoint.sh COMMAND [ARG]...                  run anything else (e.g. bin/sluice perf ...)
#
# Configuration comes from environment variables, mapped onto server.properties keys as Kafka's
# image maps KAFKA_*: strip SLUICE_, lower-case, then '___' -> '-', '__' -> '_', '_' -> '.'.
#   SLUICE_LOG_DIRS=/var/lib/sluice/data        -> log.dirs=/var/lib/sluice/data
#   SLUICE_LISTENER_SECURITY_PROTOCOL_MAP=...   -> listener.security.protocol.map=...
# The variables that configure this script and the JVM (below) are not mapped. An unknown key
# stops the broker at startup with the key named, so a typo cannot go unnoticed.
set -euo pipefail

home=${SLUICE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# Read by this script, not broker keys.
reserved=" SLUICE_HOME SLUICE_CONFIG SLUICE_HEAP_OPTS SLUICE_JAVA_OPTS SLUICE_LOG_DIR SLUICE_RUN_DIR SLUICE_CDS SLUICE_START_TIMEOUT SLUICE_STOP_TIMEOUT SLUICE_HEALTH_TIMEOUT SLUICE_LOG_LEVEL "

die() { echo "sluice-entrypoint: $*" >&2; exit 1; }

# SLUICE_LOG_DIRS -> log.dirs; placeholders keep '___' and '__' apart from the single '_'.
env_to_key() {
  local name=${1#SLUICE_}
  name=${name,,}
  name=${name//___/$'\x01'}
  name=${name//__/$'\x02'}
  name=${name//_/.}
  name=${name//$'\x01'/-}
  name=${name//$'\x02'/_}
  printf '%s' "$name"
}

# key=value, one a line, sorted by variable name, for every mapped SLUICE_* variable.
config_lines() {
  local var
  while IFS= read -r var; do
    [[ $var == SLUICE_?* ]] || continue
    [[ $reserved == *" $var "* ]] && continue
    printf '%s=%s\n' "$(env_to_key "$var")" "${!var}"
  done < <(compgen -e | LC_ALL=C sort)
}

# The broker's jar, or nothing when it has not been built yet (never a failure: under
# "set -o pipefail" a failing ls in a pipeline would end the script before it could build).
broker_jar() {
  local f
  for f in "$home"/broker/target/sluice-broker-*.jar; do
    case $f in *-sources.jar | *-tests.jar | *-javadoc.jar) continue ;; esac
    if [ -f "$f" ]; then
      echo "$f"
      return 0
    fi
  done
  return 0
}

run_broker() {
  local jar
  jar=$(broker_jar)
  [ -n "$jar" ] || die "no broker jar under $home/broker/target (build with: mvn -DskipTests package)"
  local -a args=()
  if [ -n "${SLUICE_CONFIG:-}" ]; then
    args+=(--config "$SLUICE_CONFIG")
  fi
  local line
  while IFS= read -r line; do
    args+=(--override "$line")
  done < <(config_lines)
  args+=("$@")
  local java=java
  [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
  # The heap follows the container's memory limit unless SLUICE_HEAP_OPTS says otherwise.
  # shellcheck disable=SC2206
  local -a opts=(${SLUICE_HEAP_OPTS:--XX:InitialRAMPercentage=25 -XX:MaxRAMPercentage=50} -XX:+ExitOnOutOfMemoryError ${SLUICE_JAVA_OPTS:-})
  # exec: the JVM becomes this process, so `docker stop` (SIGTERM) runs the clean shutdown.
  exec "$java" "${opts[@]}" "-Dlogback.configurationFile=$home/docker/logback.xml" \
    -cp "$jar:$home/broker/target/lib/*" io.sluice.broker.Main "${args[@]}"
}

# Asks the broker's HTTP endpoint for /ready with bash alone (the runtime image has no curl).
# Without a metrics port, a TCP connect to the Kafka port (the last port of SLUICE_LISTENERS or 9092).
health() {
  local port=${1:-${SLUICE_METRICS_PORT:-}}
  local timeout=${SLUICE_HEALTH_TIMEOUT:-5}
  if [ -n "$port" ] && [ "$port" -gt 0 ] 2>/dev/null; then
    { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || die "nothing listens on metrics port $port"
    printf 'GET /ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
    local status=""
    IFS= read -r -t "$timeout" status <&3 || true
    exec 3<&-
    status=${status%$'\r'}
    [[ $status == "HTTP/1.1 200"* ]] || die "not ready: ${status:-no answer}"
    echo "ready"
  else
    local listeners=${SLUICE_LISTENERS:-PLAINTEXT://127.0.0.1:9092}
    local kafka_port=${listeners##*:}
    { exec 3<>"/dev/tcp/127.0.0.1/$kafka_port"; } 2>/dev/null || die "nothing listens on port $kafka_port"
    exec 3<&-
    echo "listening"
  fi
}

case "${1:-run}" in
  run) shift || true; run_broker "$@" ;;
  --*) run_broker "$@" ;;
  print-config) config_lines ;;
  health) shift; health "$@" ;;
  *) exec "$@" ;;
esac
