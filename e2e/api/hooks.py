"""schemathesis hooks for livegate's API run (e2e/api/run.sh).

`POST /v1/rules/impact` takes a ruleset as TOML, which schemathesis cannot
generate from a schema: it is given the shipped ruleset, and the same with
its version changed, so an unchanged and a changed ruleset are both tried.
"""

import pathlib
import re

import schemathesis
from hypothesis import strategies as st

RULES = pathlib.Path(__file__).resolve().parents[2] / "rules" / "wechat-live.toml"
TEXT = RULES.read_text(encoding="utf-8")

NEXT = re.sub(r'(?m)^version = "([^"]+)"', r'version = "\1-next"', TEXT, count=1)

schemathesis.openapi.media_type(
    "application/toml",
    st.sampled_from([TEXT.encode("utf-8"), NEXT.encode("utf-8")]),
)


def _png() -> bytes:
    """A 1×1 white PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n"
)
# Start of image, a comment segment, end of image: the structure the upload checks.
JPEG = b"\xff\xd8\xff\xfe\x00\x08scan\x00\x00\xff\xd9"

# A scan is read from its bytes: each declared type gets bytes of that type.
schemathesis.openapi.media_type("application/pdf", st.just(PDF))
schemathesis.openapi.media_type("image/png", st.just(_png()))
schemathesis.openapi.media_type("image/jpeg", st.just(JPEG))
