#!/usr/bin/env bash
# Docker daemon and sandbox image for CI (idempotent; run as root from the repository root or anywhere).
# Installs docker.io and debootstrap if missing, starts dockerd without a bridge network when no
# daemon answers, then builds the sandbox image with the project's venv (`lester sandbox build`
# reuses the cached image when its inputs are unchanged). Assumes .venv exists (`make setup`).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
    echo "starting dockerd (log: /tmp/dockerd.log)"
    nohup dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
        >/tmp/dockerd.log 2>&1 &
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
    if ! docker info >/dev/null 2>&1; then
        echo "dockerd did not come up; last lines of /tmp/dockerd.log:" >&2
        tail -n 30 /tmp/dockerd.log >&2
        exit 1
    fi
fi

.venv/bin/lester sandbox build
