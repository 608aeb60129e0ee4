//! A parsed file as a tree that remembers where each value is: JSON (checked by `serde_json`
//! first, so its errors read as every other JSON error here) and YAML (`super::yaml`), with
//! YAML's local tags (`!Ref`, `!Sub`) kept. The source adapters read files through it, and a
//! finding's JSON path is turned back into a line with [`Node::line_at`].

use serde_json::{Map, Value};

/// How deep a file may nest: `serde_json`'s own limit, so that every reader here stays
/// within a bounded stack.
pub const MAX_DEPTH: usize = 128;

/// A value and the 1-based line it starts on. An object member's line is its key's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub line: usize,
    pub value: Kind,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// A number as written (valid JSON number text).
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in file order; a key written twice is read as its last value, as `serde_json` does.
    Object(Vec<(String, Node)>),
    /// A YAML local tag and its value: `!Ref Foo` is `Tagged("Ref", "Foo")`.
    Tagged(String, Box<Node>),
}

impl Node {
    #[must_use]
    pub fn new(line: usize, value: Kind) -> Self {
        Self { line, value }
    }

    /// A member of an object (its last occurrence), if this is an object that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Kind::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Kind::String(text) => Some(text),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_object(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The members of an object, each key once (its last value), in first-seen order.
    #[must_use]
    pub fn members(&self) -> Vec<(&str, &Node)> {
        let mut out: Vec<(&str, &Node)> = Vec::new();
        for (key, value) in self.as_object().unwrap_or_default() {
            if let Some(slot) = out.iter_mut().find(|(k, _)| *k == key.as_str()) {
                slot.1 = value;
            } else {
                out.push((key, value));
            }
        }
        out
    }

    /// The value as JSON. A tag that was not read (only CloudFormation's are) becomes
    /// `{"!Tag": value}`.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match &self.value {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(text) => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())),
            Kind::String(text) => Value::String(text.clone()),
            Kind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Kind::Object(members) => {
                let mut map = Map::new();
                for (key, value) in members {
                    map.insert(key.clone(), value.to_value());
                }
                Value::Object(map)
            }
            Kind::Tagged(tag, value) => {
                let mut map = Map::new();
                map.insert(format!("!{tag}"), value.to_value());
                Value::Object(map)
            }
        }
    }

    /// The line of the value a JSON path (`$.Statement[0].Condition.StringLike["gitlab.com:sub"]`)
    /// names, or of the deepest value on the way that exists. A `[0]` on an object that is not
    /// an array reads the object itself (IAM's single statement is `Statement[0]` to the rules).
    #[must_use]
    pub fn line_at(&self, path: &str) -> usize {
        let mut node = self;
        for segment in segments(path) {
            let next = match (&segment, &node.value) {
                (Segment::Key(key), Kind::Object(_)) => node.get(key),
                (Segment::Index(index), Kind::Array(items)) => items.get(*index),
                (Segment::Index(0), Kind::Object(_)) => Some(node),
                _ => None,
            };
            match next {
                Some(next) => node = next,
                None => break,
            }
        }
        node.line
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The steps of a JSON path as the linter writes them: `$`, `.Key`, `[0]`, `["key"]`.
/// Anything it cannot read ends the path there.
#[must_use]
pub fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let bytes = path.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'$'));
    while i < bytes.len() {
        match bytes[i] {
            b'.' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'.' && bytes[end] != b'[' {
                    end += 1;
                }
                out.push(Segment::Key(path[start..end].to_owned()));
                i = end;
            }
            b'[' if bytes.get(i + 1) == Some(&b'"') => {
                // A JSON string up to the closing `"]`.
                let mut end = i + 2;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let Ok(Value::String(key)) = serde_json::from_str::<Value>(path.get(i + 1..=end).unwrap_or("")) else {
                    break;
                };
                out.push(Segment::Key(key));
                i = end + 2;
            }
            b'[' => {
                let start = i + 1;
                let end = start + bytes[start..].iter().take_while(|b| b.is_ascii_digit()).count();
                let Ok(index) = path[start..end].parse() else { break };
                out.push(Segment::Index(index));
                i = end + 1;
            }
            _ => break,
        }
    }
    out
}

/// A JSON path's next step, written as the linter writes keys: `.Key` for plain names,
/// `["key"]` for any other.
pub fn push_key(path: &mut String, key: &str) {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        path.push('.');
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&crate::text::json_string(key));
        path.push(']');
    }
}

/// Why a text is not JSON: `serde_json`'s message and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses JSON text into a [`Node`] tree with lines.
///
/// # Errors
/// `serde_json`'s verdict on text that is not JSON (or nests deeper than [`MAX_DEPTH`]).
pub fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(SyntaxError {
            message: crate::text::json_error_message(&e),
            line: e.line(),
            column: e.column(),
        });
    }
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
        line: 1,
    };
    reader.value(0).ok_or(SyntaxError {
        message: "unreadable JSON".to_owned(),
        line: reader.line,
        column: 1,
    })
}

/// A reader for JSON text `serde_json` has accepted; it still gives up (`None`) rather than
/// panic on anything else.
struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
    line: usize,
}

impl Reader<'_> {
    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        let line = self.line;
        let value = match *self.bytes.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                loop {
                    self.skip_space();
                    match *self.bytes.get(self.at)? {
                        b'}' => {
                            self.at += 1;
                            break;
                        }
                        b',' => self.at += 1,
                        b'"' => {
                            let key_line = self.line;
                            let key = self.string()?;
                            self.skip_space();
                            if self.bytes.get(self.at) != Some(&b':') {
                                return None;
                            }
                            self.at += 1;
                            let mut value = self.value(depth + 1)?;
                            value.line = key_line;
                            members.push((key, value));
                        }
                        _ => return None,
                    }
                }
                Kind::Object(members)
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match *self.bytes.get(self.at)? {
                        b']' => {
                            self.at += 1;
                            break;
                        }
                        b',' => self.at += 1,
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
                Kind::Array(items)
            }
            b'"' => Kind::String(self.string()?),
            b't' => self.word("true", Kind::Bool(true))?,
            b'f' => self.word("false", Kind::Bool(false))?,
            b'n' => self.word("null", Kind::Null)?,
            _ => {
                let start = self.at;
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
                Kind::Number(self.text.get(start..self.at)?.to_owned())
            }
        };
        Some(Node::new(line, value))
    }

    fn word(&mut self, word: &str, kind: Kind) -> Option<Kind> {
        if self.bytes.get(self.at..self.at + word.len())? == word.as_bytes() {
            self.at += word.len();
            Some(kind)
        } else {
            None
        }
    }

    /// A string literal; the reader stands on its opening quote.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.at += 1;
        let mut escaped = false;
        loop {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            match b {
                b'\\' => {
                    escaped = true;
                    self.at += 1;
                }
                b'"' => break,
                _ => {}
            }
        }
        let literal = self.text.get(start..self.at)?;
        if escaped {
            match serde_json::from_str::<Value>(literal).ok()? {
                Value::String(text) => Some(text),
                _ => None,
            }
        } else {
            literal.get(1..literal.len() - 1).map(str::to_owned)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_lines_and_values() {
        let text = "{\n  \"a\": [1, \"x\\n\\u00e9\",\n    {\"b\": null}],\n  \"c\": true\n}";
        let node = parse_json(text).unwrap();
        assert_eq!(node.to_value(), serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(node.get("a").unwrap().line, 2);
        assert_eq!(node.get("c").unwrap().line, 4);
        assert_eq!(node.line_at("$.a[2].b"), 3);
        assert_eq!(node.line_at("$.a[9]"), 2, "the deepest value that exists");
        assert_eq!(
            node.get("a").unwrap().as_array().unwrap()[1].as_str(),
            Some("x\n\u{e9}")
        );
        let error = parse_json("{\n  \"a\": }").unwrap_err();
        assert_eq!(
            (error.line, error.column, error.message.as_str()),
            (2, 8, "expected value")
        );
        assert!(parse_json(&"[".repeat(200)).is_err());
    }

    #[test]
    fn paths_read_as_the_linter_writes_them() {
        assert_eq!(
            segments(r#"$.Statement[0].Condition.StringLike["gitlab.com:sub"]"#),
            [
                Segment::Key("Statement".into()),
                Segment::Index(0),
                Segment::Key("Condition".into()),
                Segment::Key("StringLike".into()),
                Segment::Key("gitlab.com:sub".into()),
            ]
        );
        assert_eq!(
            segments(r#"$["a\"]b"].c"#),
            [Segment::Key("a\"]b".into()), Segment::Key("c".into())]
        );
        assert_eq!(segments("$"), []);
        let mut path = "$".to_owned();
        push_key(&mut path, "Statement");
        push_key(&mut path, "gitlab.com:sub");
        assert_eq!(path, r#"$.Statement["gitlab.com:sub"]"#);
    }
}
