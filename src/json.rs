//! Compact JSON text of any `Serialize` value, byte for byte what `serde_json::to_string` writes.
//!
//! Why not `serde_json`'s writer: built for size (`opt-level = "z"`) its string escaping makes two
//! calls per byte (`split_at`, `split_first`), and every key, comma and quote is a call that copies
//! a few bytes with `memory.copy`. That was about a third of `inspectToken` in Node (issue 21). This
//! writer scans a string for the next byte to escape and copies each run once, and writes
//! punctuation as single bytes. Numbers are written here too, except floats and 128-bit integers,
//! which `serde_json` still formats, so floats keep exactly its shortest form. `tests/properties.rs`
//! checks the two writers agree on arbitrary values, and the snapshots on every result the core
//! renders. (A `Serialize` implementation that declares a length and then writes more items gets
//! different, and from `serde_json` invalid, text; serde's derives never do.)

use core::fmt::{self, Display};

use serde::ser::{self, Serialize};

/// Why a value could not be written: a map key `serde_json` refuses too (a list, a map, `None`, an
/// infinite number…), or a `Serialize` implementation's own error. The core's types never produce either.
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(message: T) -> Self {
        Self(crate::text::display(&message))
    }
}

/// The compact JSON text of `value`, as `serde_json::to_string` writes it.
///
/// # Errors
/// When a map key is one `serde_json` refuses too, or `value`'s `Serialize` fails.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let mut writer = Writer {
        out: Vec::with_capacity(1024),
    };
    value.serialize(&mut writer)?;
    // Only whole `&str`s and ASCII are ever written, so this never fails.
    String::from_utf8(writer.out).map_err(|_| Error("internal: the JSON text is not UTF-8".to_owned()))
}

struct Writer {
    out: Vec<u8>,
}

/// What a byte is written as inside a JSON string: `0` for itself, else the letter after `\`
/// (`u` for `\u00XX`), as `serde_json` escapes (its `ESCAPE` table).
const fn escape_of(byte: u8) -> u8 {
    match byte {
        0x08 => b'b',
        b'\t' => b't',
        b'\n' => b'n',
        0x0c => b'f',
        b'\r' => b'r',
        b'"' => b'"',
        b'\\' => b'\\',
        0x00..=0x1f => b'u',
        _ => 0,
    }
}

impl Writer {
    fn byte(&mut self, byte: u8) {
        self.out.push(byte);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    #[inline(never)]
    fn string(&mut self, value: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = value.as_bytes();
        self.byte(b'"');
        let mut start = 0;
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            let escape = escape_of(byte);
            index += 1;
            if escape == 0 {
                continue;
            }
            self.bytes(&bytes[start..index - 1]);
            start = index;
            if escape == b'u' {
                self.bytes(b"\\u00");
                self.byte(HEX[usize::from(byte >> 4)]);
                self.byte(HEX[usize::from(byte & 0xf)]);
            } else {
                self.byte(b'\\');
                self.byte(escape);
            }
        }
        self.bytes(&bytes[start..]);
        self.byte(b'"');
    }

    fn unsigned(&mut self, mut value: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            // `value % 10` is below 10.
            #[allow(clippy::cast_possible_truncation, reason = "a single decimal digit")]
            let digit = (value % 10) as u8;
            digits[at] = b'0' + digit;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        self.bytes(&digits[at..]);
    }

    fn signed(&mut self, value: i64) {
        if value < 0 {
            self.byte(b'-');
        }
        self.unsigned(value.unsigned_abs());
    }

    /// A value `serde_json` writes itself: floats, in its shortest form, and 128-bit integers.
    fn through_serde_json<T: Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let text = serde_json::to_string(value).map_err(|e| Error(crate::text::display(&e)))?;
        self.bytes(text.as_bytes());
        Ok(())
    }
}

/// A `[…]` or `{…}` being written: whether an item came before (for the comma), and, for a
/// variant's `{"name":…}`, that one more `}` closes it.
struct Compound<'a> {
    writer: &'a mut Writer,
    first: bool,
    close: u8,
    in_variant: bool,
}

impl<'a> Compound<'a> {
    fn open(writer: &'a mut Writer, open: u8, close: u8, in_variant: bool) -> Self {
        writer.byte(open);
        Self {
            writer,
            first: true,
            close,
            in_variant,
        }
    }

    /// `{"variant":` and the opening bracket: a tuple or struct variant's content.
    fn in_variant(writer: &'a mut Writer, variant: &str, open: u8, close: u8) -> Self {
        writer.variant(variant);
        Self::open(writer, open, close, true)
    }

    // Not inlined, here and in `key`: each `Serialize` implementation calls them once per field
    // or item, and their copies made the module larger than `serde_json`'s writer.
    #[inline(never)]
    fn separate(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.writer.byte(b',');
        }
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.separate();
        value.serialize(&mut *self.writer)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        self.key(key);
        value.serialize(&mut *self.writer)
    }

    /// `,"key":` (no comma before the first).
    #[inline(never)]
    fn key(&mut self, key: &str) {
        self.separate();
        self.writer.string(key);
        self.writer.byte(b':');
    }

    fn close(self) {
        self.writer.byte(self.close);
        if self.in_variant {
            self.writer.byte(b'}');
        }
    }
}

impl Writer {
    /// `{"variant":` before a variant's content.
    fn variant(&mut self, variant: &str) {
        self.byte(b'{');
        self.string(variant);
        self.byte(b':');
    }
}

/// Integer methods, each widened to the 64-bit writer of its sign.
macro_rules! numbers {
    ($($method:ident($type:ty) => $write:ident),* $(,)?) => {$(
        fn $method(self, value: $type) -> Result<(), Error> {
            self.$write(value.into());
            Ok(())
        }
    )*};
}

/// Methods that open a compound: `[` or `{`, after `{"variant":` for a variant's content.
macro_rules! compounds_opened {
    ($($method:ident($($arg:ident: $type:ty),*) -> $kind:ident = $(in $variant:ident)? $open:literal, $close:literal;)*) => {$(
        fn $method(self, $($arg: $type),*) -> Result<Self::$kind, Error> {
            Ok(compounds_opened!(@open self $($variant)? $open $close))
        }
    )*};
    (@open $writer:ident $open:literal $close:literal) => { Compound::open($writer, $open, $close, false) };
    (@open $writer:ident $variant:ident $open:literal $close:literal) => { Compound::in_variant($writer, $variant, $open, $close) };
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.bytes(if value { b"true" } else { b"false" });
        Ok(())
    }

    numbers!(
        serialize_i8(i8) => signed,
        serialize_i16(i16) => signed,
        serialize_i32(i32) => signed,
        serialize_i64(i64) => signed,
        serialize_u8(u8) => unsigned,
        serialize_u16(u16) => unsigned,
        serialize_u32(u32) => unsigned,
        serialize_u64(u64) => unsigned,
    );

    fn serialize_i128(self, value: i128) -> Result<(), Error> {
        self.through_serde_json(&value)
    }

    fn serialize_u128(self, value: u128) -> Result<(), Error> {
        self.through_serde_json(&value)
    }

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        self.through_serde_json(&value)
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        self.through_serde_json(&value)
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.string(value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.string(value);
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        let mut list = Compound::open(self, b'[', b']', false);
        for byte in value {
            list.item(byte)?;
        }
        list.close();
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.bytes(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.variant(variant);
        value.serialize(&mut *self)?;
        self.byte(b'}');
        Ok(())
    }

    compounds_opened!(
        serialize_seq(_len: Option<usize>) -> SerializeSeq = b'[', b']';
        serialize_tuple(_len: usize) -> SerializeTuple = b'[', b']';
        serialize_tuple_struct(_name: &'static str, _len: usize) -> SerializeTupleStruct = b'[', b']';
        serialize_tuple_variant(_name: &'static str, _index: u32, variant: &'static str, _len: usize)
            -> SerializeTupleVariant = in variant b'[', b']';
        serialize_map(_len: Option<usize>) -> SerializeMap = b'{', b'}';
        serialize_struct(_name: &'static str, _len: usize) -> SerializeStruct = b'{', b'}';
        serialize_struct_variant(_name: &'static str, _index: u32, variant: &'static str, _len: usize)
            -> SerializeStructVariant = in variant b'{', b'}';
    );
}

/// The compound traits whose entries are written alike: `$write` is `item` (a value after a comma) or
/// `field` (`"key":` and a value after a comma).
macro_rules! compounds {
    ($($trait:ident::$method:ident($($key:ident: $key_type:ty)?) => $write:ident),* $(,)?) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, $($key: $key_type,)? value: &T) -> Result<(), Error> {
                self.$write($($key,)? value)
            }

            fn end(self) -> Result<(), Error> {
                self.close();
                Ok(())
            }
        }
    )*};
}

compounds!(
    SerializeSeq::serialize_element() => item,
    SerializeTuple::serialize_element() => item,
    SerializeTupleStruct::serialize_field() => item,
    SerializeTupleVariant::serialize_field() => item,
    SerializeStruct::serialize_field(key: &'static str) => field,
    SerializeStructVariant::serialize_field(key: &'static str) => field,
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.separate();
        key.serialize(MapKey(&mut *self.writer))?;
        self.writer.byte(b':');
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        self.close();
        Ok(())
    }
}

/// A map key: a string or char as it is; a finite number or bool quoted; `Some` as what it holds; as
/// `serde_json` writes them.
struct MapKey<'a>(&'a mut Writer);

fn key_must_be_a_string() -> Error {
    Error("key must be a string".to_owned())
}

impl MapKey<'_> {
    fn quoted(self, write: impl FnOnce(&mut Writer) -> Result<(), Error>) -> Result<(), Error> {
        self.0.byte(b'"');
        write(self.0)?;
        self.0.byte(b'"');
        Ok(())
    }
}

/// `MapKey` methods that write a number or bool quoted, as the writer writes it.
macro_rules! quoted_keys {
    ($($method:ident($type:ty)),* $(,)?) => {$(
        fn $method(self, value: $type) -> Result<(), Error> {
            self.quoted(|w| w.$method(value))
        }
    )*};
}

/// `MapKey` methods for the keys `serde_json` refuses.
macro_rules! refused_keys {
    ($(fn $method:ident $(<$value:ident>)? ($($arg:ident: $type:ty),*) -> $ok:ty;)*) => {$(
        fn $method$(<$value: Serialize + ?Sized>)?(self, $($arg: $type),*) -> Result<$ok, Error> {
            Err(key_must_be_a_string())
        }
    )*};
}

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    quoted_keys!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
    );

    refused_keys! {
        fn serialize_bytes(_value: &[u8]) -> ();
        fn serialize_none() -> ();
        fn serialize_unit() -> ();
        fn serialize_unit_struct(_name: &'static str) -> ();
        fn serialize_newtype_variant<T>(_name: &'static str, _index: u32, _variant: &'static str, _value: &T) -> ();
        fn serialize_seq(_len: Option<usize>) -> Self::SerializeSeq;
        fn serialize_tuple(_len: usize) -> Self::SerializeTuple;
        fn serialize_tuple_struct(_name: &'static str, _len: usize) -> Self::SerializeTupleStruct;
        fn serialize_tuple_variant(_name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> Self::SerializeTupleVariant;
        fn serialize_map(_len: Option<usize>) -> Self::SerializeMap;
        fn serialize_struct(_name: &'static str, _len: usize) -> Self::SerializeStruct;
        fn serialize_struct_variant(_name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> Self::SerializeStructVariant;
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.0.string(value);
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.0.string(value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        if !value.is_finite() {
            return Err(Error("float key must be finite (got NaN or +/-inf)".to_owned()));
        }
        self.quoted(|w| w.serialize_f32(value))
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        if !value.is_finite() {
            return Err(Error("float key must be finite (got NaN or +/-inf)".to_owned()));
        }
        self.quoted(|w| w.serialize_f64(value))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Error> {
        self.0.string(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
}
