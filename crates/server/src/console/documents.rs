//! An applicant's documents in the console: the list with scans (images
//! previewed, PDFs opened in the browser's own viewer), the form to add one
//! with its scan (drag and drop or file picker), the page to edit one, and
//! deletion. Writes go through the same checks and ETag rules as the API.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use livegate_core::profile::{AttributeValues, ProfileDocument};
use livegate_core::{Lang, Ruleset};
use livegate_store::{Applicant, DeletedDocument, Document, StoredFile};
use maud::{Markup, html};
use serde_json::Value;

use super::applicants::short_time;
use super::form::Form;
use super::i18n::{Key, t, tf};
use super::layout::Ctx;
use super::report::{doc_name, doc_title};
use super::session::SignedIn;
use crate::{ApiError, AppState};

/// A posted document form: its fields, and the scan when one was chosen.
pub struct Posted {
    pub form: Form,
    pub file: Option<(String, Bytes)>,
}

/// Reads a `multipart/form-data` or url-encoded form.
pub(super) async fn posted(req: Request, state: &AppState) -> Result<Posted, ApiError> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !is_multipart {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        return Ok(Posted {
            form: Form::parse(&String::from_utf8_lossy(&body)),
            file: None,
        });
    }
    let mut mp = Multipart::from_request(req, state)
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let mut pairs = Vec::new();
    let mut file = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::BadRequest(e.body_text()))?;
            if !bytes.is_empty() {
                file = Some((fname, bytes));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| ApiError::BadRequest(e.body_text()))?;
            pairs.push((name, text));
        }
    }
    Ok(Posted {
        form: Form::from_pairs(pairs),
        file,
    })
}

/// The document a form describes (fields as in the wizard, without the `d.ID.` prefix).
pub(super) fn document_of(rs: &Ruleset, f: &Form) -> ProfileDocument {
    let kind = f.text("kind").unwrap_or_default();
    let attributes = rs
        .lookups
        .documents
        .get(&kind)
        .map(|k| rs.documents[k].attributes.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|a| rs.attributes[a].id.clone())
        .filter_map(|a| {
            let v = f.all(&format!("a.{a}"));
            (!v.is_empty()).then_some((a, AttributeValues(v)))
        })
        .collect();
    ProfileDocument {
        kind,
        number: f.text("number"),
        holder: f.text("holder"),
        credit_code: None,
        valid_from: f.text("valid_from"),
        valid_until: f.text("valid_until"),
        attributes,
    }
}

/// The form fields of a stored document.
pub(super) fn form_of(d: &Document) -> Form {
    let mut pairs = vec![("version".to_string(), d.version.to_string())];
    if let Some(obj) = d.document.as_object() {
        for (k, v) in obj {
            match v {
                Value::String(s)
                    if ["kind", "number", "holder", "valid_from", "valid_until"]
                        .contains(&k.as_str()) =>
                {
                    pairs.push((k.clone(), s.clone()));
                }
                Value::String(s) => pairs.push((format!("a.{k}"), s.clone())),
                Value::Array(list) => {
                    pairs.extend(
                        list.iter()
                            .filter_map(Value::as_str)
                            .map(|s| (format!("a.{k}"), s.to_string())),
                    );
                }
                _ => {}
            }
        }
    }
    Form::from_pairs(pairs)
}

pub(super) fn kind_of(d: &Document) -> String {
    d.document
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The documents section of the applicant page.
pub fn section(
    state: &AppState,
    cx: &Ctx,
    user: &SignedIn,
    a: &Applicant,
    (docs, deleted): (&[Document], &[DeletedDocument]),
    add: Option<&str>,
) -> Markup {
    let l = cx.lang;
    let rs = &state.ruleset;
    let mut blank = Form::default();
    if let Some(kind) = add.filter(|k| rs.lookups.documents.get(k).is_some()) {
        blank.set("kind", kind);
    }
    html! {
        section id="documents" aria-labelledby="documents-title" {
            h2 id="documents-title" { (t(l, Key::DocumentsTitle)) }
            @if docs.is_empty() { p { (t(l, Key::DocumentsNone)) } }
            @else {
                div.table-wrap { table.rows {
                    thead { tr {
                        th scope="col" { (t(l, Key::Document)) }
                        th scope="col" { (t(l, Key::DocNumber)) }
                        th scope="col" { (t(l, Key::DocHolder)) }
                        th scope="col" { (t(l, Key::DocValidUntil)) }
                        th scope="col" { (t(l, Key::Scan)) }
                        th scope="col" { (t(l, Key::ReviewColumn)) }
                        th scope="col" { span.visually-hidden { (t(l, Key::Actions)) } }
                    } }
                    tbody { @for d in docs { (row(cx, rs, user, a, d)) } }
                } }
            }
            @if !deleted.is_empty() { (trash(cx, rs, user, a, deleted)) }
            @if user.can_write() {
                (edit_form(l, rs, cx, &format!("/applicants/{}/documents", a.id), &blank, None, true))
            }
        }
    }
}

fn row(cx: &Ctx, rs: &Ruleset, user: &SignedIn, a: &Applicant, d: &Document) -> Markup {
    let l = cx.lang;
    let f = form_of(d);
    let base = format!("/applicants/{}/documents/{}", a.id, d.id);
    html! {
        tr id={ "doc-" (d.id) } {
            th scope="row" { (doc_title(rs, l, &kind_of(d))) }
            td data-label=(t(l, Key::DocNumber)) { (f.get("number").unwrap_or("—")) }
            td data-label=(t(l, Key::DocHolder)) { (f.get("holder").unwrap_or("—")) }
            td data-label=(t(l, Key::DocValidUntil)) { (f.get("valid_until").unwrap_or("—")) }
            td data-label=(t(l, Key::Scan)) { (scan_cell(l, &base, d.file.as_ref())) }
            td data-label=(t(l, Key::ReviewColumn)) { (super::reviews::cell(cx, rs, &a.id, d, user.can_write())) }
            td {
                @if user.can_write() {
                    @let name = doc_name(rs, l, &kind_of(d));
                    a href=(base) aria-label=(tf(l, Key::EditDocument, &[("document", &name)])) { (t(l, Key::Edit)) }
                    " "
                    a.danger-link href={ (base) "/delete?version=" (d.version) } aria-label=(tf(l, Key::DeleteDocument, &[("document", &name)])) { (t(l, Key::Delete)) }
                }
            }
        }
    }
}

/// The documents deleted in the last 24 hours, each with its undo button.
fn trash(
    cx: &Ctx,
    rs: &Ruleset,
    user: &SignedIn,
    a: &Applicant,
    deleted: &[DeletedDocument],
) -> Markup {
    let l = cx.lang;
    html! {
        div.notice id="deleted-documents" {
            h3 { (t(l, Key::DeletedDocumentsTitle)) }
            ul { @for d in deleted {
                @let name = doc_name(rs, l, &kind_of(&d.document));
                li {
                    (doc_title(rs, l, &kind_of(&d.document))) " "
                    span.hint { (tf(l, Key::DeletedAt, &[("at", &short_time(l, &d.deleted_at)), ("until", &short_time(l, &d.restorable_until))])) }
                    @if user.can_write() {
                        form.inline method="post" action={ "/applicants/" (a.id) "/documents/" (d.document.id) "/restore" } {
                            (cx.csrf())
                            button type="submit" aria-label=(tf(l, Key::RestoreDocument, &[("document", &name)])) { (t(l, Key::Restore)) }
                        }
                    }
                }
            } }
        }
    }
}

fn scan_cell(l: Lang, base: &str, file: Option<&StoredFile>) -> Markup {
    html! {
        @match file {
            None => (t(l, Key::ScanNone)),
            Some(f) => {
                @if f.content_type.starts_with("image/") {
                    a href={ (base) "/scan" } target="_blank" rel="noopener" {
                        img.thumb src={ (base) "/scan" } alt=(tf(l, Key::ScanOf, &[("name", f.name.as_deref().unwrap_or(""))])) width="96";
                    }
                } @else {
                    a href={ (base) "/scan" } target="_blank" rel="noopener" { (t(l, Key::ScanOpenPdf)) }
                }
                " " span.hint { (f.name.as_deref().unwrap_or("")) " · " (f.size / 1024) " KiB" }
            }
        }
    }
}

/// The add or edit form of a document; `new` adds the kind selector.
pub(super) fn edit_form(
    l: Lang,
    rs: &Ruleset,
    cx: &Ctx,
    action: &str,
    f: &Form,
    errors: Option<&super::wizard::Errors>,
    new: bool,
) -> Markup {
    let err = |k: &str| errors.and_then(|e| e.get(k)).cloned();
    let kind = f.get("kind").unwrap_or("");
    let attrs: Vec<usize> = if new {
        (0..rs.attributes.len()).collect()
    } else {
        rs.lookups
            .documents
            .get(kind)
            .map(|k| rs.documents[k].attributes.clone())
            .unwrap_or_default()
    };
    html! {
        form.doc-form id=[new.then_some("add-document")] method="post" action=(action) enctype="multipart/form-data" {
            (cx.csrf())
            input type="hidden" name="version" value=[f.get("version")];
            fieldset {
                legend { @if new { (t(l, Key::DocumentAdd)) } @else { (t(l, Key::DocumentEdit)) } }
                @if let Some(e) = err("") { p.error role="alert" { (e) } }
                div.field {
                    label for="kind" { (t(l, Key::DocumentKind)) }
                    select id="kind" name="kind" required disabled[!new] {
                        option value="" { (t(l, Key::ChooseDocument)) }
                        @for d in &rs.documents {
                            option value=(d.id) selected[kind == d.id] { (d.name.get(l)) }
                        }
                    }
                    @if !new { input type="hidden" name="kind" value=(kind); }
                    @if let Some(e) = err("kind") { p.error role="alert" { (e) } }
                }
                @for (name, label, kind) in [("number", t(l, Key::DocNumber), "text"), ("holder", t(l, Key::DocHolder), "text"),
                    ("valid_from", t(l, Key::DocValidFrom), "date"), ("valid_until", t(l, Key::DocValidUntil), "date")] {
                    div.field {
                        label for={ "doc-" (name) } { (label) }
                        input type=(kind) id={ "doc-" (name) } name=(name) value=[f.get(name)]
                            aria-invalid=[err(name).map(|_| "true")];
                        @if let Some(e) = err(name) { p.error role="alert" { (e) } }
                    }
                }
                @for a in attrs { (attribute(l, rs, a, f, new)) }
                div.field.drop {
                    label for="file" { (t(l, Key::ScanUpload)) }
                    input type="file" id="file" name="file" accept="application/pdf,image/png,image/jpeg";
                    p.hint { (t(l, Key::ScanHint)) }
                    @if let Some(e) = err("file") { p.error role="alert" { (e) } }
                }
                div.actions { button type="submit" { @if new { (t(l, Key::Add)) } @else { (t(l, Key::Save)) } } }
            }
        }
    }
}

pub(super) fn attribute(l: Lang, rs: &Ruleset, a: usize, f: &Form, new: bool) -> Markup {
    let attr = &rs.attributes[a];
    let name = format!("a.{}", attr.id);
    let owners: Vec<String> = rs
        .documents
        .iter()
        .filter(|d| d.attributes.contains(&a))
        .map(|d| d.name.get(l).to_string())
        .collect();
    html! {
        fieldset.sub {
            legend { (attr.name.get(l)) @if new { span.hint { " (" (tf(l, Key::AttributeFor, &[("documents", &owners.join(&super::report::rm(l, "list_sep")))])) ")" } } }
            div.choices { @for v in &attr.values {
                label.choice {
                    input type="checkbox" name=(name) value=(v.id) checked[f.has(&name, &v.id)];
                    " " (v.name.get(l))
                }
            } }
        }
    }
}
