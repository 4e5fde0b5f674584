//! The org's documents: metadata in `engine-db-oc.documents`, bytes in R2
//! `rtopacks-client-media` under `orgs/{org_id}/{document_id}` (`store::documents`).
//! Every read and delete is scoped to the visitor's org: another org's id is a 404.
//!
//! Upload: the declared length is checked before the body is read, then the file's size,
//! type and first bytes (`DocumentPolicy`); only an accepted file is put in R2, then its
//! row is written (a failed insert removes the object again). A refused file gets the
//! form back with the reason in plain words and nothing written.
//!
//! Delete: the row is soft-deleted (who uploaded what, and when it was deleted, stay on
//! record) and the bytes are removed from R2: a deleted file is no longer held.

use maud::{html, Markup};
use rtopacks_domain::signin::{random_id, IdKind};
use rtopacks_store::documents::{
    self, content_disposition, r2_key, Document, DocumentError, DocumentPolicy, NewDocument,
    FILE_TYPES,
};
use rtopacks_web::components::{submit, table, upload_form, Field, FormErrors, Row};
use rtopacks_web::csrf;
use rtopacks_web::{text, Html, Notice};
use serde::Deserialize;
use worker::{console_error, FormEntry, Headers, HttpMetadata, Request, Response};

use crate::app::{content_length, store_err, App, Reply, Signed, CLIENT_MEDIA};
use crate::views;

/// What a multipart body carries besides the file (boundaries, part headers, the CSRF
/// field): a body declaring more than the file limit plus this is refused unread.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The form's file field.
const FIELD: &str = "document";

#[derive(Debug, Default, Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

fn accept() -> String {
    FILE_TYPES
        .iter()
        .map(|t| format!(".{}", t.extension))
        .collect::<Vec<_>>()
        .join(",")
}

fn type_label(d: &Document) -> &'static str {
    FILE_TYPES
        .iter()
        .find(|t| Some(t.content_type) == d.content_type.as_deref())
        .map(|t| t.label)
        .unwrap_or("File")
}

/// A document id as [`random_id`] makes them; anything else is not found without a query.
fn is_document_id(id: &str) -> bool {
    id.strip_prefix("doc_")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn no_org_page(app: &App<'_>, s: &Signed) -> Html {
    let body = html! {
        p { "Documents belong to an organisation." }
        (views::no_org(&app.site_url()))
    };
    s.page("/documents", "Documents", body).into_html()
}

/// `GET /documents`.
pub async fn list(app: &App<'_>, s: &Signed) -> worker::Result<Reply> {
    let notice = if app.visit.query.get("uploaded").is_some() {
        Some(Notice::success("Your file was uploaded."))
    } else if app.visit.query.get("deleted").is_some() {
        Some(Notice::success("The file was deleted."))
    } else {
        None
    };
    Ok(Reply::Html(
        render(app, s, &FormErrors::new(), notice, 200).await?,
    ))
}

async fn render(
    app: &App<'_>,
    s: &Signed,
    errors: &FormErrors,
    notice: Option<Notice>,
    status: u16,
) -> worker::Result<Html> {
    let Some(org_id) = s.org_id() else {
        return Ok(no_org_page(app, s).with_status(status));
    };
    let docs = documents::list(&app.engine()?, org_id)
        .await
        .map_err(store_err)?;
    let policy = DocumentPolicy::default();
    let limit = text::bytes(policy.max_bytes);
    let rows: Vec<Row> = docs.iter().map(|d| row(s, d)).collect();
    let body = html! {
        h2 { "Upload a file" }
        (errors.summary())
        (upload_form("/documents", &s.csrf("/documents"), html! {
            (Field::new(FIELD, "File")
                .hint(&format!("PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), CSV, text, PNG or JPEG, up to {limit}."))
                .errors(errors)
                .required()
                .file(&accept()))
            (submit("Upload"))
        }))
        h2 { "Your organisation's files" }
        @if rows.is_empty() {
            p.empty { "No files yet." }
        } @else {
            (table("Files", &["File", "Type", "Size", "Uploaded", "Actions"], &rows))
        }
    };
    let mut page = s.page("/documents", "Documents", body);
    if let Some(n) = notice {
        page = page.notice(n);
    }
    Ok(page.into_html().with_status(status))
}

fn row(s: &Signed, d: &Document) -> Row {
    let action = format!("/documents/{}/delete", d.id);
    let delete: Markup = html! {
        form method="post" action=(action) {
            (rtopacks_web::components::csrf_field(&s.csrf(&action)))
            // The name says which file; aria-label, not a hidden span, because an
            // absolutely placed span inside the scrolling table widens a narrow page.
            button.button.button-danger type="submit" aria-label={ "Delete " (d.filename) } { "Delete" }
        }
    };
    Row::new(vec![
        html! { a href={ "/documents/" (d.id) } download { (d.filename) } },
        html! { (type_label(d)) },
        html! { (d.size_bytes.map(|n| text::bytes(n.max(0) as u64)).unwrap_or_default()) },
        html! {
            (text::date(&d.created_at))
            @if let Some(by) = &d.uploaded_by_email { br; span.hint { "by " (by) } }
        },
        delete,
    ])
}

/// The form again with `error` against the file field.
async fn refused(app: &App<'_>, s: &Signed, error: &str, status: u16) -> worker::Result<Reply> {
    let mut errors = FormErrors::new();
    errors.add(FIELD, error);
    Ok(Reply::Html(render(app, s, &errors, None, status).await?))
}

/// `POST /documents` (multipart): check, store, record.
pub async fn upload(app: &App<'_>, req: &mut Request) -> worker::Result<Reply> {
    let s = match app.require_session().await? {
        Ok(s) => s,
        Err(redirect) => return Ok(Reply::Html(redirect)),
    };
    let Some(org_id) = s.org_id().map(str::to_owned) else {
        return Ok(Reply::Html(no_org_page(app, &s).with_status(403)));
    };
    let policy = DocumentPolicy::default();
    if content_length(req).is_some_and(|n| n > policy.max_bytes + MULTIPART_OVERHEAD) {
        // Refused unread, so there is no token to check yet: nothing is written, but a
        // cross-site post still gets the CSRF page rather than the form.
        if let Err(e) = csrf::check_origin(
            app.visit.sec_fetch_site.as_deref(),
            app.visit.origin.as_deref(),
            &app.origin,
        ) {
            return Ok(Reply::Html(views::forbidden(
                &app.visit.path,
                &e.to_string(),
            )));
        }
        let e = DocumentError::TooLarge {
            max_mb: policy.max_bytes.div_ceil(1024 * 1024),
        };
        return refused(app, &s, &e.to_string(), 413).await;
    }
    let form = match req.form_data().await {
        Ok(f) => f,
        Err(e) => {
            console_error!("workspace: upload form not read: {e}");
            return Ok(Reply::Html(views::message(
                &app.visit.path,
                400,
                "Form not accepted",
                "This form could not be read. Reload the page and try again.",
            )));
        }
    };
    let token = form.get_field(csrf::FIELD);
    if let Err(refused) = app.check_post(Some(s.session_id()), token.as_deref())? {
        return Ok(Reply::Html(refused));
    }
    let file = match form.get(FIELD) {
        Some(FormEntry::File(f)) if !f.name().trim().is_empty() => f,
        _ => return refused(app, &s, &DocumentError::NoFile.to_string(), 400).await,
    };
    if let Err(e) = policy.check_size(file.size() as u64) {
        let status = if matches!(e, DocumentError::TooLarge { .. }) {
            413
        } else {
            400
        };
        return refused(app, &s, &e.to_string(), status).await;
    }
    let bytes = file.bytes().await?;
    let accepted = match policy.check(&file.name(), &bytes) {
        Ok(a) => a,
        Err(e) => {
            let status = if matches!(e, DocumentError::TooLarge { .. }) {
                413
            } else {
                400
            };
            return refused(app, &s, &e.to_string(), status).await;
        }
    };

    let id = random_id(IdKind::Document).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let key = r2_key(&org_id, &id);
    let bucket = app.env.bucket(CLIENT_MEDIA)?;
    bucket
        .put(key.clone(), bytes)
        .http_metadata(HttpMetadata {
            content_type: Some(accepted.content_type.to_owned()),
            ..Default::default()
        })
        .execute()
        .await?;
    let row = NewDocument {
        id: &id,
        org_id: &org_id,
        uploaded_by: Some(&s.live.user_id),
        file: &accepted,
    };
    if let Err(e) = documents::insert(&app.engine()?, &row, app.now).await {
        // No row names the object: remove it so nothing is held unrecorded.
        if let Err(d) = bucket.delete(key).await {
            console_error!("workspace: upload cleanup of {id}: {d}");
        }
        return Err(store_err(e));
    }
    Ok(Reply::Html(
        Html::redirect_see_other("/documents?uploaded=1").no_store(),
    ))
}

/// `GET /documents/{id}`: the file as an attachment.
pub async fn download(app: &App<'_>, s: &Signed, id: &str) -> worker::Result<Reply> {
    let not_found = || Ok(Reply::Html(views::not_found(&app.visit.path)));
    let Some(org_id) = s.org_id() else {
        return not_found();
    };
    if !is_document_id(id) {
        return not_found();
    }
    let Some(doc) = documents::get(&app.engine()?, org_id, id)
        .await
        .map_err(store_err)?
    else {
        return not_found();
    };
    let Some(object) = app
        .env
        .bucket(CLIENT_MEDIA)?
        .get(&doc.r2_key)
        .execute()
        .await?
    else {
        console_error!(
            "workspace: document {} has no object at {}",
            doc.id,
            doc.r2_key
        );
        return not_found();
    };
    let headers = Headers::new();
    let content_type = doc
        .content_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    for (name, value) in [
        ("Content-Type", content_type.as_str()),
        ("Content-Disposition", &content_disposition(&doc.filename)),
        ("Content-Length", &object.size().to_string()),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "private, no-store"),
        // Never rendered as a page of this origin, even if opened in a tab.
        ("Content-Security-Policy", "default-src 'none'; sandbox"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
    ] {
        headers.set(name, value)?;
    }
    let res = if app.visit.is_head() {
        Response::empty()?
    } else {
        match object.body() {
            Some(body) => Response::from_body(body.response_body()?)?,
            None => Response::empty()?,
        }
    };
    Ok(Reply::Raw(res.with_headers(headers)))
}

/// `POST /documents/{id}/delete`.
pub async fn delete(app: &App<'_>, req: &mut Request, id: &str) -> worker::Result<Reply> {
    let s = match app.require_session().await? {
        Ok(s) => s,
        Err(redirect) => return Ok(Reply::Html(redirect)),
    };
    let form: CsrfOnly = match app.read_form(req).await? {
        Ok(f) => f,
        Err(refused) => return Ok(Reply::Html(refused)),
    };
    if let Err(refused) = app.check_post(Some(s.session_id()), Some(&form.csrf))? {
        return Ok(Reply::Html(refused));
    }
    let not_found = || Ok(Reply::Html(views::not_found(&app.visit.path)));
    let Some(org_id) = s.org_id() else {
        return not_found();
    };
    if !is_document_id(id) {
        return not_found();
    }
    let engine = app.engine()?;
    let Some(doc) = documents::get(&engine, org_id, id)
        .await
        .map_err(store_err)?
    else {
        return not_found();
    };
    if !documents::soft_delete(&engine, org_id, id, app.now)
        .await
        .map_err(store_err)?
    {
        return not_found();
    }
    if let Err(e) = app
        .env
        .bucket(CLIENT_MEDIA)?
        .delete(doc.r2_key.clone())
        .await
    {
        // The row is already hidden; the object is logged for removal by hand.
        console_error!("workspace: R2 delete of {} failed: {e}", doc.r2_key);
    }
    Ok(Reply::Html(
        Html::redirect_see_other("/documents?deleted=1").no_store(),
    ))
}
