# Sourced by run-mqtt.sh and run-edge-hub.sh: the Mosquitto baseline both benchmark scripts run beside Brink.
#   install_mosquitto         apt-get install mosquitto if it is missing
#   start_mosquitto WORK      a throw-away CA and RSA 2048 server certificate for 127.0.0.1 in WORK/tls (like the
#                             hub's own), Mosquitto on a free loopback port with QoS 1 kept in memory (persistence
#                             false: its best case), log in WORK/mosquitto.log; sets tls, mosquitto_port and
#                             mosquitto_pid (the caller's exit trap stops it)

install_mosquitto() {
  if ! command -v mosquitto >/dev/null; then
    echo "Installing mosquitto (apt-get)..." >&2
    apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q mosquitto >&2
  fi
}

start_mosquitto() {
  local work="$1"
  tls="$work/tls"
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=Brink bench test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" \
    2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    > "$tls/server.ext"
  openssl x509 -req -sha256 -days 2 -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
    -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
  mosquitto_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  cat > "$tls/mosquitto.conf" <<EOF
per_listener_settings false
listener $mosquitto_port 127.0.0.1
cafile $tls/ca.pem
certfile $tls/server.pem
keyfile $tls/server.key
allow_anonymous true
persistence false
max_connections -1
set_tcp_nodelay true
user $(id -un)
log_dest stderr
log_type error
log_type warning
EOF
  mosquitto -c "$tls/mosquitto.conf" 2> "$work/mosquitto.log" &
  mosquitto_pid=$!
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$mosquitto_port") 2>/dev/null; then break; fi
    sleep 0.1
  done
  kill -0 "$mosquitto_pid" || { cat "$work/mosquitto.log" >&2; exit 1; }
}
