#!/usr/bin/env python3
"""WeChat's code-review pushes, sealed by an independent implementation
(wechatpy's WeChatCrypto, from PyPI), sent to a live `livegate serve`:
accepted ones are stored, tampered, replayed, stale and wrongly signed ones
are refused with nothing stored, and no secret reaches the log.

    e2e/wechat/push.py                 # target/debug/livegate
    LIVEGATE_BIN=target/release/livegate e2e/wechat/push.py
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from wechatpy.crypto import WeChatCrypto

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.realpath(os.environ.get("LIVEGATE_BIN", os.path.join(HERE, "../../target/debug/livegate")))
TOKEN = "pushtoken" + os.urandom(4).hex()
KEY = "Zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUT"
PLATFORM = "wxcomponent00000002"
APPID = "wx00000000000000f2"
REASON = "服务类目“金融业-保险”与你提交代码审核时设置的功能页面内容不一致"


def call(url, method="GET", body=None, token=None, ctype="application/json"):
    req = urllib.request.Request(url, data=body, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def event(kind, reason=""):
    return (
        "<xml><ToUserName><![CDATA[gh_0000000000f2]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{kind}]]></Event><Reason><![CDATA[{reason}]]></Reason>"
        f"<FailTime>{int(time.time())}</FailTime></xml>"
    )


def sealed(crypto, msg, nonce, ts):
    """The envelope wechatpy makes and the signature it carries."""
    out = crypto.encrypt_message(msg, nonce, ts)
    enc = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>", out).group(1)
    sig = re.search(r"<MsgSignature><!\[CDATA\[(.*?)\]\]></MsgSignature>", out).group(1)
    return enc, sig


def send(url, enc, sig, nonce, ts):
    body = f"<xml><ToUserName><![CDATA[gh_0000000000f2]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>"
    q = f"timestamp={ts}&nonce={nonce}&msg_signature={sig}&encrypt_type=aes"
    return call(f"{url}/wechat/events/{APPID}?{q}", "POST", body.encode(), ctype="text/xml")


def main():
    data = tempfile.mkdtemp()
    admin = lambda *a: subprocess.run([BIN, *a, "--data-dir", data], check=True, capture_output=True, text=True).stdout.strip()
    admin("admin", "create-tenant", "acme")
    token = admin("admin", "create-token", "--tenant", "acme", "--role", "admin").splitlines()[0]
    env = dict(os.environ, LIVEGATE_WECHAT_TOKEN=TOKEN, LIVEGATE_WECHAT_AES_KEY=KEY, LIVEGATE_WECHAT_APPID=PLATFORM)
    log = open(os.path.join(data, "serve.log"), "w+")
    proc = subprocess.Popen([BIN, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--log-level", "debug"],
                            env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"listening on (\S+)", line).group(1)
        profile = {"appid": APPID, "subject": {"type": "enterprise"},
                   "categories": [{"first": "金融业", "second": "保险", "status": "pending"}]}
        status, body = call(f"{url}/v1/applicants", "POST", json.dumps(profile).encode(), token)
        assert status == 201, body
        app = json.loads(body)["id"]
        events = lambda: json.loads(call(f"{url}/v1/applicants/{app}/wechat/events", token=token)[1])["items"]
        crypto = WeChatCrypto(TOKEN, KEY, PLATFORM)

        ts = str(int(time.time()))
        enc, sig = sealed(crypto, event("weapp_audit_fail", REASON), "nonceA", ts)
        assert send(url, enc, sig, "nonceA", ts) == (200, "success")
        got = events()
        assert [(e["event"], e["category"], e["reason"]) for e in got] == [("weapp_audit_fail", "金融业/保险", REASON)], got
        stored = json.loads(call(f"{url}/v1/applicants/{app}", token=token)[1])["profile"]["categories"][0]
        assert stored["status"] == "rejected" and stored["audit_reason"] == REASON, stored

        before = (events(), call(f"{url}/v1/applicants/{app}", token=token)[1])
        # A replay of the same push.
        assert send(url, enc, sig, "nonceA", ts)[0] == 401
        # Tampered: one character of the ciphertext changed, signature kept.
        bad = enc[:20] + ("A" if enc[20] != "A" else "B") + enc[21:]
        assert send(url, bad, sig, "nonceB", ts)[0] == 401
        # Signed with another token.
        other = WeChatCrypto("not" + TOKEN, KEY, PLATFORM)
        enc2, sig2 = sealed(other, event("weapp_audit_success"), "nonceC", ts)
        assert send(url, enc2, sig2, "nonceC", ts)[0] == 401
        # Sealed with another key: the signature holds, the body does not decrypt.
        third = WeChatCrypto(TOKEN, "A" * 43, PLATFORM)
        enc3, sig3 = sealed(third, event("weapp_audit_success"), "nonceD", ts)
        assert send(url, enc3, sig3, "nonceD", ts)[0] == 400
        # For another platform.
        fourth = WeChatCrypto(TOKEN, KEY, "wxcomponent00000009")
        enc4, sig4 = sealed(fourth, event("weapp_audit_success"), "nonceE", ts)
        assert send(url, enc4, sig4, "nonceE", ts)[0] == 400
        # Ten minutes old.
        old = str(int(time.time()) - 600)
        enc5, sig5 = sealed(crypto, event("weapp_audit_success"), "nonceF", old)
        assert send(url, enc5, sig5, "nonceF", old)[0] == 401
        assert (events(), call(f"{url}/v1/applicants/{app}", token=token)[1]) == before, "a refusal stored something"

        ts = str(int(time.time()))
        enc6, sig6 = sealed(crypto, event("weapp_audit_success"), "nonceG", ts)
        assert send(url, enc6, sig6, "nonceG", ts) == (200, "success")
        assert [e["event"] for e in events()] == ["weapp_audit_success", "weapp_audit_fail"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log.seek(0)
    text = log.read()
    assert "a WeChat push was refused" in text, "refusals are logged"
    for secret in (TOKEN, KEY):
        assert secret not in text, "a secret reached the log"
    print("wechat push: 2 accepted, 6 refused with nothing stored, no secret in the log")


if __name__ == "__main__":
    sys.exit(main())
