//! Optimistic concurrency: a versioned record changes only when the caller
//! saw its current version, so a client editing a stale copy is told so
//! (HTTP 412 with the current version) instead of overwriting someone
//! else's change.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Transaction};

use crate::{Result, Store, StoreError, dup};

/// A versioned write: a statement with its values bound, which must
/// require `version = $expected`.
pub(crate) type Write<'q> = Query<'q, Any, AnyArguments<'q>>;

/// A record written under optimistic concurrency: each write bumps its
/// version, and a write names the version it was based on.
pub(crate) trait Versioned {
    fn version(&self) -> i64;
}

impl Store {
    /// The optimistic write that applicants and documents share.
    ///
    /// `read` fetches the record: a missing one is `NotFound`, and one whose
    /// version is no longer `expected` is `Conflict` with the current
    /// version. Otherwise `write` runs first in a new transaction (so on
    /// SQLite it takes the write lock before anything else happens there).
    /// `write` must itself require `version = $expected`, since another
    /// writer may come in between the read and the write; when it touches no
    /// row, the transaction is dropped and the record read again, so the
    /// caller learns the version that won (or `NotFound` if it was deleted
    /// meanwhile). `duplicate` names what a unique violation of `write`
    /// would duplicate, when one can happen.
    ///
    /// Returns the record as it was before, and the open transaction: the
    /// caller writes its audit entry (and anything else the change implies)
    /// in it and commits, so the change and its audit land together.
    pub(crate) async fn versioned_update<'q, T, R, F>(
        &self,
        read: R,
        expected: i64,
        write: Write<'q>,
        duplicate: Option<&str>,
    ) -> Result<(T, Transaction<'static, Any>)>
    where
        T: Versioned,
        R: Fn() -> F,
        F: Future<Output = Result<T>>,
    {
        let before = read().await?;
        if before.version() != expected {
            return Err(StoreError::Conflict {
                current: before.version(),
            });
        }
        let mut tx = self.pool.begin().await?;
        let done = write.execute(&mut *tx).await.map_err(|e| match duplicate {
            Some(what) => dup(e, what),
            None => e.into(),
        })?;
        if done.rows_affected() == 0 {
            drop(tx);
            let current = read().await?;
            return Err(StoreError::Conflict {
                current: current.version(),
            });
        }
        Ok((before, tx))
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::pin::Pin;

    use serde_json::json;

    use crate::{Applicant, ApplicantInput, Principal, Result, Role, Store, StoreError};

    async fn store_with_applicant(dir: &tempfile::TempDir) -> (Store, Principal, Applicant) {
        let store = Store::open(&Store::sqlite_url(&dir.path().join("t.db")))
            .await
            .expect("open");
        let tenant = store.create_tenant("t").await.expect("tenant");
        let (token_id, _) = store
            .create_token(&tenant.id, Role::Editor)
            .await
            .expect("token");
        let who = Principal {
            tenant_id: tenant.id,
            token_id,
            role: Role::Editor,
        };
        let a = store
            .create_applicant(&who, input("wx1", 1))
            .await
            .expect("applicant");
        (store, who, a)
    }

    fn input(appid: &str, n: i64) -> ApplicantInput {
        ApplicantInput {
            appid: appid.into(),
            name: None,
            profile: json!({"n": n}),
        }
    }

    fn bump<'q>(who: &'q Principal, id: &'q str, expected: i64) -> crate::versioned::Write<'q> {
        sqlx::query(
            "UPDATE applicants SET version = version + 1 WHERE tenant_id = $1 AND id = $2 AND version = $3",
        )
        .bind(&who.tenant_id)
        .bind(id)
        .bind(expected)
    }

    /// A read that first returns `a` as it was (the copy read before another
    /// writer's change), then the record as stored.
    fn stale_first<'a>(
        store: &'a Store,
        who: &'a Principal,
        a: &'a Applicant,
        reads: &'a Cell<u32>,
    ) -> impl Fn() -> Pin<Box<dyn Future<Output = Result<Applicant>> + 'a>> + 'a {
        move || {
            reads.set(reads.get() + 1);
            if reads.get() == 1 {
                Box::pin(std::future::ready(Ok(a.clone())))
            } else {
                Box::pin(store.get_applicant(&who.tenant_id, &a.id))
            }
        }
    }

    /// How many audit entries the tenant has: a refused write leaves none.
    async fn audited(store: &Store, who: &Principal) -> usize {
        store
            .list_audit(&who.tenant_id, None, 100)
            .await
            .expect("audit")
            .items
            .len()
    }

    #[tokio::test]
    async fn a_stale_version_is_a_conflict_and_a_missing_record_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let (store, who, a) = store_with_applicant(&dir).await;
        let e = store
            .update_applicant(&who, &a.id, 7, input("wx1", 2))
            .await;
        assert!(
            matches!(e, Err(StoreError::Conflict { current: 1 })),
            "{e:?}"
        );
        let e = store
            .update_applicant(&who, "app_none", 1, input("wx1", 2))
            .await;
        assert!(matches!(e, Err(StoreError::NotFound)), "{e:?}");
        let e = store.delete_applicant(&who, &a.id, 7).await;
        assert!(
            matches!(e, Err(StoreError::Conflict { current: 1 })),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn a_write_applies_once_and_is_audited_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let (store, who, a) = store_with_applicant(&dir).await;
        let before = audited(&store, &who).await;
        let b = store
            .update_applicant(&who, &a.id, 1, input("wx1", 2))
            .await
            .unwrap();
        assert_eq!(b.version, 2);
        assert_eq!(
            store
                .get_applicant(&who.tenant_id, &a.id)
                .await
                .unwrap()
                .version,
            2
        );
        assert_eq!(audited(&store, &who).await, before + 1);
        let e = store
            .update_applicant(&who, &a.id, 1, input("wx1", 3))
            .await;
        assert!(
            matches!(e, Err(StoreError::Conflict { current: 2 })),
            "{e:?}"
        );
        assert_eq!(audited(&store, &who).await, before + 1);
    }

    #[tokio::test]
    async fn a_taken_unique_value_is_a_duplicate() {
        let dir = tempfile::tempdir().unwrap();
        let (store, who, a) = store_with_applicant(&dir).await;
        store.create_applicant(&who, input("wx2", 1)).await.unwrap();
        let e = store
            .update_applicant(&who, &a.id, 1, input("wx2", 2))
            .await;
        assert!(matches!(e, Err(StoreError::Duplicate(_))), "{e:?}");
    }

    /// Another writer comes in between the read and the write: the write
    /// touches no row, and the caller learns the version that won.
    #[tokio::test]
    async fn losing_a_race_reports_the_winning_version() {
        let dir = tempfile::tempdir().unwrap();
        let (store, who, a) = store_with_applicant(&dir).await;
        store
            .update_applicant(&who, &a.id, 1, input("wx1", 2))
            .await
            .unwrap();
        let reads = Cell::new(0);
        let read = stale_first(&store, &who, &a, &reads);
        let e = store
            .versioned_update(read, 1, bump(&who, &a.id, 1), None)
            .await
            .map(|_| ());
        assert!(
            matches!(e, Err(StoreError::Conflict { current: 2 })),
            "{e:?}"
        );
        assert_eq!(reads.get(), 2);
    }

    /// The record is deleted between the read and the write: not found.
    #[tokio::test]
    async fn losing_a_race_to_a_delete_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let (store, who, a) = store_with_applicant(&dir).await;
        store.delete_applicant(&who, &a.id, 1).await.unwrap();
        let reads = Cell::new(0);
        let read = stale_first(&store, &who, &a, &reads);
        let e = store
            .versioned_update(read, 1, bump(&who, &a.id, 1), None)
            .await
            .map(|_| ());
        assert!(matches!(e, Err(StoreError::NotFound)), "{e:?}");
    }
}
