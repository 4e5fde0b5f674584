//! `GET /people`: the org's people and their roles (`store::signin::people_in_org`).

use maud::html;
use rtopacks_domain::signin::Role;
use rtopacks_store::signin::people_in_org;
use rtopacks_web::components::{table, Row};
use rtopacks_web::text;

use crate::app::{store_err, App, Reply, Signed};
use crate::views;

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Owner => "Owner",
        Role::Admin => "Admin",
        Role::Member => "Member",
    }
}

pub async fn page(app: &App<'_>, s: &Signed) -> worker::Result<Reply> {
    let Some(org_id) = s.org_id() else {
        let body = views::no_org(&app.site_url());
        return Ok(Reply::Html(s.page("/people", "People", body).into_html()));
    };
    let people = people_in_org(&app.engine()?, org_id)
        .await
        .map_err(store_err)?;
    let rows: Vec<Row> = people
        .iter()
        .map(|p| {
            let you = p.user_id == s.live.user_id;
            Row::new(vec![
                html! {
                    (p.display_name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or("—"))
                    @if you { " (you)" }
                },
                html! { (p.email) },
                html! { (role_label(p.role)) },
                html! {
                    @match p.last_login_at.as_deref() {
                        Some(t) => (text::timestamp(t)),
                        None => "Never",
                    }
                },
                html! { @if p.active { "Active" } @else { "Disabled" } },
            ])
            .dim(!p.active)
        })
        .collect();
    let org_name = s.live.org_name.as_deref().unwrap_or("your organisation");
    let body = html! {
        p { (text::plural(people.len() as u64, "person", "people")) " in " (org_name) "." }
        (table("People", &["Name", "Email address", "Role", "Last signed in", "Status"], &rows))
        p.hint {
            "Colleagues join by claiming your RTO on the RTOpacks website with their work "
            "email address, or ask RTOpacks support to link them."
        }
    };
    Ok(Reply::Html(s.page("/people", "People", body).into_html()))
}
