# Shared by scripts that need PostgreSQL and an S3 server on loopback: `start_scale_backends
# DIR` starts a throwaway PostgreSQL (Debian's `postgresql` package) and an S3 server
# (`s3s-fs`, else `moto_server`) with their files under DIR, exports PLI_SCALE_POSTGRES_URL
# (the `postgres` database, to create others in), PLI_SCALE_S3_ENDPOINT, the AWS_* variables
# `pli serve --blobs` reads, and PLI_TEST_S3_ROOT when buckets are plain directories;
# `stop_scale_backends` stops both. `start_scale_postgres DIR` starts PostgreSQL alone (then
# `stop_scale_backends` stops it). Run as root, PostgreSQL runs as `postgres`.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_scale_postgres DIR: the throwaway PostgreSQL alone (exports PLI_SCALE_POSTGRES_URL).
start_scale_postgres() {
  SCALE_DIR=$1
  SCALE_PG_BIN=${PLI_TEST_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [ -z "$SCALE_PG_BIN" ] || [ ! -x "$SCALE_PG_BIN/pg_ctl" ]; then
    echo "error: PostgreSQL server binaries not found; install Debian's postgresql package" >&2
    return 1
  fi
  SCALE_AS_PG=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$SCALE_DIR"
    SCALE_AS_PG=(runuser -u postgres --)
  fi
  local pg_port
  pg_port=$(free_port)
  "${SCALE_AS_PG[@]}" "$SCALE_PG_BIN/initdb" -D "$SCALE_DIR/pg" -U pli --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
  "${SCALE_AS_PG[@]}" mkdir "$SCALE_DIR/sock"
  "${SCALE_AS_PG[@]}" "$SCALE_PG_BIN/pg_ctl" -D "$SCALE_DIR/pg" -l "$SCALE_DIR/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $SCALE_DIR/sock -c max_connections=300" start >/dev/null
  export PLI_SCALE_POSTGRES_URL="postgres://pli@127.0.0.1:$pg_port/postgres"
}

start_scale_backends() {
  start_scale_postgres "$1" || return 1
  local s3_port
  s3_port=$(free_port)
  export AWS_ACCESS_KEY_ID=pli-test-access AWS_SECRET_ACCESS_KEY=pli-test-secret-key
  export AWS_REGION=us-east-1 AWS_ALLOW_HTTP=true
  local s3s_fs
  s3s_fs=$(command -v s3s-fs || { [ -x "$HOME/.cargo/bin/s3s-fs" ] && echo "$HOME/.cargo/bin/s3s-fs"; } || true)
  if [ -n "$s3s_fs" ]; then
    mkdir -p "$SCALE_DIR/s3"
    "$s3s_fs" --host 127.0.0.1 --port "$s3_port" --access-key "$AWS_ACCESS_KEY_ID" \
      --secret-key "$AWS_SECRET_ACCESS_KEY" "$SCALE_DIR/s3" >"$SCALE_DIR/s3.log" 2>&1 &
    SCALE_S3_PID=$!
    export PLI_TEST_S3_ROOT="$SCALE_DIR/s3"
  elif command -v moto_server >/dev/null 2>&1; then
    moto_server -H 127.0.0.1 -p "$s3_port" >"$SCALE_DIR/s3.log" 2>&1 &
    SCALE_S3_PID=$!
  else
    echo "error: no S3 server: cargo install s3s-fs --features binary --locked (or pip install 'moto[server]')" >&2
    return 1
  fi
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null && break
    sleep 0.1
  done
  export PLI_SCALE_S3_ENDPOINT="http://127.0.0.1:$s3_port"
  export AWS_ENDPOINT_URL=$PLI_SCALE_S3_ENDPOINT
}

# create_scale_bucket NAME: a bucket on the S3 server.
create_scale_bucket() {
  if [ -n "${PLI_TEST_S3_ROOT:-}" ]; then
    mkdir -p "$PLI_TEST_S3_ROOT/$1"
  else
    curl -sf -X PUT "$PLI_SCALE_S3_ENDPOINT/$1" >/dev/null
  fi
}

# create_scale_database NAME: prints the URL of a new database.
create_scale_database() {
  psql -q "$PLI_SCALE_POSTGRES_URL" -c "CREATE DATABASE $1" >/dev/null
  echo "${PLI_SCALE_POSTGRES_URL%/postgres}/$1"
}

stop_scale_backends() {
  [ -n "${SCALE_PG_BIN:-}" ] || return 0
  if [ -n "${SCALE_S3_PID:-}" ]; then
    kill "$SCALE_S3_PID" 2>/dev/null || true
    wait "$SCALE_S3_PID" 2>/dev/null || true
  fi
  "${SCALE_AS_PG[@]}" "$SCALE_PG_BIN/pg_ctl" -D "$SCALE_DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
}
