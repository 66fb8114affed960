//! Request bodies, read whole and capped: a refusal (413) past the cap, never a body read
//! without bound.

use std::io::Read as _;

use serde::Deserialize;
use tiny_http::Request;

use super::guard::Refusal;

/// Largest JSON request body: far above any edit.
pub const MAX_JSON: u64 = 256 << 10;
/// Largest copy accepted for checking, as `accord verify` reads.
pub const MAX_COPY: u64 = crate::verify::MAX_PDF;

/// The body of `request`, at most `max` bytes (413 beyond).
pub fn body(request: &mut Request, max: u64) -> Result<Vec<u8>, Refusal> {
    let too_big =
        || Refusal::new(413, format!("Refused: the request is larger than {} KB.", max >> 10));
    if request.body_length().is_some_and(|n| n as u64 > max) {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    request
        .as_reader()
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refusal::new(400, format!("Cannot read the request: {e}")))?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

/// The JSON body of `request`.
pub fn json_body<T: for<'de> Deserialize<'de>>(request: &mut Request) -> Result<T, Refusal> {
    let bytes = body(request, MAX_JSON)?;
    serde_json::from_slice(&bytes).map_err(|e| Refusal::new(400, format!("Bad request: {e}")))
}
