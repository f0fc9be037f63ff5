//! 管理员说明 (`/help/admin`): what an administrator runs on the server to
//! give staff their tokens and to keep the service. The staff's own pages
//! speak of what a person does; the commands are here, in one place.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::i18n::{Key, t};
use super::layout::{Ctx, page, respond};
use crate::AppState;

pub async fn admin(State(state): State<AppState>, cx: Ctx) -> Response {
    let l = cx.lang;
    let tasks = [
        (
            t(l, Key::HelpTenant),
            "livegate admin create-tenant 示例服务商",
        ),
        (
            t(l, Key::HelpToken),
            "livegate admin create-token --tenant 示例服务商 --role editor --label 张三 --expires 90d",
        ),
        (
            t(l, Key::HelpTokens),
            "livegate admin list-tokens --tenant 示例服务商",
        ),
        (
            t(l, Key::HelpRevoke),
            "livegate admin revoke-token --tenant 示例服务商 TOKEN_ID",
        ),
        (
            t(l, Key::HelpBackup),
            "livegate admin backup --to livegate-backup.tar",
        ),
        (t(l, Key::HelpExpiring), "livegate expiring --within 30d"),
    ];
    let body = html! {
        h1 { (t(l, Key::HelpTitle)) }
        p.lead { (t(l, Key::HelpLead)) }
        dl.help {
            @for (what, cmd) in &tasks { dt { (what) } dd { code { (cmd) } } }
        }
        p { (t(l, Key::HelpRoles)) }
    };
    respond(
        StatusCode::OK,
        page(&cx, &state.ruleset, &t(l, Key::HelpTitle), "", body),
    )
}
