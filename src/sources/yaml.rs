//! YAML text → [`Node`], with lines and local tags (`!Ref`, `!Sub`, …) kept, for
//! CloudFormation templates. The events come from `saphyr-parser` (pure Rust, `no_std`, YAML 1.2);
//! this module builds the tree without recursion and reads plain scalars by YAML 1.2's core
//! schema, as CloudFormation does (`2012-10-17` stays a string).

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::tree::{Kind, Node, MAX_DEPTH};

/// Why a text is not YAML this reader takes, and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

fn error(message: impl Into<String>, span: Span) -> YamlError {
    YamlError {
        message: message.into(),
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// A collection being built: its line, tag, and members so far.
enum Open {
    Sequence(usize, Option<String>, Vec<Node>),
    /// A mapping, and the key read (with its line) awaiting its value.
    Mapping(usize, Option<String>, Vec<(String, Node)>, Option<(String, usize)>),
}

/// Parses the first YAML document of a text.
///
/// # Errors
/// A [`YamlError`] for text that is not YAML, a key that is not a scalar, an alias (`*name`,
/// which CloudFormation does not take either), or nesting deeper than [`MAX_DEPTH`].
pub fn parse_yaml(text: &str) -> Result<Node, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| YamlError {
            message: e.info().to_owned(),
            line: e.marker().line(),
            column: e.marker().col() + 1,
        })?;
        let line = span.start.line();
        let done = match event {
            Event::StreamEnd | Event::DocumentEnd => {
                if root.is_some() || matches!(event, Event::StreamEnd) {
                    break;
                }
                continue;
            }
            Event::Alias(_) => return Err(error("an alias (*name) is not read here; write the value out", span)),
            Event::Scalar(value, style, _, tag) => Node::new(line, scalar(&value, style, tag.as_deref())),
            Event::SequenceStart(_, ref tag) | Event::MappingStart(_, ref tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(format!("nests deeper than {MAX_DEPTH} levels"), span));
                }
                let tag = local_tag(tag.as_deref());
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Sequence(line, tag, Vec::new())
                } else {
                    Open::Mapping(line, tag, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Sequence(line, tag, items)) => tagged(line, tag, Kind::Array(items)),
                Some(Open::Mapping(line, tag, members, _)) => tagged(line, tag, Kind::Object(members)),
                None => return Err(error("unbalanced collection", span)),
            },
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => continue,
        };
        // A finished value goes to its parent, or is the document.
        match stack.last_mut() {
            None => root = Some(done),
            Some(Open::Sequence(_, _, items)) => items.push(done),
            Some(Open::Mapping(_, _, members, pending)) => {
                if let Some((key, key_line)) = pending.take() {
                    let mut value = done;
                    value.line = key_line;
                    members.push((key, value));
                } else {
                    let key = match done.value {
                        Kind::String(text) | Kind::Number(text) => text,
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => String::new(),
                        _ => return Err(error("a mapping key that is not a scalar", span)),
                    };
                    *pending = Some((key, done.line));
                }
            }
        }
    }
    root.ok_or(YamlError {
        message: "no YAML document".to_owned(),
        line: 1,
        column: 1,
    })
}

fn tagged(line: usize, tag: Option<String>, kind: Kind) -> Node {
    match tag {
        Some(tag) => Node::new(line, Kind::Tagged(tag, Box::new(Node::new(line, kind)))),
        None => Node::new(line, kind),
    }
}

/// A local tag's name (`!Ref` → `Ref`); YAML's own (`!!str`) are read as the schema reads them.
fn local_tag(tag: Option<&Tag>) -> Option<String> {
    tag.filter(|t| t.handle == "!").map(|t| t.suffix.clone())
}

/// A scalar as YAML 1.2's core schema reads it: quoted and `!!str` scalars are strings; plain
/// ones may be null, a boolean or a number.
fn scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Kind {
    let text = Kind::String(value.to_owned());
    if let Some(local) = local_tag(tag) {
        return Kind::Tagged(local, Box::new(Node::new(0, text)));
    }
    if tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str") || style != ScalarStyle::Plain {
        return text;
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ if is_json_number(value) => Kind::Number(value.to_owned()),
        _ => text,
    }
}

/// Decimal numbers that are JSON numbers too (`0x1F`, `.inf` and the like stay text).
fn is_json_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    digits.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && !(digits.len() > 1 && digits.starts_with('0') && digits.as_bytes()[1].is_ascii_digit())
        && serde_json::from_str::<serde_json::Number>(value).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tags_lines_and_the_core_schema() {
        let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Version: 2012-10-17\n      Arn: !GetAtt Provider.Arn\n      Sub: !Sub\n        - 'project_path:${G}/app:*'\n        - G: acme\n      N: 123456789012\n      Z: 0123\n      Q: '42'\n      E:\n      B: true\n";
        let node = parse_yaml(text).unwrap();
        let properties = node
            .get("Resources")
            .unwrap()
            .get("Role")
            .unwrap()
            .get("Properties")
            .unwrap();
        assert_eq!(properties.line, 4);
        assert_eq!(properties.get("Arn").unwrap().line, 6);
        assert_eq!(
            properties.get("Arn").unwrap().value,
            Kind::Tagged(
                "GetAtt".into(),
                Box::new(Node::new(0, Kind::String("Provider.Arn".into())))
            )
        );
        let Kind::Tagged(tag, sub) = &properties.get("Sub").unwrap().value else {
            panic!()
        };
        assert_eq!(tag, "Sub");
        assert_eq!(sub.to_value(), json!(["project_path:${G}/app:*", {"G": "acme"}]));
        let mut plain = properties.clone();
        if let Kind::Object(members) = &mut plain.value {
            members.retain(|(k, _)| !matches!(k.as_str(), "Arn" | "Sub"));
        }
        assert_eq!(
            plain.to_value(),
            json!({"Version": "2012-10-17", "N": 123_456_789_012_u64, "Z": "0123", "Q": "42", "E": null, "B": true})
        );
    }

    #[test]
    fn errors_have_positions() {
        let error = parse_yaml("a: [1, 2\nb: c\n").unwrap_err();
        assert!(error.line >= 1 && error.column >= 1, "{error:?}");
        assert!(parse_yaml("a: &x 1\nb: *x\n").unwrap_err().message.contains("alias"));
        assert!(parse_yaml(&"[".repeat(300)).is_err());
        assert!(parse_yaml("? [a]\n: b\n").is_err());
        assert_eq!(parse_yaml("").unwrap_err().message, "no YAML document");
    }
}
