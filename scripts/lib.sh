# Shared set-up for scripts/run and scripts/test: installs what a fresh Debian machine with only
# the Rust toolchain lacks, from the registries alone (crates.io, npm, Debian), never from
# elsewhere. Each step is skipped when its tool is already present at the right version.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
BINARYEN_VERSION="132"
TOOLS="$ROOT/.tools"
# Where cargo builds: CI keeps one outside the clone.
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1; fi
}

ensure_wasm_target() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown && return
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

# cargo-leptos without its downloader: wasm-bindgen and wasm-opt come from the registries.
ensure_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then return; fi
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (first time only, ~16 min on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
}

# The CLI must equal the wasm-bindgen in Cargo.lock exactly.
ensure_wasm_bindgen() {
  local want
  want="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
  if wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then return; fi
  say "installing wasm-bindgen-cli $want (matches Cargo.lock)"
  cargo install wasm-bindgen-cli --version "$want" --force
}

# npm (Debian's nodejs and npm packages) fetches the web tools below from the npm registry.
ensure_npm() {
  command -v npm >/dev/null && return
  say "installing Node.js and npm (Debian packages)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
}

# wasm-opt >= 116 for release builds (Debian's 108 breaks the bundle at run time).
ensure_wasm_opt() {
  if [ -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then return; fi
  ensure_npm
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION" >/dev/null
}

# axe-core, injected into pages by the browser tests for the accessibility audit.
ensure_axe() {
  if [ -f "$TOOLS/node_modules/axe-core/axe.min.js" ]; then return; fi
  ensure_npm
  say "installing axe-core (npm)"
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" axe-core@4 >/dev/null
}

ensure_web_toolchain() {
  ensure_wasm_target
  ensure_cargo_leptos
  ensure_wasm_bindgen
}

# Chromium for the browser tests, and a CJK font so Chinese pages render in screenshots.
ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then return; fi
  say "installing Chromium, chromedriver and a CJK font (Debian packages)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
}

# Starts the local PostgreSQL cluster when it is installed but stopped, and prepares a role the
# tests may create databases with. Prints the admin URL, or nothing when there is no PostgreSQL.
ensure_postgres() {
  # Everything but the URL goes to stderr: the caller captures stdout.
  start_postgres >&2 || return 0
  echo "postgres://repaydesk:repaydesk@127.0.0.1:5432/postgres"
}

# Test databases and logs older than a day: a kept target dir and the local PostgreSQL would
# otherwise grow by gigabytes (each load bench leaves two databases of over 100 MB). A test's
# PostgreSQL database is named rd_test_<pid>_<n>_<unix microseconds> (tests/support/databases.rs).
prune_test_leftovers() {
  local pg_url="${1:-}" cutoff db
  if [ -d "$TARGET/test-scratch" ]; then
    find "$TARGET/test-scratch" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {} +
  fi
  if [ -z "$pg_url" ] || ! command -v psql >/dev/null; then return 0; fi
  cutoff=$(( ($(date +%s) - 86400) * 1000000 ))
  psql "$pg_url" -qtAc "SELECT datname FROM pg_database WHERE datname LIKE 'rd\_test\_%'" 2>/dev/null |
    while read -r db; do
      if [ "${db##*_}" -lt "$cutoff" ] 2>/dev/null; then
        psql "$pg_url" -qc "DROP DATABASE \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
      fi
    done
}

start_postgres() {
  if ! command -v pg_lsclusters >/dev/null; then
    if [ "${REPAYDESK_REQUIRE_POSTGRES:-0}" != 1 ]; then return 1; fi
    say "installing PostgreSQL (Debian package)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql
  fi
  local cluster version name
  cluster="$(pg_lsclusters -h 2>/dev/null | head -n1)"
  if [ -z "$cluster" ]; then
    version="$(ls /usr/lib/postgresql | sort -n | tail -n1)"
    say "creating PostgreSQL cluster $version/main"
    as_root pg_createcluster "$version" main
    cluster="$(pg_lsclusters -h | head -n1)"
  fi
  version="$(echo "$cluster" | awk '{print $1}')"
  name="$(echo "$cluster" | awk '{print $2}')"
  if ! echo "$cluster" | grep -q online; then
    say "starting PostgreSQL $version/$name"
    as_root pg_ctlcluster "$version" "$name" start
  fi
  local tries=0
  until pg_isready -q -h 127.0.0.1 -p 5432; do
    tries=$((tries + 1))
    if [ "$tries" -gt 30 ]; then say "PostgreSQL does not answer on 127.0.0.1:5432"; return 1; fi
    sleep 1
  done
  as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='repaydesk'\" | grep -q 1 || \
    psql -qc \"CREATE ROLE repaydesk LOGIN CREATEDB PASSWORD 'repaydesk'\""
}
