"""Issue 17, across machines: the nginx site and the systemd units in deploy/ are the ones the cluster drill
(bench/cluster.py) runs; these tests keep them true to the app (routes, forwarded headers, upload size,
commands) without starting a cluster."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
SITE = (DEPLOY / "nginx" / "servicehall.conf").read_text()


def _location(path: str) -> str:
    match = re.search(rf"location {re.escape(path)} \{{(.*?)\n    \}}", SITE, re.S)
    assert match, f"no location {path}"
    return match.group(1)


def test_issue17_websockets_go_to_the_websocket_nodes_with_the_upgrade_and_the_rest_to_the_http_nodes():
    ws = _location("/ws/")
    assert "proxy_pass http://servicehall_ws;" in ws
    assert "proxy_set_header Upgrade $http_upgrade;" in ws and "proxy_http_version 1.1;" in ws
    assert "proxy_pass http://servicehall_http;" in _location("/")
    upstreams = (DEPLOY / "nginx" / "servicehall-upstreams.conf").read_text()
    assert "upstream servicehall_http" in upstreams and "upstream servicehall_ws" in upstreams


def test_issue17_the_proxy_overwrites_x_forwarded_for_so_a_client_cannot_forge_its_address():
    for path in ("/ws/", "/"):
        block = _location(path)
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in block
        assert "$proxy_add_x_forwarded_for" not in block  # would pass a client's own header on
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in block


def test_issue17_the_request_size_limit_lets_the_largest_upload_through_and_uploads_are_never_served():
    from servicehall.orders.services.acceptance import document_max_bytes

    size = re.search(r"client_max_body_size (\d+)m;", SITE)
    assert size and int(size.group(1)) * 1024 * 1024 > document_max_bytes()
    assert "return 404;" in _location("/media/")
    assert "listen 443 ssl;" in SITE and "return 301 https://" in SITE


def test_issue17_the_units_start_the_asgi_app_behind_the_trusted_proxy_and_one_scheduler():
    for unit in ("servicehall-http@.service", "servicehall-ws@.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        assert "uvicorn servicehall.asgi:application" in text
        assert "--proxy-headers --forwarded-allow-ips ${TRUSTED_PROXIES}" in text
        assert "EnvironmentFile=/etc/servicehall/env" in text
    schedule = (DEPLOY / "systemd" / "servicehall-schedule.service").read_text()
    command = re.search(r"manage\.py (\w+)", schedule)
    assert command and command.group(1) == "run_schedule" and "run_schedule" in get_commands()
    env = (DEPLOY / "systemd" / "servicehall.env.example").read_text()
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TRUSTED_PROXIES", "SERVICEHALL_PRODUCTION"):
        assert f"{name}=" in env


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(), reason="no nginx here")
def test_issue17_nginx_accepts_the_site_as_the_cluster_drill_fills_it_in(tmp_path):
    from bench.cluster import nginx_binary, nginx_config

    config = nginx_config(tmp_path, http_nodes=[18001, 18002], ws_node=18100, https_port=18443, http_port=18080)
    checked = subprocess.run([nginx_binary(), "-t", "-c", str(config)], capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 0, checked.stderr


def test_issue17_a_screen_waiting_on_redis_outlasts_the_channel_layers_blocking_pop():
    """The soak found boards dropped under load: channels_redis blocks 5 s on Redis for a screen's next message,
    and redis-py's default read timeout was 5 s too. With Redis configured, the layer's read timeout outlasts it."""
    import json
    import os
    import sys

    from channels_redis.core import RedisChannelLayer

    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.CHANNEL_LAYERS['default']['CONFIG']['hosts']))"
    )
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/7", "DJANGO_SETTINGS_MODULE": "servicehall.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    (host,) = json.loads(out.stdout.strip().splitlines()[-1])
    assert host["address"] == "redis://127.0.0.1:6379/7"
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout
