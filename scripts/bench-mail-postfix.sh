#!/usr/bin/env bash
# The mail benchmark (docs/BENCHMARKS.md, "Sending mail") against a real MTA: Debian's Postfix,
# a private instance in a temporary folder (its own config and queue directories, listening on
# 127.0.0.1 only, on a free high port), STARTTLS with a certificate made here, SASL AUTH PLAIN
# through a private Dovecot auth service, and every accepted message queued (written and fsynced
# by Postfix's cleanup, as for real mail) then discarded by the discard transport.
#
# Installs postfix and dovecot-core if missing (non-interactive, debconf "No configuration": the
# system's own Postfix is left unconfigured and stopped). Not part of CI.
#
#   scripts/bench-mail-postfix.sh            # 5,000 statements with a 60 KiB PDF
#   RAPPORTINO_MAIL_BENCH_N=500 RAPPORTINO_MAIL_BENCH_PDF_KIB=0 scripts/bench-mail-postfix.sh
#   RAPPORTINO_MAIL_BENCH_TMP=/dev/shm scripts/bench-mail-postfix.sh   # the queue on tmpfs
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! command -v postfix >/dev/null 2>&1 || ! command -v dovecot >/dev/null 2>&1; then
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends postfix dovecot-core openssl
fi

# RAPPORTINO_MAIL_BENCH_TMP=/dev/shm puts Postfix's queue on tmpfs: its fsync before each 250
# then costs nothing, which shows what the client and the protocol cost without the disk.
WORK="$(mktemp -d "${RAPPORTINO_MAIL_BENCH_TMP:-/tmp}/rapportino-postfix.XXXXXX")"
chmod 755 "$WORK"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
USER_NAME="tecnico@example.it"
PASSWORD="segreta-bench-4711"

cleanup() {
  $SUDO postfix -c "$WORK/etc" stop >/dev/null 2>&1 || true
  [ -n "${DOVECOT_PID:-}" ] && $SUDO kill "$DOVECOT_PID" 2>/dev/null || true
  sleep 1
  $SUDO rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/etc" "$WORK/queue" "$WORK/data" "$WORK/dovecot"
$SUDO chown postfix "$WORK/data"
# The test CA and the server's certificate for "localhost" (the client trusts only this CA).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=Bench CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
  -keyout "$WORK/ca.key" -out "$WORK/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$WORK/etc/server.key" -out "$WORK/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' >"$WORK/ext.cnf"
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial \
  -days 2 -extfile "$WORK/ext.cnf" -out "$WORK/etc/server.crt" 2>/dev/null
chmod 600 "$WORK/etc/server.key"

cat >"$WORK/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $WORK/queue
data_directory = $WORK/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.bench.test
mydomain = bench.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
# Accepted, queued, then dropped: nothing leaves this computer.
default_transport = discard:benchmark
relay_transport = discard:benchmark
local_transport = discard:benchmark
smtpd_tls_cert_file = $WORK/etc/server.crt
smtpd_tls_key_file = $WORK/etc/server.key
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
message_size_limit = 52428800
maillog_file = $WORK/maillog
maillog_file_prefixes = $WORK
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_connection_count_limit = 0
anvil_rate_time_unit = 60s
CF
cat >"$WORK/etc/master.cf" <<CF
127.0.0.1:$PORT inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF

# Dovecot: only its auth service, for Postfix's SASL, with one user.
printf '%s:{PLAIN}%s\n' "$USER_NAME" "$PASSWORD" >"$WORK/users"
cat >"$WORK/dovecot.conf" <<CF
base_dir = $WORK/dovecot
state_dir = $WORK/dovecot
instance_name = rapportino-bench
protocols =
ssl = no
log_path = $WORK/dovecot.log
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $WORK/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  unix_listener $WORK/queue/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service anvil {
  chroot =
}
CF

$SUDO postfix -c "$WORK/etc" start
dovecot -c "$WORK/dovecot.conf" -F >"$WORK/dovecot.out" 2>&1 &
DOVECOT_PID=$!
for _ in $(seq 1 50); do
  [ -S "$WORK/queue/private/auth" ] && break
  sleep 0.2
done
[ -S "$WORK/queue/private/auth" ] || { cat "$WORK/dovecot.out" "$WORK/dovecot.log" >&2; exit 1; }
echo "Postfix $(postconf -d -h mail_version) on 127.0.0.1:$PORT (STARTTLS, SASL via Dovecot, discard)"

cd "$ROOT"
RAPPORTINO_MAIL_BENCH_SERVER="localhost:$PORT" RAPPORTINO_MAIL_BENCH_CA="$WORK/ca.crt" \
  RAPPORTINO_MAIL_BENCH_USER="$USER_NAME" RAPPORTINO_MAIL_BENCH_PASSWORD="$PASSWORD" \
  ${RAPPORTINO_MAIL_BENCH_WRAP:-} cargo test -p rapportino-mail --release --test bench_send -- --ignored --nocapture
echo "messages Postfix discarded after queueing them: $(grep -c 'status=sent (benchmark)' "$WORK/maillog" || true)"
