//! Uploaded scans: the type is read from the bytes (never from the name or a
//! header), the file is stored under its SHA-256, and the name the uploader
//! gave is metadata only.

pub use livegate_store::scans::{digest, path_for, store};

/// The only types accepted: PDF, PNG and JPEG, read from the structure
/// each needs, not only the first bytes: a PDF its header, a trailer (or a
/// cross-reference pointer) and `%%EOF` at the end; a PNG its signature and
/// IHDR chunk; a JPEG its start and end of image.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if is_pdf(bytes) {
        Some("application/pdf")
    } else if is_png(bytes) {
        Some("image/png")
    } else if is_jpeg(bytes) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// The bytes without trailing whitespace and NULs (padding some writers add).
fn trimmed_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != 0)
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn is_pdf(bytes: &[u8]) -> bool {
    let body = trimmed_end(bytes);
    let tail = &body[body.len().saturating_sub(64 << 10)..];
    bytes.starts_with(b"%PDF-")
        && body.ends_with(b"%%EOF")
        && (contains(tail, b"trailer") || contains(tail, b"startxref"))
}

fn is_png(bytes: &[u8]) -> bool {
    bytes.len() >= 33
        && bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        && bytes[8..16] == *b"\0\0\0\x0dIHDR"
}

fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.len() >= 4
        && bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        && trimmed_end(bytes).ends_with(&[0xFF, 0xD9])
}

/// Checks an original file name, kept as metadata: no directories, no
/// `.`/`..`, no control characters, at most 255 characters.
pub fn check_name(name: &str) -> Result<(), crate::problems::Msg> {
    use crate::problems::Msg;
    if name.is_empty() || name.chars().count() > 255 {
        return Err(Msg::FileNameLength);
    }
    if name == "." || name == ".." || name.contains("..") {
        return Err(Msg::FileNameDots);
    }
    if name.contains(['/', '\\', ':']) {
        return Err(Msg::FileNameSeparators);
    }
    if name.chars().any(char::is_control) {
        return Err(Msg::FileNameControl);
    }
    Ok(())
}

/// An I/O error while keeping an upload: 507 for a full disk, else 500.
pub fn io_error(what: &str, e: &std::io::Error) -> crate::ApiError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        crate::ApiError::InsufficientStorage(e.to_string())
    } else {
        crate::ApiError::Internal(format!("{what}: {e}"))
    }
}

/// Keeps an upload where the service keeps scans; returns its digest.
pub async fn keep(state: &crate::AppState, bytes: &[u8]) -> Result<String, crate::ApiError> {
    match state.settings.file_store {
        crate::FileStore::Dir => store(&state.settings.data_dir, bytes)
            .await
            .map_err(|e| io_error("storing an upload", &e)),
        crate::FileStore::Database => {
            let sha256 = digest(bytes);
            state.store.put_blob(&sha256, bytes).await?;
            Ok(sha256)
        }
    }
}

/// Reads a kept scan: from the configured place first, then the other (the
/// setting may have changed since it was kept).
pub async fn load(state: &crate::AppState, sha256: &str) -> Result<Vec<u8>, crate::ApiError> {
    use crate::ApiError;
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::Internal("stored digest is not hex".into()));
    }
    let from_dir = || tokio::fs::read(path_for(&state.settings.data_dir, sha256));
    match state.settings.file_store {
        crate::FileStore::Dir => match from_dir().await {
            Ok(b) => Ok(b),
            Err(e) => state
                .store
                .get_blob(sha256)
                .await
                .map_err(|_| ApiError::Internal(format!("reading a stored scan: {e}"))),
        },
        crate::FileStore::Database => match state.store.get_blob(sha256).await {
            Ok(b) => Ok(b),
            Err(e) => from_dir()
                .await
                .map_err(|_| ApiError::Internal(format!("reading a stored scan: {e}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_accepts_pdf_png_jpeg_and_refuses_executables_whatever_their_name() {
        let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\nstartxref\n9\n%%EOF\n";
        assert_eq!(sniff(pdf), Some("application/pdf"));
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&[0; 17]);
        assert_eq!(sniff(&png), Some("image/png"));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0xFF, 0xD9]),
            Some("image/jpeg")
        );
        assert_eq!(sniff(b"MZ\x90\0"), None); // Windows PE
        assert_eq!(sniff(b"\x7fELF\x02"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn only_the_first_bytes_of_a_type_are_not_enough() {
        assert_eq!(sniff(b"%PDF-"), None, "a PDF header alone");
        assert_eq!(sniff(b"%PDF-1.7\n%%EOF"), None, "no trailer");
        assert_eq!(sniff(b"%PDF-1.7\ntrailer <<>>\n"), None, "no %%EOF");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), None, "no IHDR");
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), None, "no end of image");
        assert_eq!(
            sniff(b"%PDF-1.7\ntrailer\n%%EOF\n\0\0 \n"),
            Some("application/pdf"),
            "padding after %%EOF"
        );
    }

    #[test]
    fn names_with_directories_or_dot_dot_are_refused() {
        for bad in [
            "../../etc/passwd",
            "..",
            "a/b.pdf",
            "a\\b.pdf",
            "c:x.pdf",
            "x\0.pdf",
            "",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        for good in ["营业执照.pdf", "scan 1.png", "a.b.jpeg"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
    }
}
