#!/usr/bin/env bash
# Install the native tools the stack test runs, pinned to the versions docker-compose.yml
# uses, into a cache that survives between runs:
#
#   ${STREAMLAB_TOOLS_DIR:-$HOME/.cache/streamlab-tools}/bin/
#     otelcol-streamlab   OpenTelemetry Collector 0.159.0 built by ocb from otel/builder-config.yaml
#     jaeger              Jaeger v2: go install of the v2.20.0 commit; when the Go module proxy
#                         does not serve it, v1.76.0 (= Jaeger v2.13.0) built from its module
#     toxiproxy-server    Toxiproxy v2.12.0 (+ toxiproxy-cli)
#     grpcurl             grpcurl v1.9.4 (go install), for the admin services test (npm test)
#     ghz                 ghz v0.121.0 (go install), the load baseline of npm run bench:load (not in all)
#     nats-server         NATS server v2.15.2 with JetStream (go install), the bus of `--bus`
#                         (issue 18): its tests, the bus scenarios and the stack test's bus profile
#     prometheus promtool symlinks to Debian's prometheus package (2.42 on Debian 12, not v3)
#     docker-compose      symlink to Debian's docker-compose (1.29), for `docker-compose config`
#     chromium            symlink to Debian's chromium, the browser the HTML report tests drive
#                         (playwright-core, npm test); never a browser download
#     python3-grpcio      symlink to the Python that imports Debian's python3-grpcio (1.51 on
#                         Debian 12): a gRPC C-core client for the foreign-peer tests (npm test)
#     kube-apiserver kubectl  Kubernetes v1.36.3 built from the k8s.io/kubernetes module (target
#                         "kube", for npm run test:k8s); etcd: symlink to Debian's etcd-server
#
# Idempotent: a tool is skipped when its binary exists and its marker file
# (bin/.NAME.version) records the wanted version. Delete the marker to force a rebuild.
# Usage: stack/install-tools.sh [all|otelcol|jaeger|toxiproxy|grpcurl|ghz|nats|chromium|grpcio|prometheus|compose|kube|prometheus3]...
#        ("all", the default, is every tool but prometheus3: Prometheus 3.15 built from source,
#        optional, for checking the configs against the version compose runs; and but kube,
#        which only npm run test:k8s needs and which it installs itself)
# Env:   STREAMLAB_TOOLS_DIR   cache dir (default $HOME/.cache/streamlab-tools)
#        STREAMLAB_JAEGER_REF  go install version of github.com/jaegertracing/jaeger/cmd/jaeger
#                              (default: the v2.20.0 commit, see JAEGER_REF below)
#        STREAMLAB_JAEGER_FALLBACK_REF  tried when JAEGER_REF cannot be fetched from the Go
#                              module proxy (default v1.76.0 = Jaeger v2.13.0; "" disables)
#        STREAMLAB_NICE        niceness for go builds (default 10)
# Go builds log to $TOOLS_DIR/logs/NAME.log; each prints its duration. Progress goes to
# stderr; the only stdout line is the bin dir, so callers can run BIN="$(stack/install-tools.sh)".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${STREAMLAB_TOOLS_DIR:-$HOME/.cache/streamlab-tools}"
BIN="$TOOLS_DIR/bin"
LOGS="$TOOLS_DIR/logs"
NICE="${STREAMLAB_NICE:-10}"

BUILDER_VERSION="v0.159.0"   # = otel/opentelemetry-collector-contrib:0.159.0 in compose
# Jaeger's module path has no /v2, so the v2.20.0 tag cannot be named; this is its commit.
JAEGER_REF="${STREAMLAB_JAEGER_REF:-798e4b0fcf22609e381df764a01461affd813e1e}"
JAEGER_FALLBACK_REF="${STREAMLAB_JAEGER_FALLBACK_REF-v1.76.0}"
TOXIPROXY_VERSION="v2.12.0"  # = ghcr.io/shopify/toxiproxy:2.12.0 in compose
PROMETHEUS3_MODULE_VERSION="v0.315.0"  # = prom/prometheus:v3.15.0 in compose (optional target)
GRPCURL_VERSION="v1.9.4"     # the latest fullstorydev/grpcurl release on the Go module proxy when pinned
GHZ_VERSION="v0.121.0"       # bojand/ghz, the load baseline of `npm run bench:load` (issue 15)
KUBE_VERSION="v1.36.3"       # k8s.io/kubernetes; its staging modules are published as k8s.io/* v0.36.3
NATS_VERSION="v2.15.2"       # = nats:2.15.2-alpine in compose (profile bus)

mkdir -p "$BIN" "$LOGS"

# locked TOOL CMD...: run CMD holding TOOL's lock in the cache. One install of a tool at a
# time (two runs starting together would share its src/ and gobin/ dirs), while different
# tools build side by side: .ci/run builds the stack's tools in the background while npm
# test's pretest checks its own, which then never waits on Jaeger's build.
locked() {
  local tool="$1" fd
  shift
  if ! command -v flock >/dev/null; then "$@"; return; fi
  exec {fd}>"$TOOLS_DIR/.lock.$tool"
  flock "$fd"
  "$@"   # not in a `||` list: set -e still stops the script on the first failing step
  exec {fd}>&-
}

log() { printf '[install-tools] %s\n' "$*" >&2; }

# have NAME WANT: true when bin/NAME exists and its marker says WANT.
have() {
  [[ -x "$BIN/$1" && -f "$BIN/.$1.version" && "$(cat "$BIN/.$1.version")" == "$2" ]]
}
mark() { printf '%s\n' "$2" >"$BIN/.$1.version"; }

# timed NAME CMD...: run CMD (go builds niced), logging to logs/NAME.log, print its duration.
timed() {
  local name="$1"; shift
  local start=$SECONDS rc=0
  log "$name: building (log: $LOGS/$name.log)"
  if declare -F "$1" >/dev/null; then
    "$@" >"$LOGS/$name.log" 2>&1 || rc=$?     # a function of ours: it nices its own builds
  else
    nice -n "$NICE" "$@" >"$LOGS/$name.log" 2>&1 || rc=$?
  fi
  if ((rc != 0)); then
    log "$name: FAILED after $((SECONDS - start))s (exit $rc); last lines of $LOGS/$name.log:"
    tail -n 15 "$LOGS/$name.log" >&2
    return "$rc"
  fi
  log "$name: built in $((SECONDS - start))s"
}

need_go() {
  command -v go >/dev/null || { log "go is not on PATH (Go >= 1.25 needed)"; exit 1; }
}

install_otelcol() {
  local manifest="$ROOT/otel/builder-config.yaml"
  local want
  want="ocb-$BUILDER_VERSION manifest-sha256-$(sha256sum "$manifest" | cut -c1-16)"
  if have otelcol-streamlab "$want"; then log "otelcol-streamlab: cached ($want)"; return; fi
  need_go
  local gobin="$TOOLS_DIR/gobin/builder"
  if [[ ! -x "$gobin/builder" ]] || ! "$gobin/builder" version 2>/dev/null | grep -q "$BUILDER_VERSION"; then
    timed ocb env GOBIN="$gobin" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION"
  fi
  # ocb writes the generated sources and the binary to dist.output_path, relative to cwd.
  local work="$TOOLS_DIR/src/otelcol"
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && timed otelcol "$gobin/builder" --config "$manifest")
  install -m 0755 "$work/otelcol-streamlab/otelcol-streamlab" "$BIN/otelcol-streamlab"
  mark otelcol-streamlab "$want"
  log "otelcol-streamlab: $("$BIN/otelcol-streamlab" --version)"
}

# module_source_build MODULE REF OUT LDFLAGS PKG...: build PKGs inside a copy of the source
# that the Go module proxy serves for MODULE@REF, into the directory OUT. `go install
# pkg@version` refuses modules whose go.mod has replace directives (Jaeger v1.76.0 and
# Prometheus 3 have some); built as the main module, the replaces apply.
module_source_build() {
  local module="$1" ref="$2" out="$3" ldflags="$4" dir work
  shift 4
  dir="$(go mod download -json "$module@$ref" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$dir" && -d "$dir" ]] || { echo "go mod download $module@$ref failed"; return 1; }
  work="$TOOLS_DIR/src/$(basename "$module")-$ref"
  rm -rf "$work" && cp -r "$dir" "$work" && chmod -R u+w "$work"
  mkdir -p "$out"
  (cd "$work" && GOWORK=off nice -n "$NICE" go build -trimpath -ldflags "$ldflags" -o "$out/" "$@")
}

jaeger_from_module_source() {
  local ref="$1" pkg=github.com/jaegertracing/jaeger/internal/version
  module_source_build github.com/jaegertracing/jaeger "$ref" "$TOOLS_DIR/gobin/jaeger" \
    "-X $pkg.latestVersion=$ref -X $pkg.commitSHA=$ref" ./cmd/jaeger
}

# build_jaeger REF: go install cmd/jaeger@REF, or build it inside its module source when
# go install refuses the module.
build_jaeger() {
  local ref="$1" gobin="$TOOLS_DIR/gobin/jaeger"
  mkdir -p "$gobin"
  if timed jaeger env GOBIN="$gobin" go install "github.com/jaegertracing/jaeger/cmd/jaeger@$ref" ||
     { log "jaeger: go install refused $ref; building it inside its module source";
       timed jaeger-src jaeger_from_module_source "$ref"; }; then
    install -m 0755 "$gobin/jaeger" "$BIN/jaeger"
    mark jaeger "$ref"
    log "jaeger: installed $ref"
  else
    return 1
  fi
}

install_jaeger() {
  if have jaeger "$JAEGER_REF"; then log "jaeger: cached ($JAEGER_REF)"; return; fi
  need_go
  # The pinned ref first, whenever the module proxy serves it (even over a cached fallback).
  if go list -m "github.com/jaegertracing/jaeger@$JAEGER_REF" >/dev/null 2>&1; then
    build_jaeger "$JAEGER_REF" && return
  fi
  if [[ -z "$JAEGER_FALLBACK_REF" ]]; then
    log "jaeger: $JAEGER_REF is not available from the Go module proxy and no fallback is set"
    return 1
  fi
  log "jaeger: WARNING: $JAEGER_REF (Jaeger v2.20.0, as in compose) cannot be fetched from"
  log "jaeger: the Go module proxy; using $JAEGER_FALLBACK_REF instead (an older Jaeger v2)"
  if have jaeger "$JAEGER_FALLBACK_REF"; then log "jaeger: cached ($JAEGER_FALLBACK_REF)"; return; fi
  build_jaeger "$JAEGER_FALLBACK_REF"
}

install_toxiproxy() {
  if have toxiproxy-server "$TOXIPROXY_VERSION"; then log "toxiproxy: cached ($TOXIPROXY_VERSION)"; return; fi
  need_go
  local gobin="$TOOLS_DIR/gobin/toxiproxy"
  # The release binaries set the version with -X; go install would report "undefined".
  local ldflags="-X github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION#v}"
  timed toxiproxy env GOBIN="$gobin" go install -ldflags "$ldflags" \
    "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" \
    "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION"
  install -m 0755 "$gobin/server" "$BIN/toxiproxy-server"
  install -m 0755 "$gobin/cli" "$BIN/toxiproxy-cli"
  mark toxiproxy-server "$TOXIPROXY_VERSION"
}

# grpcurl: test/server/admin-services.test.ts lists, describes and calls the admin services with it
# (reflection, channelz), as a user would.
install_grpcurl() {
  if have grpcurl "$GRPCURL_VERSION"; then log "grpcurl: cached ($GRPCURL_VERSION)"; return; fi
  need_go
  local gobin="$TOOLS_DIR/gobin/grpcurl"
  # The release binaries set main.version with -X; go install would print "dev build".
  timed grpcurl env GOBIN="$gobin" go install -ldflags "-X main.version=$GRPCURL_VERSION" \
    "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
  install -m 0755 "$gobin/grpcurl" "$BIN/grpcurl"
  mark grpcurl "$GRPCURL_VERSION"
  log "grpcurl: $("$BIN/grpcurl" -version 2>&1)"
}

# apt_install PKG: apt-get install PKG (as root), logged to logs/apt-PKG.log.
apt_install() {
  local pkg="$1"
  if [[ $(id -u) -ne 0 ]]; then log "$pkg: not installed and not root: apt-get install $pkg"; return 1; fi
  log "$pkg: apt-get install"
  # Debian's prometheus starts a service from its postinst where an init system runs;
  # policy-rc.d stops that (we only want the binaries), then we remove it again.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e "$policy" ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; added_policy=1; fi
  { [[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]] ||
      apt-get update -qq -o DPkg::Lock::Timeout=600; } >"$LOGS/apt-$pkg.log" 2>&1
  local rc=0
  # Installs of two tools may run at once (see locked): the second waits for dpkg's lock.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "$pkg" \
    >>"$LOGS/apt-$pkg.log" 2>&1 || rc=$?
  ((added_policy)) && rm -f "$policy"
  if ((rc != 0)); then log "$pkg: apt-get install failed, see $LOGS/apt-$pkg.log"; return "$rc"; fi
}

# ghz: the load baseline `npm run bench:load` compares `streamlab load` with (not in `all`:
# neither the tests nor CI need it).
install_ghz() {
  if have ghz "$GHZ_VERSION"; then log "ghz: cached ($GHZ_VERSION)"; return; fi
  need_go
  local gobin="$TOOLS_DIR/gobin/ghz"
  timed ghz env GOBIN="$gobin" go install "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"
  install -m 0755 "$gobin/ghz" "$BIN/ghz"
  mark ghz "$GHZ_VERSION"
  log "ghz: $("$BIN/ghz" --version 2>&1)"
}

# nats-server: the JetStream broker of `--bus` (src/bus/); the bus tests, the scenarios
# bus-restart and bus-leader-loss, the bus bench arm and the stack test's bus profile run it.
install_nats() {
  if have nats-server "$NATS_VERSION"; then log "nats-server: cached ($NATS_VERSION)"; return; fi
  need_go
  local gobin="$TOOLS_DIR/gobin/nats"
  timed nats env GOBIN="$gobin" go install "github.com/nats-io/nats-server/v2@$NATS_VERSION"
  install -m 0755 "$gobin/nats-server" "$BIN/nats-server"
  mark nats-server "$NATS_VERSION"
  log "nats-server: $("$BIN/nats-server" --version 2>&1)"
}

# apt_tool PKG BIN...: link Debian package binaries into $BIN, installing PKG if missing.
apt_tool() {
  local pkg="$1"; shift
  local b missing=0
  for b in "$@"; do command -v "$b" >/dev/null || missing=1; done
  if ((missing)); then apt_install "$pkg" || return; fi
  for b in "$@"; do ln -sf "$(command -v "$b")" "$BIN/$b"; done
}

install_prometheus() {
  apt_tool prometheus prometheus promtool
  mark prometheus "$("$BIN/prometheus" --version 2>&1 | head -n1)"
  log "prometheus: $(cat "$BIN/.prometheus.version")"
}

# Optional, not part of "all": Prometheus 3 built from source, the line compose runs, for
# checking the configs against it (`stack/install-tools.sh prometheus3`). Installs
# prometheus3 and promtool3; Go module v0.3XX.Y is Prometheus 3.XX.Y. No web UI assets
# (the API works).
install_prometheus3() {
  if have prometheus3 "$PROMETHEUS3_MODULE_VERSION" && [[ -x "$BIN/promtool3" ]]; then
    log "prometheus3: cached ($PROMETHEUS3_MODULE_VERSION)"; return
  fi
  need_go
  local v="$PROMETHEUS3_MODULE_VERSION" pkg=github.com/prometheus/common/version
  local minor="${v#v0.3}"; minor="${minor%%.*}"; minor="$((10#$minor))"
  local semver="3.$minor.${v##*.}"
  timed prometheus3 module_source_build github.com/prometheus/prometheus "$v" \
    "$TOOLS_DIR/gobin/prometheus3" "-X $pkg.Version=$semver -X $pkg.Revision=$v -X $pkg.Branch=module" \
    ./cmd/prometheus ./cmd/promtool
  install -m 0755 "$TOOLS_DIR/gobin/prometheus3/prometheus" "$BIN/prometheus3"
  install -m 0755 "$TOOLS_DIR/gobin/prometheus3/promtool" "$BIN/promtool3"
  mark prometheus3 "$v"
  log "prometheus3: $("$BIN/prometheus3" --version 2>&1 | head -n1)"
}

install_compose() {
  apt_tool docker-compose docker-compose
  mark docker-compose "$("$BIN/docker-compose" version --short 2>/dev/null || true)"
  log "docker-compose: $(cat "$BIN/.docker-compose.version")"
}

# chromium: test/report/html-report.browser.test.ts and scripts/report-screenshot.ts drive it
# headless through playwright-core (test/helpers/browser.ts finds it here, then on PATH).
# Debian's package, so it gets security updates with the system; fonts come with its
# dependencies (fontconfig pulls a font package), enough for the screenshots.
install_chromium() {
  if ! apt_tool chromium chromium; then
    log "chromium: the browser tests need it: sudo apt-get install chromium (Debian/Ubuntu),"
    log "chromium: or put a chromium on PATH"
    return 1
  fi
  mark chromium "$("$BIN/chromium" --version 2>/dev/null | head -n1 || true)"
  log "chromium: $(cat "$BIN/.chromium.version") at $(readlink -f "$BIN/chromium")"
}

# kube: kube-apiserver and kubectl for npm run test:k8s (deploy/k8s/k8s.test.ts), which
# checks deploy/k8s against a real API server over Debian's etcd. `go install` refuses
# k8s.io/kubernetes (its go.mod replaces every k8s.io/* staging module with ./staging/...),
# and the module zip leaves ./staging out (nested modules are never in a module zip). So it
# is built as the main module, each staging replace pointed at the published module of the
# same release (k8s.io/kubernetes v1.X.Y = k8s.io/* v0.X.Y); staging modules nothing
# requires (sample-cli-plugin, sample-controller) lose their replace. From empty Go caches:
# about 9 minutes on a quiet 2-core machine (21 measured on a shared one), 2.4 GB of build
# cache and 0.6 GB of module cache; the binaries are 105 MB and 76 MB. From warm caches: 20 s.
kube_from_module_source() {
  local module=k8s.io/kubernetes dir work staging m out="$TOOLS_DIR/gobin/kube"
  dir="$(go mod download -json "$module@$KUBE_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -n "$dir" && -d "$dir" ]] || { echo "go mod download $module@$KUBE_VERSION failed"; return 1; }
  work="$TOOLS_DIR/src/kubernetes-$KUBE_VERSION"
  # Called through `timed … || rc=$?`, where set -e does not apply: every step checks itself.
  mkdir -p "$TOOLS_DIR/src" && rm -rf "$work" && cp -r "$dir" "$work" && chmod -R u+w "$work" || return 1
  rm -f "$work/go.work" "$work/go.work.sum"
  staging="v0.${KUBE_VERSION#v1.}"
  local edits=()
  for m in $(sed -n 's#^\t\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$work/go.mod"); do
    if grep -q "^[[:space:]]$m v0\.0\.0" "$work/go.mod"; then edits+=(-replace "$m=$m@$staging")
    else edits+=(-dropreplace "$m"); fi
  done
  ((${#edits[@]})) || { echo "no ./staging replaces found in $work/go.mod"; return 1; }
  echo "go mod edit: ${edits[*]}"
  (cd "$work" && go mod edit "${edits[@]}") || return 1
  # What hack/lib/version.sh stamps into release builds (kubectl version, /version).
  local ldflags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(cut -d. -f2 <<<"$KUBE_VERSION")"
    ldflags+=" -X $pkg.gitTreeState=clean"
  done
  mkdir -p "$out"
  (cd "$work" && GOWORK=off GOFLAGS=-mod=mod nice -n "$NICE" go build -trimpath -ldflags "$ldflags" -o "$out/" ./cmd/kube-apiserver ./cmd/kubectl) || return 1
  rm -rf "$work"   # 115 MB of source; the module and build caches keep what a rebuild needs
}

install_kube() {
  apt_tool etcd-server etcd
  mark etcd "$("$BIN/etcd" --version 2>/dev/null | head -n1)"
  log "etcd: $(cat "$BIN/.etcd.version")"
  if have kube-apiserver "$KUBE_VERSION" && have kubectl "$KUBE_VERSION"; then log "kube: cached ($KUBE_VERSION)"; return; fi
  need_go
  timed kube kube_from_module_source
  install -m 0755 "$TOOLS_DIR/gobin/kube/kube-apiserver" "$BIN/kube-apiserver"
  install -m 0755 "$TOOLS_DIR/gobin/kube/kubectl" "$BIN/kubectl"
  mark kube-apiserver "$KUBE_VERSION"
  mark kubectl "$KUBE_VERSION"
  log "kube: $("$BIN/kubectl" version --client 2>&1 | head -n1)"
}

# grpcio: test/rpc/foreign-peers.test.ts drives a gRPC client that is not grpc-js, Python grpcio
# (C-core). Debian's python3-grpcio rather than PyPI's: one apt package like the other native
# tools, for the system Python (/usr/bin/python3), no venv; PEP 668 keeps pip out of that
# Python anyway. Linked as bin/python3-grpcio so a python3 earlier on PATH (pyenv, a venv)
# without grpcio is never the one the tests run.
install_grpcio() {
  local python=/usr/bin/python3
  if ! "$python" -c 'import grpc' >/dev/null 2>&1; then apt_install python3-grpcio || return; fi
  ln -sf "$python" "$BIN/python3-grpcio"
  mark python3-grpcio "grpcio $("$BIN/python3-grpcio" -c 'import grpc; print(grpc.__version__)')"
  log "python3-grpcio: $(cat "$BIN/.python3-grpcio.version")"
}

main() {
  local what=("$@")
  ((${#what[@]})) || what=(all)
  [[ " ${what[*]} " == *" all "* ]] && what=(prometheus compose chromium grpcio toxiproxy grpcurl nats otelcol jaeger)
  local t
  for t in "${what[@]}"; do
    case "$t" in
      otelcol|jaeger|toxiproxy|grpcurl|ghz|nats|chromium|grpcio|prometheus|compose|prometheus3|kube)
        locked "$t" "install_$t" ;;
      *) log "unknown tool: $t"; exit 2 ;;
    esac
  done
  log "tools in $BIN:"
  for t in "$BIN"/.*.version; do printf '  %-20s %s\n' "$(basename "$t" .version | cut -c2-)" "$(cat "$t")" >&2; done
  printf '%s\n' "$BIN"
}

main "$@"
