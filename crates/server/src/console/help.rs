//! 管理员说明 (`/help/admin`): what an administrator runs on the server to
//! give staff their tokens and to keep the service. The staff's own pages
//! speak of what a person does; the commands are here, in one place.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::i18n::t;
use super::layout::{Ctx, page, respond};
use crate::AppState;

pub async fn admin(State(state): State<AppState>, cx: Ctx) -> Response {
    let l = cx.lang;
    let tasks = [
        (
            t(l, "help_tenant"),
            "livegate admin create-tenant 示例服务商",
        ),
        (
            t(l, "help_token"),
            "livegate admin create-token --tenant 示例服务商 --role editor --label 张三 --expires 90d",
        ),
        (
            t(l, "help_tokens"),
            "livegate admin list-tokens --tenant 示例服务商",
        ),
        (
            t(l, "help_revoke"),
            "livegate admin revoke-token --tenant 示例服务商 TOKEN_ID",
        ),
        (
            t(l, "help_backup"),
            "livegate admin backup --to livegate-backup.tar",
        ),
        (t(l, "help_expiring"), "livegate expiring --within 30d"),
    ];
    let body = html! {
        h1 { (t(l, "help_title")) }
        p.lead { (t(l, "help_lead")) }
        dl.help {
            @for (what, cmd) in &tasks { dt { (what) } dd { code { (cmd) } } }
        }
        p { (t(l, "help_roles")) }
    };
    respond(
        StatusCode::OK,
        page(&cx, &state.ruleset, &t(l, "help_title"), "", body),
    )
}
