#!/usr/bin/env bash
# A Docker engine for CI's Testcontainers tests, on a Debian machine where we are root.
#
#   docker-engine.sh start   install docker.io and debootstrap from Debian when missing, and the docker
#                            compose v2 plugin (from Debian trixie's .deb), start dockerd
#   docker-engine.sh stop    remove Testcontainers' leftovers, stop the dockerd we started and undo its
#                            network changes (iptables chains and FORWARD policy, ip_forward, bridges)
#
# An engine that already answers is used as it is and left alone by "stop". State lives in $STATE_DIR.
set -euo pipefail
STATE_DIR="${RW_ROUTING_DOCKER_STATE:-/tmp/rw-routing-ci-docker}"

log() { echo "docker-engine: $*" >&2; }

install_missing() {
  local packages=()
  command -v dockerd >/dev/null 2>&1 || packages+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || packages+=(debootstrap)
  command -v curl >/dev/null 2>&1 || packages+=(curl)
  if ((${#packages[@]})); then
    log "installing ${packages[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
  fi
}

# Spring Boot's Docker Compose support runs "docker compose" (v2): bookworm's docker-compose package is
# compose v1 (1.29), which it cannot use, and trixie's docker-compose 2.26 is a static Go binary (it needs
# only libc6 >= 2.34): take the CLI plugin out of that .deb without adding trixie to apt's sources.
COMPOSE_DEB_URL="${RW_ROUTING_COMPOSE_DEB_URL:-http://deb.debian.org/debian/pool/main/d/docker-compose/docker-compose_2.26.1-4_amd64.deb}"
COMPOSE_PLUGIN=/usr/libexec/docker/cli-plugins/docker-compose

install_compose_plugin() {
  if docker compose version >/dev/null 2>&1; then
    return
  fi
  log "installing the docker compose v2 CLI plugin from $COMPOSE_DEB_URL"
  local work
  work="$(mktemp -d /tmp/rw-routing-compose.XXXXXX)"
  if ! curl -fsSL --retry 3 -o "$work/docker-compose.deb" "$COMPOSE_DEB_URL"; then
    rm -rf "$work"
    log "could not download $COMPOSE_DEB_URL: the Docker Compose test cannot run"
    exit 1
  fi
  dpkg -x "$work/docker-compose.deb" "$work/root"
  if [[ ! -x "$work/root$COMPOSE_PLUGIN" ]]; then
    rm -rf "$work"
    log "$COMPOSE_DEB_URL has no $COMPOSE_PLUGIN"
    exit 1
  fi
  install -D -m 0755 "$work/root$COMPOSE_PLUGIN" "$COMPOSE_PLUGIN"
  rm -rf "$work"
  log "$(docker compose version)"
}

start() {
  install_missing
  install_compose_plugin
  if docker info >/dev/null 2>&1; then
    log "an engine is already running: using it, not stopping it"
    return
  fi
  mkdir -p "$STATE_DIR"
  # What dockerd changes, to put back on stop.
  cat /proc/sys/net/ipv4/ip_forward > "$STATE_DIR/ip_forward"
  iptables-save -t filter > "$STATE_DIR/iptables-filter"
  iptables-save -t nat > "$STATE_DIR/iptables-nat"
  ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 > "$STATE_DIR/links"
  # dockerd's log and pid go to STATE_DIR; images stay in /var/lib/docker (the per-machine cache).
  nohup dockerd --pidfile "$STATE_DIR/dockerd.pid" > "$STATE_DIR/dockerd.log" 2>&1 &
  echo $! > "$STATE_DIR/dockerd.started"
  local deadline=$((SECONDS + 60))
  until docker info >/dev/null 2>&1; do
    if ((SECONDS > deadline)) || ! kill -0 "$(cat "$STATE_DIR/dockerd.started")" 2>/dev/null; then
      log "dockerd did not come up; its log:"
      tail -20 "$STATE_DIR/dockerd.log" >&2
      stop
      exit 1
    fi
    sleep 0.2
  done
  log "dockerd $(docker version --format '{{.Server.Version}}') up"
}

stop() {
  if [[ ! -f "$STATE_DIR/dockerd.started" ]]; then
    log "no engine started by this script"
    return
  fi
  local pid
  pid="$(cat "$STATE_DIR/dockerd.started")"
  if kill -0 "$pid" 2>/dev/null; then
    # Ryuk is off here: remove what the tests left (containers and networks Testcontainers labelled).
    docker ps -aq --filter label=org.testcontainers=true | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker network ls -q --filter label=org.testcontainers=true | xargs -r docker network rm >/dev/null 2>&1 || true
    kill -TERM "$pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS > deadline)); then
        log "dockerd $pid did not stop in 60 s: killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      sleep 0.2
    done
  fi
  # iptables-restore replaces each saved table whole: DOCKER* chains and rules go, the FORWARD policy
  # comes back.
  iptables-restore < "$STATE_DIR/iptables-filter"
  iptables-restore < "$STATE_DIR/iptables-nat"
  cat "$STATE_DIR/ip_forward" > /proc/sys/net/ipv4/ip_forward
  local link
  for link in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
    if [[ ( "$link" == docker0 || "$link" == br-* || "$link" == veth* ) ]] && ! grep -qx "$link" "$STATE_DIR/links"; then
      ip link delete "$link" 2>/dev/null || true
    fi
  done
  rm -f "$STATE_DIR/dockerd.started"
  if iptables-save | grep -q DOCKER; then
    log "DOCKER iptables rules remain:"
    iptables-save | grep DOCKER >&2
    return 1
  fi
  log "dockerd stopped, network restored"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
