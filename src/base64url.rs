//! base64url (RFC 4648 §5) as JWTs and JWKs use it, with errors that say
//! which character is wrong.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

/// base64url, with or without `=` padding (JWTs omit it; some tools add it).
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64url, naming the first offending character.
///
/// # Errors
/// A sentence describing what is wrong (the caller names the field).
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let data = text.trim_end_matches('=');
    if let Some((index, c)) = data
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        let position = data[..index].chars().count() + 1;
        return Err(if c == '+' || c == '/' {
            format!("character {c:?} at position {position} belongs to standard base64; base64url uses '-' and '_'")
        } else {
            format!("character {c:?} at position {position} is not in the base64url alphabet")
        });
    }
    if data.len() % 4 == 1 {
        return Err(format!(
            "{} characters cannot be base64url (a length of 4n+1 means the text was cut)",
            data.len()
        ));
    }
    BASE64URL.decode(data).map_err(|e| match e {
        base64::DecodeError::InvalidLastSymbol(..) => {
            "the last character carries bits base64url never sets: the text was cut or altered".to_owned()
        }
        other => other.to_string(),
    })
}

/// Encodes bytes as unpadded base64url.
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    BASE64URL.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        assert_eq!(decode(&encode(b"\xfb\xff sig")).unwrap(), b"\xfb\xff sig");
        assert_eq!(decode("c2ln").unwrap(), b"sig");
        assert_eq!(decode("c2lnbg==").unwrap(), b"sign");
        assert!(decode("c2l+").unwrap_err().contains("standard base64"));
        assert!(decode("c2l%").unwrap_err().contains("'%' at position 4"));
        assert!(decode("c2lnb").unwrap_err().contains("4n+1"));
        assert!(decode("c2lnbh").unwrap_err().contains("cut or altered"));
    }
}
