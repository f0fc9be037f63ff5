//! A full disk under the data directory: an upload answers 507 and leaves
//! no partial file; the service goes on, and a scan that fits is kept.
//! Needs a small tmpfs, which only root can mount: skipped otherwise.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Backend, Server};
use serde_json::json;

struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn files_under(p: &Path) -> usize {
    std::fs::read_dir(p).map_or(0, |rd| {
        rd.flatten()
            .map(|e| {
                if e.path().is_dir() {
                    files_under(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    b.resize(size, b' ');
    b.extend_from_slice(b"\ntrailer <<>>\n%%EOF\n");
    b
}

#[test]
fn an_upload_to_a_full_disk_is_a_507_and_leaves_no_partial_file() {
    let s = Server::start(&Backend::Sqlite);
    let data = s.dir.path().join("data");
    let Some(_disk) = Tmpfs::mount(&data, "256k") else {
        eprintln!("skipped: cannot mount a tmpfs here (not root)");
        return;
    };
    let t = s.tenant("acme");
    let r = s.json(
        "POST",
        "/v1/applicants",
        &t.editor,
        &json!({"appid": "wx00000000000000d1", "subject": {"type": "enterprise"}}),
    );
    let app = r.json()["id"].as_str().unwrap().to_string();
    let r = s.json(
        "POST",
        &format!("/v1/applicants/{app}/documents"),
        &t.editor,
        &json!({"kind": "business_license"}),
    );
    let doc = r.json()["id"].as_str().unwrap().to_string();
    let put = |bytes: &[u8]| {
        s.call(
            "PUT",
            &format!("/v1/applicants/{app}/documents/{doc}/file"),
            Some(&t.editor),
            &[("If-Match", "\"1\"")],
            bytes,
        )
    };
    let p = put(&pdf(512 << 10)).problem(507);
    assert!(p["detail"].is_string(), "{p}");
    assert_eq!(files_under(&data), 0, "no partial file");
    let d = s
        .get(&format!("/v1/applicants/{app}/documents/{doc}"), &t.editor)
        .json();
    assert!(
        d["file"].is_null(),
        "the document does not point at a file that is not there"
    );
    assert_eq!(put(&pdf(8 << 10)).status, 200, "a scan that fits is kept");
    assert_eq!(files_under(&data), 1);
}
