# Shared by the gateway benchmarks (sourced, not run): a work directory
# removed on exit with every process started in `pids`, free loopback
# ports, and nginx instances configured inline.
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# nginx_conf NAME WORKERS HTTP-BLOCK-BODY: starts an nginx under $work/NAME.
nginx_conf() {
  mkdir -p "$work/$1/logs"
  cat > "$work/$1/nginx.conf" <<CONF
worker_processes $2;
pid $work/$1/nginx.pid;
error_log $work/$1/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  types { text/html html; }
  client_body_temp_path $work/$1/body; proxy_temp_path $work/$1/proxy;
  fastcgi_temp_path $work/$1/fcgi; uwsgi_temp_path $work/$1/uwsgi; scgi_temp_path $work/$1/scgi;
  $3
}
CONF
  nginx -p "$work/$1" -c "$work/$1/nginx.conf" -g 'daemon off;' & pids+=($!)
}
