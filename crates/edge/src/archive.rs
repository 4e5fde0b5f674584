//! The raw upstream archive (R2 `tga-content`): what a sync fetched, kept as fetched, so a
//! parse bug or a disputed change can be replayed from the source. Archiving is secondary:
//! a failed put is logged by the caller and never fails a phase.

/// Somewhere to keep raw payloads (the R2 bucket in a worker; memory in tests).
pub trait Archive {
    async fn put(&self, key: &str, body: String, content_type: &str) -> Result<(), String>;
}

/// No archive (native callers that do not keep payloads).
pub struct NoArchive;

impl Archive for NoArchive {
    async fn put(&self, _key: &str, _body: String, _content_type: &str) -> Result<(), String> {
        Ok(())
    }
}

/// An R2 bucket.
#[cfg(target_arch = "wasm32")]
pub struct R2Archive(pub worker::Bucket);

#[cfg(target_arch = "wasm32")]
impl Archive for R2Archive {
    async fn put(&self, key: &str, body: String, content_type: &str) -> Result<(), String> {
        self.0
            .put(key, body)
            .http_metadata(worker::HttpMetadata {
                content_type: Some(content_type.to_owned()),
                ..Default::default()
            })
            .execute()
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }
}
