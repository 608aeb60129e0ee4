//! base64url (RFC 4648 §5) as JWTs and JWKs use it, and standard base64 (§4)
//! for PEM bodies, with errors that say which character is wrong.
//!
//! Hand-written rather than the `base64` crate: its generic engine cost about
//! 6 KB of WebAssembly, more than this whole module.

/// The two alphabets differ only in the characters for 62 and 63.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// `-` and `_` (RFC 4648 §5): JWTs and JWKs.
    Url,
    /// `+` and `/` (RFC 4648 §4): PEM.
    Standard,
}

/// What [`encode`] writes: only base64url is ever encoded.
const URL_SYMBOLS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A byte's value in an alphabet, or [`INVALID`]: a table lookup per character rather
/// than a chain of range tests (decoding runs on every keystroke in the page).
const URL_VALUES: [u8; 256] = values(b'-', b'_');
const STANDARD_VALUES: [u8; 256] = values(b'+', b'/');
const INVALID: u8 = 0xFF;

const fn values(sixty_two: u8, sixty_three: u8) -> [u8; 256] {
    let mut table = [INVALID; 256];
    let mut value = 0;
    while value < 26 {
        table[(b'A' + value) as usize] = value;
        table[(b'a' + value) as usize] = value + 26;
        if value < 10 {
            table[(b'0' + value) as usize] = value + 52;
        }
        value += 1;
    }
    table[sixty_two as usize] = 62;
    table[sixty_three as usize] = 63;
    table
}

impl Alphabet {
    fn value(self, byte: u8) -> Option<u8> {
        let table = match self {
            Self::Url => &URL_VALUES,
            Self::Standard => &STANDARD_VALUES,
        };
        match table[usize::from(byte)] {
            INVALID => None,
            value => Some(value),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Url => "base64url",
            Self::Standard => "base64",
        }
    }
}

/// Decodes base64url, with or without `=` padding (JWTs omit it; some tools
/// add it), naming the first offending character.
///
/// # Errors
/// A sentence describing what is wrong (the caller names the field).
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    decode_with(Alphabet::Url, text)
}

/// Decodes `text` in `alphabet`; trailing `=` padding is optional.
///
/// One pass over the bytes, four characters into three bytes at a time: this runs on
/// every keystroke in the page, and walking `char`s into an intermediate `Vec` of 6-bit
/// values cost most of the decoding time.
///
/// # Errors
/// A sentence describing what is wrong (the caller names the field).
pub fn decode_with(alphabet: Alphabet, text: &str) -> Result<Vec<u8>, String> {
    let data = crate::text::trim_end_ascii(text, b'=');
    let name = alphabet.name();
    let mut bytes = Vec::with_capacity(data.len() / 4 * 3 + 2);
    let mut bits = 0u32;
    for (index, &byte) in data.as_bytes().iter().enumerate() {
        let Some(value) = alphabet.value(byte) else {
            return Err(invalid_character(alphabet, data));
        };
        bits = bits << 6 | u32::from(value);
        if index % 4 == 3 {
            let [_, first, second, third] = bits.to_be_bytes();
            bytes.extend_from_slice(&[first, second, third]);
            bits = 0;
        }
    }
    // A short last group: 2 characters carry 12 bits (one byte and 4 unused bits), 3
    // carry 18 (two bytes and 2 unused bits); real base64 leaves the unused bits zero.
    let kept = match data.len() % 4 {
        0 => return Ok(bytes),
        1 => {
            return Err(format!(
                "{} characters cannot be {name} (a length of 4n+1 means the text was cut)",
                data.len()
            ))
        }
        short => short - 1,
    };
    let [_, first, second, third] = (bits << (6 * (3 - kept))).to_be_bytes();
    if [first, second, third][kept] != 0 {
        return Err(format!(
            "the last character carries bits {name} never sets: the text was cut or altered"
        ));
    }
    bytes.extend_from_slice(&[first, second][..kept]);
    Ok(bytes)
}

/// The error for the first character of `data` outside `alphabet`, with its 1-based
/// position in characters. Off the fast path: it walks `char`s.
#[cold]
#[inline(never)]
fn invalid_character(alphabet: Alphabet, data: &str) -> String {
    let name = alphabet.name();
    let Some((position, c)) = data
        .chars()
        .enumerate()
        .find(|&(_, c)| u8::try_from(c).ok().and_then(|byte| alphabet.value(byte)).is_none())
    else {
        return format!("the text is not in the {name} alphabet");
    };
    let position = position + 1;
    match (alphabet, c) {
        (Alphabet::Url, '+' | '/') => {
            format!("character {c:?} at position {position} belongs to standard base64; base64url uses '-' and '_'")
        }
        (Alphabet::Standard, '-' | '_') => {
            format!("character {c:?} at position {position} belongs to base64url; standard base64 uses '+' and '/'")
        }
        _ => format!("character {c:?} at position {position} is not in the {name} alphabet"),
    }
}

/// Encodes bytes as unpadded base64url.
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut word = [0u8; 4];
        word[1..=chunk.len()].copy_from_slice(chunk);
        let bits = u32::from_be_bytes(word);
        for i in 0..=chunk.len() {
            text.push(char::from(URL_SYMBOLS[((bits >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    text
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
        assert!(decode("c2lnbg2").unwrap_err().contains("cut or altered"));
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode_with(Alphabet::Standard, "+/8=").unwrap(), [0xfb, 0xff]);
        assert!(decode_with(Alphabet::Standard, "-_8")
            .unwrap_err()
            .contains("belongs to base64url"));
        assert!(decode("é").unwrap_err().contains("'é' at position 1"));
    }

    #[test]
    fn encodes_every_tail_length() {
        assert_eq!(encode(b""), "");
        assert_eq!(encode(b"s"), "cw");
        assert_eq!(encode(b"si"), "c2k");
        assert_eq!(encode(b"sig"), "c2ln");
        assert_eq!(encode(&[0xfb, 0xff, 0xfe]), "-__-");
    }

    /// The one-pass decoder against the one it replaced, on any text and on base64 in
    /// either alphabet with padding, a stray character or a cut end: same bytes, same errors.
    #[cfg(not(target_arch = "wasm32"))]
    mod reference {
        use super::*;
        use proptest::prelude::*;

        /// The decoder as it was before the one-pass rewrite: the reference for its
        /// outputs and error messages.
        fn reference_decode_with(alphabet: Alphabet, text: &str) -> Result<Vec<u8>, String> {
            let data = crate::text::trim_end_ascii(text, b'=');
            let name = alphabet.name();
            let mut values = Vec::with_capacity(data.len());
            for (index, c) in data.char_indices() {
                let value = u8::try_from(c).ok().and_then(|byte| alphabet.value(byte));
                let Some(value) = value else {
                    let position = data[..index].chars().count() + 1;
                    return Err(match (alphabet, c) {
                        (Alphabet::Url, '+' | '/') => format!(
                            "character {c:?} at position {position} belongs to standard base64; base64url uses '-' and '_'"
                        ),
                        (Alphabet::Standard, '-' | '_') => format!(
                            "character {c:?} at position {position} belongs to base64url; standard base64 uses '+' and '/'"
                        ),
                        _ => format!("character {c:?} at position {position} is not in the {name} alphabet"),
                    });
                };
                values.push(value);
            }
            if values.len() % 4 == 1 {
                return Err(format!(
                    "{} characters cannot be {name} (a length of 4n+1 means the text was cut)",
                    values.len()
                ));
            }
            let mut bytes = Vec::with_capacity(values.len() / 4 * 3 + 2);
            for chunk in values.chunks(4) {
                // Up to 24 bits, most significant first; a short last chunk carries 12 or 18.
                let bits = chunk
                    .iter()
                    .enumerate()
                    .fold(0u32, |acc, (i, v)| acc | (u32::from(*v) << (18 - 6 * i)));
                let [_, first, second, third] = bits.to_be_bytes();
                let kept = chunk.len() - 1;
                bytes.extend_from_slice(&[first, second, third][..kept]);
                if chunk.len() < 4 && [first, second, third][kept] != 0 {
                    return Err(format!(
                        "the last character carries bits {name} never sets: the text was cut or altered"
                    ));
                }
            }
            Ok(bytes)
        }

        fn near_valid() -> impl Strategy<Value = String> {
            prop_oneof![
                "[A-Za-z0-9_-]{0,24}={0,3}",
                "[A-Za-z0-9+/]{0,24}={0,3}",
                "[A-Za-z0-9_+/=-]{0,24}",
                "[A-Za-z0-9_-]{0,16}[^A-Za-z0-9_-][A-Za-z0-9_=-]{0,8}",
                (prop::collection::vec(any::<u8>(), 0..48), 0..4usize, "\\PC?").prop_map(|(bytes, cut, extra)| {
                    let text = encode(&bytes);
                    format!("{}{extra}", &text[..text.len().saturating_sub(cut)])
                }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2048))]

            #[test]
            fn matches_the_reference_on_any_text(text in any::<String>()) {
                for alphabet in [Alphabet::Url, Alphabet::Standard] {
                    prop_assert_eq!(decode_with(alphabet, &text), reference_decode_with(alphabet, &text));
                }
            }

            #[test]
            fn matches_the_reference_on_near_valid_text(text in near_valid()) {
                for alphabet in [Alphabet::Url, Alphabet::Standard] {
                    prop_assert_eq!(decode_with(alphabet, &text), reference_decode_with(alphabet, &text));
                }
            }
        }
    }
}
