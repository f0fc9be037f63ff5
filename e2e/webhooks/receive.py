#!/usr/bin/env python3
"""Webhooks from a live `livegate serve`, verified by an independent
implementation: the `standardwebhooks` package (PyPI) checks each
delivery's webhook-id, webhook-timestamp and webhook-signature with the
endpoint's secret. A document reviewed through the API raises
document.verified and document.rejected; both arrive, verified, and a
tampered copy does not verify. The secret never reaches the log.

    e2e/webhooks/receive.py            # target/debug/livegate
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.realpath(os.environ.get("LIVEGATE_BIN", os.path.join(HERE, "../../target/debug/livegate")))
GOT = []


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
        GOT.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def call(url, method="GET", body=None, token=None, headers=None):
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null"), r.headers.get("etag")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), None


def main():
    hook = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    data = tempfile.mkdtemp()
    admin = lambda *a: subprocess.run([BIN, *a, "--data-dir", data], check=True, capture_output=True, text=True).stdout.strip()
    admin("admin", "create-tenant", "acme")
    token = admin("admin", "create-token", "--tenant", "acme", "--role", "admin").splitlines()[0]
    env = dict(os.environ, LIVEGATE_WEBHOOK_ALLOW_PRIVATE="true", LIVEGATE_WEBHOOK_RETRY_SECONDS="1")
    log = open(os.path.join(data, "serve.log"), "w+")
    proc = subprocess.Popen([BIN, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--log-level", "debug"],
                            env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        url = re.search(r"listening on (\S+)", proc.stdout.readline()).group(1)
        status, made, _ = call(f"{url}/v1/webhooks", "POST", {
            "url": f"http://127.0.0.1:{hook.server_port}/livegate",
            "events": ["document.verified", "document.rejected"]}, token)
        assert status == 201, made
        secret = made["secret"]
        status, app, _ = call(f"{url}/v1/applicants", "POST", {"appid": "wx00000000000000e5", "subject": {"type": "enterprise"}}, token)
        assert status == 201, app
        docs = f"{url}/v1/applicants/{app['id']}/documents"
        for decision in ("verified", "rejected"):
            status, doc, etag = call(docs, "POST", {"kind": "business_license"}, token)
            assert status == 201, doc
            body = {"decision": decision, "reason": "扫描件模糊"} if decision == "rejected" else {"decision": decision}
            status, done, _ = call(f"{docs}/{doc['id']}/review", "POST", body, token, {"If-Match": etag})
            assert status == 200, done
        deadline = time.time() + 20
        while len(GOT) < 2 and time.time() < deadline:
            time.sleep(0.1)
        assert len(GOT) == 2, (GOT, call(f"{url}/v1/webhooks/{made['endpoint']['id']}/deliveries", token=token))
        wh = Webhook(secret)
        kinds = sorted(wh.verify(body, headers)["type"] for headers, body in GOT)
        assert kinds == ["document.rejected", "document.verified"], kinds
        headers, body = GOT[0]
        try:
            wh.verify(body.replace("document", "d0cument"), headers)
            raise AssertionError("a tampered body verified")
        except WebhookVerificationError:
            pass
    except AssertionError:
        log.seek(0)
        print("\n".join(l for l in log.read().splitlines() if "WARN" in l or "ERROR" in l)[-3000:])
        raise
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        hook.shutdown()
    log.seek(0)
    assert secret not in log.read(), "the webhook secret reached the log"
    print("webhooks: 2 deliveries verified by standardwebhooks, a tampered one refused, no secret in the log")


if __name__ == "__main__":
    sys.exit(main())
