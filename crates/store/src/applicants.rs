//! Applicants: one mini-program each (its appid) and the profile it is
//! checked against. Updates and deletes are optimistic, through
//! [`Store::versioned_update`].

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{Target, audit};
use crate::{
    Page, Principal, Result, Store, StoreError, Versioned, clock, dup, json_text, page, parse_json,
};

#[derive(Debug, Clone, Serialize)]
pub struct Applicant {
    pub id: String,
    pub version: i64,
    pub appid: String,
    pub name: Option<String>,
    /// The profile without documents.
    pub profile: Value,
    pub created_at: String,
    pub updated_at: String,
}

/// What a caller writes of an applicant.
#[derive(Debug, Clone)]
pub struct ApplicantInput {
    pub appid: String,
    pub name: Option<String>,
    pub profile: Value,
}

impl Versioned for Applicant {
    fn version(&self) -> i64 {
        self.version
    }
}

/// An applicant from a row of the columns `get_applicant` selects.
pub(crate) fn applicant_row(r: &AnyRow) -> Result<Applicant> {
    Ok(Applicant {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        appid: r.try_get("appid")?,
        name: r.try_get("name")?,
        profile: parse_json(&r.try_get::<String, _>("profile")?),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The subject's name of a profile, `""` when it has none.
pub(crate) fn subject_name(profile: &Value) -> String {
    profile["subject"]["name"]
        .as_str()
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The key the list sorts names by: the name a person reads (its own,
/// else the subject's, else the AppID) with each Chinese character in
/// pinyin and the rest in lower case, so 北京… sorts before 上海… and
/// 深圳… (拼音排序).
pub(crate) fn sort_name(name: Option<&str>, profile: &Value, appid: &str) -> String {
    use pinyin::ToPinyin;
    let subject = subject_name(profile);
    let shown = [name.unwrap_or("").trim(), subject.as_str(), appid]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let mut key = String::with_capacity(shown.len() * 2);
    for c in shown.chars() {
        match c.to_pinyin() {
            Some(p) => {
                if !key.is_empty() && !key.ends_with(' ') {
                    key.push(' ');
                }
                key.push_str(p.plain());
                key.push(' ');
            }
            None => key.extend(c.to_lowercase()),
        }
    }
    // No space at the ends: the list's cursor carries the key through a
    // form, which trims its values.
    key.trim().to_string()
}

impl Store {
    /// Fills `subject_name` and `sort_name` of the applicants stored before
    /// they existed, a thousand at a time; nothing to do once all are filled.
    pub(crate) async fn fill_subject_names(&self) -> Result<()> {
        loop {
            let rows = sqlx::query(
                "SELECT tenant_id, id, appid, name, profile FROM applicants \
                 WHERE subject_name IS NULL OR sort_name IS NULL LIMIT 1000",
            )
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                return Ok(());
            }
            let mut tx = self.pool.begin().await?;
            for r in &rows {
                let profile = parse_json(&r.try_get::<String, _>("profile")?);
                let name: Option<String> = r.try_get("name")?;
                let appid: String = r.try_get("appid")?;
                sqlx::query(
                    "UPDATE applicants SET subject_name = $1, sort_name = $2 WHERE tenant_id = $3 AND id = $4",
                )
                .bind(subject_name(&profile))
                .bind(sort_name(name.as_deref(), &profile, &appid))
                .bind(r.try_get::<String, _>("tenant_id")?)
                .bind(r.try_get::<String, _>("id")?)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
    }

    pub async fn create_applicant(
        &self,
        who: &Principal,
        input: ApplicantInput,
    ) -> Result<Applicant> {
        let now = clock::now_rfc3339();
        let a = Applicant {
            id: clock::new_id("app"),
            version: 1,
            appid: input.appid,
            name: input.name,
            profile: input.profile,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO applicants (id, tenant_id, appid, name, profile, version, created_at, updated_at, subject_name, sort_name) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&a.id)
        .bind(&who.tenant_id)
        .bind(&a.appid)
        .bind(&a.name)
        .bind(json_text(&a.profile))
        .bind(a.version)
        .bind(&a.created_at)
        .bind(&a.updated_at)
        .bind(subject_name(&a.profile))
        .bind(sort_name(a.name.as_deref(), &a.profile, &a.appid))
        .execute(&mut *tx)
        .await
        .map_err(|e| dup(e, &format!("applicant with appid `{}`", a.appid)))?;
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "applicant.create",
            Target {
                id: &a.id,
                applicant: Some(&a.id),
            },
            &Value::Null,
            &a.profile,
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    pub async fn get_applicant(&self, tenant_id: &str, id: &str) -> Result<Applicant> {
        let row = sqlx::query(
            "SELECT id, version, appid, name, profile, created_at, updated_at FROM applicants \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        applicant_row(&row)
    }

    pub async fn list_applicants(
        &self,
        tenant_id: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<Applicant>> {
        let rows = sqlx::query(
            "SELECT id, version, appid, name, profile, created_at, updated_at FROM applicants \
             WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(tenant_id)
        .bind(cursor.unwrap_or(""))
        .bind(limit as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(applicant_row).collect::<Result<Vec<_>>>()?;
        Ok(page(items, limit, |a| &a.id))
    }

    /// Replaces an applicant if its version is still `expected`.
    pub async fn update_applicant(
        &self,
        who: &Principal,
        id: &str,
        expected: i64,
        input: ApplicantInput,
    ) -> Result<Applicant> {
        let now = clock::now_rfc3339();
        let write = sqlx::query(
            "UPDATE applicants SET appid = $1, name = $2, profile = $3, version = version + 1, updated_at = $4, \
             subject_name = $8, sort_name = $9 WHERE tenant_id = $5 AND id = $6 AND version = $7",
        )
        .bind(&input.appid)
        .bind(&input.name)
        .bind(json_text(&input.profile))
        .bind(&now)
        .bind(&who.tenant_id)
        .bind(id)
        .bind(expected)
        .bind(subject_name(&input.profile))
        .bind(sort_name(input.name.as_deref(), &input.profile, &input.appid));
        let taken = format!("applicant with appid `{}`", input.appid);
        let (before, mut tx) = self
            .versioned_update(
                || self.get_applicant(&who.tenant_id, id),
                expected,
                write,
                Some(&taken),
            )
            .await?;
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "applicant.update",
            Target {
                id,
                applicant: Some(id),
            },
            &before.profile,
            &input.profile,
        )
        .await?;
        tx.commit().await?;
        Ok(Applicant {
            id: id.to_string(),
            version: expected + 1,
            appid: input.appid,
            name: input.name,
            profile: input.profile,
            created_at: before.created_at,
            updated_at: now,
        })
    }

    /// Deletes an applicant, its documents and its evaluation history, if its
    /// version is still `expected`. Uploaded files stay: they are content-addressed
    /// and may be shared.
    pub async fn delete_applicant(&self, who: &Principal, id: &str, expected: i64) -> Result<()> {
        // Bumping the version is the versioned write: it claims the
        // applicant (and SQLite's write lock) before the deletes below.
        let bump = sqlx::query(
            "UPDATE applicants SET version = version + 1 WHERE tenant_id = $1 AND id = $2 AND version = $3",
        )
        .bind(&who.tenant_id)
        .bind(id)
        .bind(expected);
        let (before, mut tx) = self
            .versioned_update(
                || self.get_applicant(&who.tenant_id, id),
                expected,
                bump,
                None,
            )
            .await?;
        for sql in [
            "DELETE FROM documents WHERE tenant_id = $1 AND applicant_id = $2",
            "DELETE FROM deleted_documents WHERE tenant_id = $1 AND applicant_id = $2",
            "DELETE FROM upload_links WHERE tenant_id = $1 AND applicant_id = $2",
            "DELETE FROM wechat_events WHERE tenant_id = $1 AND applicant_id = $2",
            "DELETE FROM evaluations WHERE tenant_id = $1 AND applicant_id = $2",
            "DELETE FROM applicants WHERE tenant_id = $1 AND id = $2",
        ] {
            sqlx::query(sql)
                .bind(&who.tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            &who.tenant_id,
            Some(&who.token_id),
            "applicant.delete",
            Target {
                id,
                applicant: Some(id),
            },
            &before.profile,
            &Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{ApplicantFilter, ApplicantInput, Principal, Role, Store};

    async fn open(path: &std::path::Path) -> Store {
        Store::open(&Store::sqlite_url(path)).await.expect("open")
    }

    /// A store with one tenant and an editor of it.
    async fn with_editor(path: &std::path::Path) -> (Store, crate::Tenant, Principal) {
        let store = open(path).await;
        let tenant = store.create_tenant("t").await.expect("tenant");
        let (token_id, _) = store
            .create_token(&tenant.id, Role::Editor)
            .await
            .expect("token");
        let who = Principal {
            tenant_id: tenant.id.clone(),
            token_id,
            role: Role::Editor,
        };
        (store, tenant, who)
    }

    #[tokio::test]
    async fn rows_from_before_the_subject_name_column_are_filled_in_once_on_start() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.db");
        let (store, tenant, who) = with_editor(&path).await;
        for (appid, name) in [("wx1", Some("深圳市示例科技有限公司")), ("wx2", None)] {
            let profile = json!({"subject": {"type": "enterprise", "name": name}});
            let input = ApplicantInput {
                appid: appid.into(),
                name: None,
                profile,
            };
            store
                .create_applicant(&who, input)
                .await
                .expect("applicant");
        }
        // As a database migrated from before the column holds them.
        sqlx::query("UPDATE applicants SET subject_name = NULL")
            .execute(&store.pool)
            .await
            .expect("unset");
        drop(store);
        let store = open(&path).await;
        let filter = |text: &str| ApplicantFilter {
            text: Some(text.into()),
            today: "2026-12-03".into(),
            ..Default::default()
        };
        let found = store
            .search_applicants(&tenant.id, &filter("示例科技"), None, 10)
            .await
            .expect("search");
        assert_eq!(found.items.len(), 1);
        assert_eq!(found.items[0].applicant.appid, "wx1");
        let left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM applicants WHERE subject_name IS NULL")
                .fetch_one(&store.pool)
                .await
                .expect("count");
        assert_eq!(
            left, 0,
            "a row without a subject name is filled with '' and not read again"
        );
    }

    #[test]
    fn names_sort_by_pinyin_and_the_rest_in_lower_case() {
        let none = json!({});
        let key = |name: &str| super::sort_name(Some(name), &none, "wx0");
        assert_eq!(key("深圳市"), "shen zhen shi");
        assert_eq!(key("ACME 商城"), "acme shang cheng");
        assert_eq!(key("A商城"), "a shang cheng");
        let mut names = ["深圳市示例科技", "北京示例", "上海示例", "阿里示例", "Zeta"];
        names.sort_by_key(|n| key(n));
        assert_eq!(
            names,
            ["阿里示例", "北京示例", "上海示例", "深圳市示例科技", "Zeta"]
        );
        let subject = json!({"subject": {"name": "广州"}});
        assert_eq!(super::sort_name(None, &subject, "wx1"), "guang zhou");
        assert_eq!(
            super::sort_name(Some(" "), &none, "WX1"),
            "wx1",
            "the AppID last"
        );
    }

    #[tokio::test]
    async fn the_list_by_name_is_in_pinyin_order_rows_from_before_included() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.db");
        let (store, tenant, who) = with_editor(&path).await;
        for (appid, name) in [
            ("wx1", "深圳示例"),
            ("wx2", "北京示例"),
            ("wx3", "上海示例"),
        ] {
            let input = ApplicantInput {
                appid: appid.into(),
                name: Some(name.into()),
                profile: json!({"subject": {"type": "enterprise"}}),
            };
            store
                .create_applicant(&who, input)
                .await
                .expect("applicant");
        }
        sqlx::query("UPDATE applicants SET sort_name = NULL WHERE appid = 'wx2'")
            .execute(&store.pool)
            .await
            .expect("as before the column");
        drop(store);
        let store = open(&path).await;
        let filter = ApplicantFilter {
            sort: crate::ApplicantSort::Name,
            today: "2026-12-03".into(),
            ..Default::default()
        };
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store
                .search_applicants(&tenant.id, &filter, cursor.as_deref(), 1)
                .await
                .expect("page");
            seen.extend(page.items.iter().map(|s| s.applicant.appid.clone()));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(
            seen,
            ["wx2", "wx3", "wx1"],
            "北京, 上海, 深圳, a page at a time"
        );
    }
}
