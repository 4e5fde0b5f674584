//! Document metadata against the real engine-db-oc migration, and the upload policy.

use chrono::{DateTime, Utc};
use futures::executor::block_on;
use rtopacks_domain::keys::sha256_hex;
use rtopacks_domain::time::parse_iso;
use rtopacks_store::documents::*;
use rtopacks_store::sqlite::SqliteDb;

const T0: &str = "2026-11-24T10:00:00Z";
const HOSTILE: &str = "<img src=x onerror=alert(1)> \"quoted\" & 'single'.pdf";

fn at(s: &str) -> DateTime<Utc> {
    parse_iso(s).unwrap()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n".to_vec()
}

fn docx() -> Vec<u8> {
    let mut b = b"PK\x03\x04\x14\x00\x00\x00".to_vec();
    b.extend_from_slice(b"[Content_Types].xml....word/document.xml....");
    b
}

fn engine() -> SqliteDb {
    let db = SqliteDb::migrated("engine-db-oc").unwrap();
    db.connection()
        .execute_batch(
            "INSERT INTO orgs (id, name, rto_code, created_at) VALUES
               ('org_a', 'A', '90001', '2026-01-01T00:00:00Z'),
               ('org_b', 'B', '90002', '2026-01-01T00:00:00Z');
             INSERT INTO users (id, email, org_id, created_at) VALUES
               ('usr_a', 'a@a.edu.au', 'org_a', '2026-01-01T00:00:00Z'),
               ('usr_b', 'b@b.edu.au', 'org_b', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
    db
}

fn upload(db: &SqliteDb, org: &str, user: &str, id: &str, name: &str, bytes: &[u8], now: &str) {
    let file = DocumentPolicy::default().check(name, bytes).unwrap();
    let d = NewDocument {
        id,
        org_id: org,
        uploaded_by: Some(user),
        file: &file,
    };
    block_on(insert(db, &d, at(now))).unwrap();
}

#[test]
fn the_policy_accepts_the_listed_types_by_name_and_content() {
    let p = DocumentPolicy::default();
    let a = p.check("C:\\fakepath\\Scope Report.PDF", &pdf()).unwrap();
    assert_eq!(
        a,
        Accepted {
            filename: "Scope Report.PDF".into(),
            content_type: "application/pdf",
            size_bytes: pdf().len() as u64,
            sha256: sha256_hex(&pdf()),
        }
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let jpeg = b"\xff\xd8\xff\xe0\0\x10JFIF".to_vec();
    let mut xlsx = b"PK\x03\x04".to_vec();
    xlsx.extend_from_slice(b"....xl/workbook.xml");
    let mut pptx = b"PK\x03\x04".to_vec();
    pptx.extend_from_slice(b"....ppt/presentation.xml");
    // Excel's Windows CSV is Windows-1252, not UTF-8: still text.
    let csv = b"code,title\r\nBSB50420,Diploma of Leadership \x96 caf\xe9\r\n".to_vec();
    for (name, bytes, ty) in [
        (
            "a.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "a.xlsx",
            xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "a.pptx",
            pptx,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("a.csv", csv, "text/csv"),
        (
            "notes.txt",
            "Ünïcödé notes\n\tindented\n".as_bytes().to_vec(),
            "text/plain",
        ),
        ("a.png", png, "image/png"),
        ("a.jpg", jpeg.clone(), "image/jpeg"),
        ("a.JPEG", jpeg, "image/jpeg"),
    ] {
        assert_eq!(
            p.check(name, &bytes).map(|a| a.content_type),
            Ok(ty),
            "{name}"
        );
    }
}

#[test]
fn the_policy_refuses_in_plain_words() {
    let p = DocumentPolicy::default();
    assert_eq!(p.check("", &pdf()), Err(DocumentError::NoFile));
    assert_eq!(p.check("a.pdf", b""), Err(DocumentError::Empty));
    let big = vec![b'a'; MAX_DOCUMENT_BYTES as usize + 1];
    assert_eq!(
        p.check("a.txt", &big),
        Err(DocumentError::TooLarge { max_mb: 10 })
    );
    let exactly = vec![b'a'; MAX_DOCUMENT_BYTES as usize];
    assert!(
        p.check("a.txt", &exactly).is_ok(),
        "10 MB exactly is allowed"
    );
    assert_eq!(
        p.check_size(MAX_DOCUMENT_BYTES + 1),
        Err(DocumentError::TooLarge { max_mb: 10 })
    );
    for name in [
        "run.exe",
        "page.html",
        "image.svg",
        "noext",
        "archive.zip",
        "a.pdf.exe",
        ".pdf",
    ] {
        assert!(
            matches!(
                p.check(name, &pdf()),
                Err(DocumentError::Type | DocumentError::NoFile)
            ),
            "{name}"
        );
    }
    // The name must tell the truth about the bytes.
    assert_eq!(
        p.check("invoice.pdf", b"MZ\x90\0 not a pdf"),
        Err(DocumentError::Mismatch {
            extension: "pdf",
            label: "PDF"
        })
    );
    assert!(matches!(
        p.check("a.docx", &pdf()),
        Err(DocumentError::Mismatch { .. })
    ));
    // A ZIP that is not a Word document is not a .docx.
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(b"....xl/workbook.xml");
    assert!(matches!(
        p.check("a.docx", &zip),
        Err(DocumentError::Mismatch { .. })
    ));
    // UTF-16 and binary are not text.
    assert!(matches!(
        p.check("a.csv", b"\xff\xfea\0,\0b\0"),
        Err(DocumentError::Mismatch { .. })
    ));
    assert!(matches!(
        p.check("a.txt", b"abc\x00def"),
        Err(DocumentError::Mismatch { .. })
    ));
    assert_eq!(
        DocumentError::TooLarge { max_mb: 10 }.to_string(),
        "The file is larger than 10 MB. Choose a smaller file."
    );
    assert_eq!(
        DocumentError::Mismatch {
            extension: "pdf",
            label: "PDF"
        }
        .to_string(),
        "The file's contents don't match its .pdf name. Check it is a real PDF file."
    );
    assert!(DocumentError::Type
        .to_string()
        .starts_with("Upload a PDF, Word (.docx)"));
}

#[test]
fn filenames_are_sanitised_for_display_and_headers() {
    assert_eq!(sanitise_filename("../../etc/passwd.txt"), "passwd.txt");
    assert_eq!(sanitise_filename("C:\\Users\\x\\Plan.docx"), "Plan.docx");
    assert_eq!(
        sanitise_filename("a\r\nSet-Cookie: x.pdf"),
        "a Set-Cookie: x.pdf"
    );
    assert_eq!(sanitise_filename("bell\u{7}\u{0}.pdf"), "bell.pdf");
    assert_eq!(
        sanitise_filename("  many   spaces\t.pdf  "),
        "many spaces .pdf"
    );
    // Right-to-left override: "invoice\u{202e}fdp.exe" displays as "invoiceexe.pdf".
    assert_eq!(
        sanitise_filename("invoice\u{202e}fdp.exe"),
        "invoicefdp.exe"
    );
    assert_eq!(sanitise_filename("zero\u{200b}width.pdf"), "zerowidth.pdf");
    assert_eq!(sanitise_filename("...hidden.pdf..."), "hidden.pdf");
    // Hostile markup is kept verbatim: escaping is the page's job.
    assert_eq!(sanitise_filename(HOSTILE), HOSTILE);
    // Long names are cut before the extension.
    let long = format!("{}.pdf", "é".repeat(500));
    let cut = sanitise_filename(&long);
    assert_eq!(cut.chars().count(), MAX_FILENAME_CHARS);
    assert!(cut.ends_with(".pdf"));

    assert_eq!(
        content_disposition("Scope report.pdf"),
        "attachment; filename=\"Scope report.pdf\"; filename*=UTF-8''Scope%20report.pdf"
    );
    assert_eq!(
        content_disposition("a\"b;c\r\n.pdf"),
        "attachment; filename=\"a_b;c .pdf\"; filename*=UTF-8''a%22b%3Bc%20.pdf"
    );
    assert_eq!(
        content_disposition("Überblick.pdf"),
        "attachment; filename=\"_berblick.pdf\"; filename*=UTF-8''%C3%9Cberblick.pdf"
    );
    // Whatever the input, the header value has no line break and one quoted pair.
    let h = content_disposition(HOSTILE);
    assert!(!h.contains(['\r', '\n']));
    assert_eq!(h.matches('"').count(), 2);
}

#[test]
fn documents_are_listed_newest_first_and_scoped_to_their_org() {
    let db = engine();
    upload(
        &db,
        "org_a",
        "usr_a",
        "doc_1",
        "first.pdf",
        &pdf(),
        "2026-11-24T09:00:00Z",
    );
    upload(
        &db,
        "org_a",
        "usr_a",
        "doc_2",
        HOSTILE,
        &pdf(),
        "2026-11-24T10:00:00Z",
    );
    upload(
        &db,
        "org_b",
        "usr_b",
        "doc_3",
        "theirs.docx",
        &docx(),
        "2026-11-24T11:00:00Z",
    );

    db.reset_query_count();
    let a = block_on(list(&db, "org_a")).unwrap();
    assert_eq!(db.query_count(), 1);
    let ids: Vec<&str> = a.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, vec!["doc_2", "doc_1"]);
    assert_eq!(
        a[0],
        Document {
            id: "doc_2".into(),
            org_id: "org_a".into(),
            uploaded_by: Some("usr_a".into()),
            uploaded_by_email: Some("a@a.edu.au".into()),
            r2_key: "orgs/org_a/doc_2".into(),
            filename: HOSTILE.into(),
            content_type: Some("application/pdf".into()),
            size_bytes: Some(pdf().len() as i64),
            sha256: Some(sha256_hex(&pdf())),
            created_at: T0.into(),
        }
    );
    assert_eq!(r2_key("org_a", "doc_2"), a[0].r2_key);

    // Another org's id is simply not found, for reading and for deleting.
    assert!(block_on(get(&db, "org_a", "doc_1")).unwrap().is_some());
    assert_eq!(block_on(get(&db, "org_a", "doc_3")).unwrap(), None);
    assert_eq!(block_on(get(&db, "org_a", "doc_missing")).unwrap(), None);
    assert!(!block_on(soft_delete(&db, "org_a", "doc_3", at(T0))).unwrap());
    assert!(block_on(get(&db, "org_b", "doc_3")).unwrap().is_some());
    assert_eq!(block_on(list(&db, "org_b")).unwrap().len(), 1);

    // Soft delete hides the row (the object stays); a second delete is a no-op.
    assert!(block_on(soft_delete(
        &db,
        "org_a",
        "doc_1",
        at("2026-11-24T12:00:00Z")
    ))
    .unwrap());
    assert!(!block_on(soft_delete(
        &db,
        "org_a",
        "doc_1",
        at("2026-11-24T13:00:00Z")
    ))
    .unwrap());
    assert_eq!(block_on(get(&db, "org_a", "doc_1")).unwrap(), None);
    assert_eq!(block_on(list(&db, "org_a")).unwrap().len(), 1);
    let deleted_at: String = db
        .connection()
        .query_row(
            "SELECT deleted_at FROM documents WHERE id = 'doc_1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(deleted_at, "2026-11-24T12:00:00Z");
}

#[test]
fn a_document_id_is_recorded_once() {
    let db = engine();
    upload(&db, "org_a", "usr_a", "doc_1", "a.pdf", &pdf(), T0);
    let file = DocumentPolicy::default().check("b.pdf", &pdf()).unwrap();
    let again = NewDocument {
        id: "doc_1",
        org_id: "org_a",
        uploaded_by: None,
        file: &file,
    };
    assert!(block_on(insert(&db, &again, at(T0))).is_err());
    assert_eq!(block_on(list(&db, "org_a")).unwrap()[0].filename, "a.pdf");
}
