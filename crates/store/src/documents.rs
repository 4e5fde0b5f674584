//! Workspace documents: the bytes live in R2 (`rtopacks-client-media`) under
//! [`r2_key`] `orgs/{org_id}/{document_id}`; `engine-db-oc.documents` holds their metadata.
//! Every read and delete is scoped to the caller's org, so another org's id is simply
//! not found.
//!
//! Upload order: check with [`DocumentPolicy::check`], put the object, then [`insert`]
//! the row (a failed put leaves no row; a failed insert leaves an object no row names,
//! which the caller deletes). Deletion is soft: the row is hidden and the object kept.

use chrono::{DateTime, Utc};
use rtopacks_domain::keys::sha256_hex;
use rtopacks_domain::time::iso;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::{Db, Statement, StoreError};

/// The largest upload accepted: 10 MB.
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;
/// The longest stored filename, in characters (the extension is kept when cutting).
pub const MAX_FILENAME_CHARS: usize = 200;
/// The most rows [`list`] answers (an org's document page; newest first).
pub const LIST_LIMIT: u32 = 500;

/// How a type's first bytes are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniff {
    Prefix(&'static [u8]),
    /// An Office Open XML file: a ZIP holding this top folder (`word/`, `xl/`, `ppt/`).
    OfficeZip(&'static [u8]),
    /// Text: no NUL or other control bytes but tab, line feed, form feed and carriage
    /// return (so Excel's Windows-1252 CSV passes and UTF-16 does not).
    Text,
}

/// An accepted file type: extension, the stored `Content-Type`, a name for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub extension: &'static str,
    pub content_type: &'static str,
    pub label: &'static str,
    sniff: Sniff,
}

/// The types a workspace accepts. The extension chooses the type (browsers' declared
/// types are unreliable: Windows sends CSV as `application/vnd.ms-excel`) and the first
/// bytes must agree with it.
pub const FILE_TYPES: &[FileType] = &[
    FileType {
        extension: "pdf",
        content_type: "application/pdf",
        label: "PDF",
        sniff: Sniff::Prefix(b"%PDF-"),
    },
    FileType {
        extension: "docx",
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        label: "Word",
        sniff: Sniff::OfficeZip(b"word/"),
    },
    FileType {
        extension: "xlsx",
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        label: "Excel",
        sniff: Sniff::OfficeZip(b"xl/"),
    },
    FileType {
        extension: "pptx",
        content_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        label: "PowerPoint",
        sniff: Sniff::OfficeZip(b"ppt/"),
    },
    FileType {
        extension: "csv",
        content_type: "text/csv",
        label: "CSV",
        sniff: Sniff::Text,
    },
    FileType {
        extension: "txt",
        content_type: "text/plain",
        label: "text",
        sniff: Sniff::Text,
    },
    FileType {
        extension: "png",
        content_type: "image/png",
        label: "PNG",
        sniff: Sniff::Prefix(b"\x89PNG\r\n\x1a\n"),
    },
    FileType {
        extension: "jpg",
        content_type: "image/jpeg",
        label: "JPEG",
        sniff: Sniff::Prefix(b"\xff\xd8\xff"),
    },
    FileType {
        extension: "jpeg",
        content_type: "image/jpeg",
        label: "JPEG",
        sniff: Sniff::Prefix(b"\xff\xd8\xff"),
    },
];

impl FileType {
    pub fn by_extension(ext: &str) -> Option<&'static FileType> {
        FILE_TYPES
            .iter()
            .find(|t| t.extension.eq_ignore_ascii_case(ext))
    }

    fn matches(&self, bytes: &[u8]) -> bool {
        match self.sniff {
            Sniff::Prefix(p) => bytes.starts_with(p),
            Sniff::OfficeZip(folder) => {
                bytes.starts_with(b"PK\x03\x04") && bytes.windows(folder.len()).any(|w| w == folder)
            }
            Sniff::Text => bytes
                .iter()
                .all(|&b| (b >= 0x20 && b != 0x7f) || matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)),
        }
    }
}

/// Why an upload was refused, in plain words for the form.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DocumentError {
    #[error("Choose a file to upload.")]
    NoFile,
    #[error("The file is empty. Choose a file with something in it.")]
    Empty,
    #[error("The file is larger than {max_mb} MB. Choose a smaller file.")]
    TooLarge { max_mb: u64 },
    #[error("Upload a PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), CSV, text, PNG or JPEG file.")]
    Type,
    #[error(
        "The file's contents don't match its .{extension} name. Check it is a real {label} file."
    )]
    Mismatch {
        extension: &'static str,
        label: &'static str,
    },
}

/// The upload rules: size limit and accepted types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentPolicy {
    pub max_bytes: u64,
}

impl Default for DocumentPolicy {
    fn default() -> Self {
        DocumentPolicy {
            max_bytes: MAX_DOCUMENT_BYTES,
        }
    }
}

/// A file that passed the policy: what the row records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// [`sanitise_filename`]'s result.
    pub filename: String,
    pub content_type: &'static str,
    pub size_bytes: u64,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
}

impl DocumentPolicy {
    /// Refuse what is too large, of another type, or not what its name says; before the
    /// whole body is read, check the declared length with [`check_size`](Self::check_size).
    pub fn check(&self, filename: &str, bytes: &[u8]) -> Result<Accepted, DocumentError> {
        let filename = sanitise_filename(filename);
        if filename.is_empty() {
            return Err(DocumentError::NoFile);
        }
        self.check_size(bytes.len() as u64)?;
        let ext = filename.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        let ty = FileType::by_extension(ext).ok_or(DocumentError::Type)?;
        if !ty.matches(bytes) {
            return Err(DocumentError::Mismatch {
                extension: ty.extension,
                label: ty.label,
            });
        }
        Ok(Accepted {
            filename,
            content_type: ty.content_type,
            size_bytes: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
    }

    /// The size rule alone (for a `Content-Length` seen before the body).
    pub fn check_size(&self, size: u64) -> Result<(), DocumentError> {
        if size == 0 {
            return Err(DocumentError::Empty);
        }
        if size > self.max_bytes {
            return Err(DocumentError::TooLarge {
                max_mb: self.max_bytes.div_ceil(1024 * 1024),
            });
        }
        Ok(())
    }
}

/// Characters never kept in a name: controls (line breaks would split headers),
/// bidirectional overrides (`gpj.exe` shown as `exe.jpg`) and invisible joiners.
fn is_stripped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
        )
}

/// The name as shown and stored: the last path component (browsers and tools send
/// `C:\fakepath\x.pdf`), whitespace runs (tabs and line breaks too) as one space, without
/// other control, bidi and invisible characters, no leading or trailing spaces or dots,
/// at most [`MAX_FILENAME_CHARS`] (cut before the extension). Everything else is kept verbatim (`<`, `"`, `&`, …): the
/// page escapes it and [`content_disposition`] encodes it.
pub fn sanitise_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut out = String::with_capacity(base.len());
    for c in base.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !is_stripped(c) {
            out.push(c);
        }
    }
    let name = out.trim_matches(|c| c == ' ' || c == '.');
    if name.chars().count() <= MAX_FILENAME_CHARS {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 10 => (s, Some(e)),
        _ => (name, None),
    };
    let keep = MAX_FILENAME_CHARS - ext.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(keep).collect();
    let stem = stem.trim_end_matches([' ', '.']);
    match ext {
        Some(e) => format!("{stem}.{e}"),
        None => stem.to_owned(),
    }
}

/// `Content-Disposition: attachment` for a download: an ASCII fallback `filename` (quotes,
/// backslashes and non-ASCII replaced by `_`) and the exact name as RFC 8187
/// `filename*=UTF-8''…`. Safe for any input (it is sanitised again here).
pub fn content_disposition(filename: &str) -> String {
    let name = sanitise_filename(filename);
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Where a document's bytes live in R2. Ids are `IdKind` ids (no `/`).
pub fn r2_key(org_id: &str, document_id: &str) -> String {
    format!("orgs/{org_id}/{document_id}")
}

/// A document row (not deleted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub org_id: String,
    pub uploaded_by: Option<String>,
    /// The uploader's address, when the user still exists.
    pub uploaded_by_email: Option<String>,
    pub r2_key: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub created_at: String,
}

/// A document to record: a caller-generated id (`IdKind::Document`), the org and user,
/// and the accepted file.
#[derive(Debug, Clone, Copy)]
pub struct NewDocument<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub uploaded_by: Option<&'a str>,
    pub file: &'a Accepted,
}

/// The insert of one document row (its key built here, so rows and objects agree).
pub fn insert_statement(d: &NewDocument<'_>, now: DateTime<Utc>) -> Statement {
    Statement::new(
        "INSERT INTO documents
           (id, org_id, uploaded_by, r2_key, filename, content_type, size_bytes, sha256, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .bind(d.id)
    .bind(d.org_id)
    .bind(d.uploaded_by)
    .bind(r2_key(d.org_id, d.id))
    .bind(d.file.filename.as_str())
    .bind(d.file.content_type)
    .bind(d.file.size_bytes as i64)
    .bind(d.file.sha256.as_str())
    .bind(iso(now))
}

/// Record an uploaded document. One statement.
pub async fn insert(
    engine: &impl Db,
    d: &NewDocument<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    engine.run(insert_statement(d, now)).await?;
    Ok(())
}

const SELECT: &str = "SELECT d.id AS id, d.org_id AS org_id, d.uploaded_by AS uploaded_by,
        u.email AS uploaded_by_email, d.r2_key AS r2_key, d.filename AS filename,
        d.content_type AS content_type, d.size_bytes AS size_bytes, d.sha256 AS sha256,
        d.created_at AS created_at
   FROM documents d LEFT JOIN users u ON u.id = d.uploaded_by";

/// An org's documents, newest first (at most [`LIST_LIMIT`]). One statement.
pub async fn list(engine: &impl Db, org_id: &str) -> Result<Vec<Document>, StoreError> {
    engine
        .all(
            Statement::new(format!(
                "{SELECT} WHERE d.org_id = ?1 AND d.deleted_at IS NULL
                  ORDER BY d.created_at DESC, d.id DESC LIMIT ?2"
            ))
            .bind(org_id)
            .bind(i64::from(LIST_LIMIT)),
        )
        .await
}

/// One of the org's documents; `None` when it is unknown, deleted or another org's.
pub async fn get(engine: &impl Db, org_id: &str, id: &str) -> Result<Option<Document>, StoreError> {
    engine
        .first(
            Statement::new(format!(
                "{SELECT} WHERE d.org_id = ?1 AND d.id = ?2 AND d.deleted_at IS NULL"
            ))
            .bind(org_id)
            .bind(id),
        )
        .await
}

/// Hide one of the org's documents. False when unknown, already deleted or another org's.
pub async fn soft_delete(
    engine: &impl Db,
    org_id: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let meta = engine
        .run(
            Statement::new(
                "UPDATE documents SET deleted_at = ?3
                  WHERE org_id = ?1 AND id = ?2 AND deleted_at IS NULL",
            )
            .bind(org_id)
            .bind(id)
            .bind(iso(now)),
        )
        .await?;
    Ok(meta.changes == 1)
}
