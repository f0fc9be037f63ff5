//! A scan lives exactly as long as something references it: replacing or
//! deleting a document, or deleting an applicant, removes the scans nothing
//! else references; a scan two documents share stays while one does; and
//! gc sweeps the orphans a crash can leave. On disk and in the database.

mod common;

use std::time::Duration;

use common::{Backend, Server, backends};
use livegate_server::{FileStore, Settings};
use serde_json::json;

fn pdf(n: u8) -> Vec<u8> {
    format!("%PDF-1.7\n% scan {n}\ntrailer <<>>\n%%EOF\n").into_bytes()
}

fn start(b: &Backend, file_store: FileStore) -> Server {
    Server::start_with(
        b,
        Settings {
            file_grace: Duration::ZERO,
            file_store,
            ..Settings::default()
        },
    )
}

struct Doc {
    app: String,
    id: String,
    etag: String,
}

fn new_doc(s: &Server, token: &str, app: &str) -> Doc {
    let r = s.json(
        "POST",
        &format!("/v1/applicants/{app}/documents"),
        token,
        &json!({"kind": "business_license"}),
    );
    Doc {
        app: app.into(),
        id: r.json()["id"].as_str().unwrap().into(),
        etag: r.header("etag").unwrap().into(),
    }
}

fn upload(s: &Server, token: &str, d: &mut Doc, bytes: &[u8]) {
    let r = s.call(
        "PUT",
        &format!("/v1/applicants/{}/documents/{}/file", d.app, d.id),
        Some(token),
        &[("If-Match", &d.etag)],
        bytes,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    d.etag = r.header("etag").unwrap().into();
}

fn applicant(s: &Server, token: &str, appid: &str) -> String {
    let r = s.json(
        "POST",
        "/v1/applicants",
        token,
        &json!({"appid": appid, "subject": {"type": "enterprise"}}),
    );
    r.json()["id"].as_str().unwrap().into()
}

/// Scans kept: files under the data directory, or blobs in the database.
fn kept(s: &Server, store: FileStore) -> usize {
    match store {
        FileStore::Dir => s.stored_files(),
        FileStore::Database => s.rt.block_on(s.store.blob_digests()).unwrap().len(),
    }
}

#[test]
fn replacing_and_deleting_documents_removes_the_scans_nothing_references() {
    for b in backends() {
        for store in [FileStore::Dir, FileStore::Database] {
            let s = start(&b, store);
            let t = s.tenant("acme");
            let app = applicant(&s, &t.editor, "wx00000000000000e1");
            let mut one = new_doc(&s, &t.editor, &app);
            let mut two = new_doc(&s, &t.editor, &app);
            upload(&s, &t.editor, &mut one, &pdf(1));
            upload(&s, &t.editor, &mut one, &pdf(2));
            assert_eq!(kept(&s, store), 1, "{store:?}: the replaced scan is gone");
            upload(&s, &t.editor, &mut two, &pdf(2));
            assert_eq!(kept(&s, store), 1, "two documents share one scan");
            let del = s.call(
                "DELETE",
                &format!("/v1/applicants/{app}/documents/{}", one.id),
                Some(&t.editor),
                &[("If-Match", &one.etag)],
                b"",
            );
            assert_eq!(del.status, 204);
            assert_eq!(kept(&s, store), 1, "still referenced by the other document");
            let app_etag = s
                .get(&format!("/v1/applicants/{app}"), &t.editor)
                .header("etag")
                .unwrap()
                .to_string();
            let del = s.call(
                "DELETE",
                &format!("/v1/applicants/{app}"),
                Some(&t.editor),
                &[("If-Match", &app_etag)],
                b"",
            );
            assert_eq!(del.status, 204);
            assert_eq!(
                kept(&s, store),
                0,
                "{store:?}: deleting the applicant erased its scans"
            );
        }
    }
}

#[test]
fn gc_lists_then_removes_orphans_and_leaves_referenced_scans() {
    let s = start(&Backend::Sqlite, FileStore::Dir);
    let t = s.tenant("acme");
    let app = applicant(&s, &t.editor, "wx00000000000000e2");
    let mut doc = new_doc(&s, &t.editor, &app);
    upload(&s, &t.editor, &mut doc, &pdf(3));
    // An orphan, as a crash between the row change and the removal leaves it.
    let data = s.dir.path().join("data");
    let orphan = data
        .join("files")
        .join("ab")
        .join(format!("ab{}", "0".repeat(62)));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"orphan").unwrap();
    let dry =
        s.rt.block_on(livegate_server::retention::gc(
            &s.store,
            &data,
            Duration::ZERO,
            true,
        ))
        .unwrap();
    assert_eq!(dry.len(), 1, "{dry:?}");
    assert!(orphan.exists(), "a dry run removes nothing");
    let done =
        s.rt.block_on(livegate_server::retention::gc(
            &s.store,
            &data,
            Duration::ZERO,
            false,
        ))
        .unwrap();
    assert_eq!(done, dry);
    assert!(!orphan.exists());
    assert_eq!(s.stored_files(), 1, "the referenced scan stays");
    let young =
        s.rt.block_on(livegate_server::retention::gc(
            &s.store,
            &data,
            Duration::from_secs(3600),
            false,
        ))
        .unwrap();
    assert!(young.is_empty());
}

fn delete_doc(s: &Server, token: &str, d: &Doc) {
    let path = format!("/v1/applicants/{}/documents/{}", d.app, d.id);
    let del = s.call("DELETE", &path, Some(token), &[("If-Match", &d.etag)], b"");
    assert_eq!(del.status, 204, "{}", del.text());
}

fn restore(s: &Server, token: &str, d: &Doc) -> common::Resp {
    let path = format!("/v1/applicants/{}/documents/{}/restore", d.app, d.id);
    s.call("POST", &path, Some(token), &[], b"")
}

#[test]
fn a_deleted_document_comes_back_with_its_scan_within_its_undo_window_and_only_then() {
    for b in backends() {
        for store in [FileStore::Dir, FileStore::Database] {
            let s = start(&b, store);
            let (t, other) = (s.tenant("acme"), s.tenant("globex"));
            let app = applicant(&s, &t.editor, "wx00000000000000e3");
            let mut doc = new_doc(&s, &t.editor, &app);
            upload(&s, &t.editor, &mut doc, &pdf(4));
            delete_doc(&s, &t.editor, &doc);
            let path = format!("/v1/applicants/{app}/documents/{}", doc.id);
            assert_eq!(
                s.get(&path, &t.editor).status,
                404,
                "gone from the documents"
            );
            assert_eq!(
                kept(&s, store),
                1,
                "{store:?}: the scan waits with the deleted document"
            );
            let trash = s
                .get(
                    &format!("/v1/applicants/{app}/deleted-documents"),
                    &t.viewer,
                )
                .json();
            assert_eq!(trash["items"].as_array().map(Vec::len), Some(1), "{trash}");
            assert!(
                trash["items"][0]["restorable_until"]
                    .as_str()
                    .is_some_and(|u| u > "2026")
            );
            // Nobody else brings it back.
            assert_eq!(restore(&s, &t.viewer, &doc).status, 403, "a viewer");
            assert_eq!(
                restore(&s, &other.editor, &doc).status,
                404,
                "another tenant"
            );
            let back = restore(&s, &t.editor, &doc);
            assert_eq!(back.status, 200, "{}", back.text());
            assert_eq!(
                back.json()["version"],
                3,
                "one version on from the deleted one"
            );
            assert_eq!(back.json()["file"]["size"], pdf(4).len());
            assert_eq!(s.get(&path, &t.editor).status, 200);
            assert_eq!(restore(&s, &t.editor, &doc).status, 404, "restored once");
            let trail = s.get("/v1/audit", &t.admin).json().to_string();
            assert!(trail.contains("document.restore"), "{trail}");
            // Past its window, a deleted document is purged and its scan let go.
            doc.etag = back.header("etag").unwrap().into();
            delete_doc(&s, &t.editor, &doc);
            let future = livegate_store::clock::rfc3339_after(2 * 24 * 3600);
            let scans =
                s.rt.block_on(s.store.purge_deleted_before(&future))
                    .unwrap();
            assert_eq!(scans.len(), 1);
            assert_eq!(restore(&s, &t.editor, &doc).status, 404, "past its window");
            let data = s.dir.path().join("data");
            s.rt.block_on(livegate_server::retention::gc(
                &s.store,
                &data,
                Duration::ZERO,
                false,
            ))
            .unwrap();
            assert_eq!(
                kept(&s, store),
                0,
                "{store:?}: the purged document's scan is gone"
            );
        }
    }
}

#[test]
fn deleting_an_applicant_erases_its_deleted_documents_and_their_scans() {
    for b in backends() {
        let s = start(&b, FileStore::Dir);
        let t = s.tenant("acme");
        let app = applicant(&s, &t.editor, "wx00000000000000e4");
        let mut doc = new_doc(&s, &t.editor, &app);
        upload(&s, &t.editor, &mut doc, &pdf(5));
        delete_doc(&s, &t.editor, &doc);
        let etag = s.get(&format!("/v1/applicants/{app}"), &t.editor);
        let etag = etag.header("etag").unwrap();
        let del = s.call(
            "DELETE",
            &format!("/v1/applicants/{app}"),
            Some(&t.editor),
            &[("If-Match", etag)],
            b"",
        );
        assert_eq!(del.status, 204);
        assert_eq!(
            s.stored_files(),
            0,
            "nothing of the applicant is left, in the trash either"
        );
        assert_eq!(restore(&s, &t.editor, &doc).status, 404);
    }
}
