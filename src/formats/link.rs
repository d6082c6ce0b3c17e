//! Share links: a scenario in a URL fragment, `#s=<version>.<payload>`.
//!
//! The payload is the scenario's compact JSON, raw-deflated (level 9) and encoded as
//! unpadded base64url. Decoding refuses, with a message a person can act on, any
//! fragment that is malformed, truncated, tampered with, from a newer version, or
//! too big — before and after inflating (a zip bomb stops at the limit).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::spec::scenario::{self, CURRENT_VERSION, Scenario, ScenarioError};

/// Longest fragment accepted, characters.
pub const MAX_FRAGMENT_CHARS: usize = 200_000;
/// Largest inflated document accepted, bytes.
pub const MAX_INFLATED_BYTES: usize = scenario::limits::DOCUMENT_BYTES;
/// Above this many characters a link is unreliable in chat apps and some tools.
pub const WARN_CHARS: usize = 2_000;
/// Above this many characters, offer a file instead (RFC 9110's recommended minimum).
pub const FILE_CHARS: usize = 8_000;

/// Why a link could not be opened.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LinkError {
    /// Not a Routewave scenario link.
    #[error("this link does not contain a Routewave scenario (expected #s=<version>.<data>)")]
    NotALink,
    /// Too long to be one of ours.
    #[error("the link is {0} characters long; the limit is {MAX_FRAGMENT_CHARS}")]
    TooLong(usize),
    /// Version missing or not a number.
    #[error("the link's version '{0}' is not a number")]
    BadVersion(String),
    /// From a newer build.
    #[error(
        "the link was made by a newer Routewave (scenario version {0}); this page understands up to {CURRENT_VERSION}"
    )]
    FutureVersion(u32),
    /// Not base64url.
    #[error("the link is damaged: its data is not valid base64url (was it cut or edited?)")]
    BadEncoding,
    /// Deflate stream broken or cut short.
    #[error("the link is damaged or cut short: its data does not decompress")]
    Truncated,
    /// Inflates past the limit.
    #[error("the link's scenario is larger than {MAX_INFLATED_BYTES} bytes once decompressed")]
    TooLarge,
    /// Decompressed, but not a valid scenario.
    #[error("the link's scenario is not valid: {0}")]
    Invalid(String),
}

/// Encodes `scenario` as a fragment (without the leading `#`).
pub fn encode(scenario: &Scenario) -> String {
    let json = serde_json::to_vec(scenario).expect("a scenario always serialises");
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("s={}.{}", scenario.version, URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a fragment (with or without the leading `#`).
pub fn decode(fragment: &str) -> Result<Scenario, LinkError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if f.len() > MAX_FRAGMENT_CHARS {
        return Err(LinkError::TooLong(f.len()));
    }
    let body = f.strip_prefix("s=").ok_or(LinkError::NotALink)?;
    let (version, payload) = body.split_once('.').ok_or(LinkError::NotALink)?;
    let version: u32 = version.parse().map_err(|_| LinkError::BadVersion(version.chars().take(20).collect()))?;
    if version > CURRENT_VERSION {
        return Err(LinkError::FutureVersion(version));
    }
    if version == 0 {
        return Err(LinkError::BadVersion("0".into()));
    }
    let packed = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).map_err(|_| LinkError::BadEncoding)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED_BYTES).map_err(|e| match e
        .status
    {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
        _ => LinkError::Truncated,
    })?;
    let text = std::str::from_utf8(&json).map_err(|_| LinkError::Invalid("not UTF-8 text".into()))?;
    Scenario::from_json(text).map_err(|e| match e {
        ScenarioError::FutureVersion(v) => LinkError::FutureVersion(v),
        other => LinkError::Invalid(other.to_string().lines().next().unwrap_or("").to_string()),
    })
}

/// How a link of `chars` characters should be offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkSize {
    /// Fine anywhere.
    Ok,
    /// Over 2,000 characters: warn.
    Long,
    /// Over 8,000 characters: offer a file.
    UseFile,
}

/// Classifies a link's length.
pub fn size_class(chars: usize) -> LinkSize {
    if chars > FILE_CHARS {
        LinkSize::UseFile
    } else if chars > WARN_CHARS {
        LinkSize::Long
    } else {
        LinkSize::Ok
    }
}
