//! A scan lives exactly as long as something references it. Replacing or
//! deleting a document, or deleting an applicant, releases the scans it
//! referenced: those no document of any tenant references any more are
//! removed (scans are content-addressed, so two documents can share one).
//! The files themselves are [`livegate_store::scans`]'s, which the CLI
//! shares.

pub use livegate_store::scans::{gc, release_in};
use livegate_store::{Document, Principal, StoredFile};

use crate::{ApiError, AppState};

/// Releases scans that a change may have left unreferenced. Failures are
/// logged, not returned: the change itself is done, and gc finishes the job.
pub async fn release(state: &AppState, shas: &[String]) {
    let (dir, grace) = (&state.settings.data_dir, state.settings.file_grace);
    release_in(&state.store, dir, grace, shas).await;
}

/// Deletes a document if its version is still `expected` (restorable for
/// [`livegate_store::UNDO_WINDOW`]), and releases the scans of documents
/// deleted longer ago than that.
pub async fn delete_document(
    state: &AppState,
    who: &Principal,
    app: &str,
    doc: &str,
    expected: i64,
) -> Result<(), ApiError> {
    let scan = state
        .store
        .get_document(&who.tenant_id, app, doc)
        .await?
        .file;
    state.store.delete_document(who, app, doc, expected).await?;
    // The deleted document keeps its scan while it can be restored; those
    // whose undo window has passed let go of theirs now.
    let mut scans: Vec<String> = scan.into_iter().map(|f| f.sha256).collect();
    match state.store.purge_deleted_documents().await {
        Ok(expired) => scans.extend(expired),
        Err(e) => tracing::warn!(error = %e, "purging deleted documents"),
    }
    release(state, &scans).await;
    Ok(())
}

/// Deletes an applicant at version `expected` with its documents and
/// history, then releases the scans nothing else references.
pub async fn delete_applicant(
    state: &AppState,
    who: &Principal,
    id: &str,
    expected: i64,
) -> Result<(), ApiError> {
    let scans = state.store.applicant_files(&who.tenant_id, id).await?;
    state.store.delete_applicant(who, id, expected).await?;
    release(state, &scans).await;
    Ok(())
}

/// Attaches a scan to a document at version `expected`, then releases the
/// scan it replaced (`previous`).
pub async fn attach_file(
    state: &AppState,
    who: &Principal,
    (app, doc): (&str, &str),
    expected: i64,
    file: StoredFile,
    previous: Option<StoredFile>,
) -> Result<Document, ApiError> {
    let d = state
        .store
        .attach_file(who, app, doc, expected, file)
        .await?;
    let replaced: Vec<String> = previous.into_iter().map(|f| f.sha256).collect();
    release(state, &replaced).await;
    Ok(d)
}
