//! CloudFormation templates, JSON or YAML: every `AWS::IAM::Role`'s `AssumeRolePolicyDocument`.
//!
//! Intrinsic functions, in their long (`{"Fn::Sub": …}`, `{"Ref": …}`) and short (`!Sub`, `!Ref`)
//! forms, are read as far as the template itself says what they give, and otherwise stay
//! values known only at deploy time ([`crate::policy::unknown`]), each listed in the role's
//! `unknown` by its JSON path in the document:
//! - `!Ref` or `!GetAtt X.Arn` of an `AWS::IAM::OIDCProvider` in the template is that
//!   provider's ARN, `arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/<its Url's host>`;
//!   a parameter, a pseudo parameter (`AWS::AccountId`) or another resource is unknown;
//!   `AWS::NoValue` removes the value;
//! - `!Sub` is its literal text with each `${…}` read as `!Ref`/`!GetAtt` (or its variable
//!   map) would be; `${!Literal}` is the text `${Literal}`;
//! - `!Join`, `!Select` and `!FindInMap` are computed when their arguments are known;
//! - `!If [condition, a, b]` is both `a` and `b` where a list can hold them (statements,
//!   principals, actions, condition values): the linter sees every value the stack may deploy;
//! - anything else (`!ImportValue`, `!GetAZs`, `!Split`, …) is unknown.
//!
//! A `Federated` principal known only at deploy time (`!Ref ProviderArn`, `!ImportValue …`)
//! is read as the provider of the host its statement's condition keys name (`gitlab.com:sub`
//! → `gitlab.com`), when they name exactly one: the template was written for that provider.

use serde_json::Value;

use super::files::{collect, policy_error, Format, FoundRole, Policy, Source};
use super::tree::{push_key, Kind, Node};
use crate::policy::parse::parse_policy;
use crate::policy::unknown::{is_unknown, marker};
use crate::policy::{is_global_key, split_key};

const ROLE: &str = "AWS::IAM::Role";
const OIDC_PROVIDER: &str = "AWS::IAM::OIDCProvider";

/// Every role of a template.
pub(super) fn template(root: &Node) -> Source {
    let resources = root.get("Resources").map(Node::members).unwrap_or_default();
    let mut source = Source {
        format: Format::Cloudformation,
        roles: Vec::new(),
        skipped: 0,
    };
    for (id, resource) in &resources {
        if resource.get("Type").and_then(Node::as_str) != Some(ROLE) {
            continue;
        }
        let document = resource
            .get("Properties")
            .and_then(|p| p.get("AssumeRolePolicyDocument"));
        let mut resolver = Resolver {
            resources: &resources,
            mappings: root.get("Mappings"),
            names: Vec::new(),
            unknown: Vec::new(),
        };
        let Some(document) = document else {
            source.roles.push(FoundRole {
                name: (*id).to_owned(),
                line: Some(resource.line),
                policy: Policy::Error {
                    code: "source.role",
                    message: "the role has no Properties.AssumeRolePolicyDocument".to_owned(),
                },
                lines: None,
                unknown: Vec::new(),
                names: Vec::new(),
            });
            continue;
        };
        let (policy, lines) = match resolver.resolve(document, "$") {
            Out::One(node) if node.as_object().is_some() => {
                let mut value = node.to_value();
                resolver.infer_providers(&mut value);
                let policy = match parse_policy(&crate::text::json(&value)) {
                    Ok(document) => Policy::Document(document),
                    Err(error) => policy_error(&error, "AssumeRolePolicyDocument"),
                };
                (policy, Some(node))
            }
            // JSON text (a `!Sub` of a whole document, too).
            Out::One(Node {
                value: Kind::String(text),
                ..
            }) => match parse_policy(&text) {
                Ok(document) => (Policy::Document(document), None),
                Err(error) => (policy_error(&error, "AssumeRolePolicyDocument"), None),
            },
            _ => {
                resolver.unknown = vec!["$".to_owned()];
                (Policy::Unknown, None)
            }
        };
        let role = FoundRole {
            name: (*id).to_owned(),
            line: Some(document.line),
            policy,
            lines,
            unknown: resolver.unknown,
            names: resolver.names,
        };
        collect(&mut source.roles, &mut source.skipped, role);
    }
    source
}

/// What a value resolves to.
enum Out {
    One(Node),
    /// Several alternatives (`!If`), for a list to hold.
    Many(Vec<Node>),
    /// `AWS::NoValue`: no value at all.
    Nothing,
}

struct Resolver<'a> {
    resources: &'a [(&'a str, &'a Node)],
    mappings: Option<&'a Node>,
    /// What each marker stands for, by its number.
    names: Vec<String>,
    /// The JSON paths holding a marker.
    unknown: Vec<String>,
}

/// A function call, in either form: its long name and argument.
fn function(node: &Node) -> Option<(String, &Node)> {
    match &node.value {
        Kind::Tagged(tag, argument) => Some((
            match tag.as_str() {
                "Ref" | "Condition" => tag.clone(),
                other => format!("Fn::{other}"),
            },
            argument,
        )),
        Kind::Object(members) if members.len() == 1 => {
            let (key, argument) = &members[0];
            (key == "Ref" || key.starts_with("Fn::")).then(|| (key.clone(), argument))
        }
        _ => None,
    }
}

impl Resolver<'_> {
    /// A marker for a value known only at deploy time, standing for `name` in messages.
    fn unknown(&mut self, path: &str, name: String) -> String {
        let index = self.names.len();
        self.names.push(name);
        if !self.unknown.iter().any(|p| p == path) {
            self.unknown.push(path.to_owned());
        }
        marker(index)
    }

    fn resolve(&mut self, node: &Node, path: &str) -> Out {
        if let Some((name, argument)) = function(node) {
            return self.call(&name, argument, node.line, path);
        }
        let value = match &node.value {
            Kind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let item_path = format!("{path}[{}]", out.len());
                    match self.resolve(item, &item_path) {
                        Out::One(node) => out.push(node),
                        Out::Many(nodes) => out.extend(nodes),
                        Out::Nothing => {}
                    }
                }
                Kind::Array(out)
            }
            Kind::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                for (key, member) in members {
                    let mut member_path = path.to_owned();
                    push_key(&mut member_path, key);
                    match self.resolve(member, &member_path) {
                        Out::One(mut node) => {
                            node.line = member.line;
                            out.push((key.clone(), node));
                        }
                        Out::Many(nodes) => out.push((key.clone(), Node::new(member.line, Kind::Array(nodes)))),
                        Out::Nothing => {}
                    }
                }
                Kind::Object(out)
            }
            other => other.clone(),
        };
        Out::One(Node::new(node.line, value))
    }

    /// A function's value as text, when it is one.
    fn text(&mut self, node: &Node, path: &str) -> Option<String> {
        match self.resolve(node, path) {
            Out::One(Node {
                value: Kind::String(text) | Kind::Number(text),
                ..
            }) => Some(text),
            Out::One(Node {
                value: Kind::Bool(b), ..
            }) => Some(b.to_string()),
            _ => None,
        }
    }

    fn string(line: usize, text: String) -> Out {
        Out::One(Node::new(line, Kind::String(text)))
    }

    fn call(&mut self, name: &str, argument: &Node, line: usize, path: &str) -> Out {
        let short = name.strip_prefix("Fn::").unwrap_or(name);
        let arguments = argument.as_array().unwrap_or_default();
        let text = match name {
            "Ref" => match argument.as_str() {
                Some(target) => match self.reference(target, path) {
                    Some(text) => text,
                    None => return Out::Nothing,
                },
                None => self.unknown(path, "!Ref".to_owned()),
            },
            "Fn::GetAtt" => {
                let (resource, attribute) = match (argument.as_str(), arguments) {
                    (Some(dotted), _) => crate::text::split_once(dotted, ".").unwrap_or((dotted, "")),
                    (None, [resource, attribute]) => (
                        resource.as_str().unwrap_or_default(),
                        attribute.as_str().unwrap_or_default(),
                    ),
                    _ => ("", ""),
                };
                self.attribute(resource, attribute, path)
            }
            "Fn::Sub" => {
                let (template, variables) = match (argument.as_str(), arguments) {
                    (Some(template), _) => (template, None),
                    (None, [template, variables]) => (template.as_str().unwrap_or_default(), Some(variables)),
                    _ => return Self::string(line, self.unknown(path, "!Sub".to_owned())),
                };
                self.substitute(template, variables, path)
            }
            "Fn::Join" => self.join(arguments, path),
            "Fn::If" => {
                let [_, first, second] = arguments else {
                    return Self::string(line, self.unknown(path, "!If".to_owned()));
                };
                let mut alternatives = Vec::new();
                for branch in [first, second] {
                    match self.resolve(branch, path) {
                        Out::One(node) => alternatives.push(node),
                        Out::Many(nodes) => alternatives.extend(nodes),
                        Out::Nothing => {}
                    }
                }
                if alternatives.len() == 2 && alternatives[0].value == alternatives[1].value {
                    alternatives.pop();
                }
                return match alternatives.len() {
                    0 => Out::Nothing,
                    1 => Out::One(alternatives.remove(0)),
                    _ => Out::Many(alternatives),
                };
            }
            "Fn::Select" => {
                let picked = match arguments {
                    [index, Node {
                        value: Kind::Array(list),
                        ..
                    }] => self
                        .text(index, path)
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| list.get(i)),
                    _ => None,
                };
                match picked {
                    Some(item) => return self.resolve(item, path),
                    None => self.unknown(path, "!Select".to_owned()),
                }
            }
            "Fn::FindInMap" => match self.find_in_map(arguments, path) {
                Some(value) => return Out::One(Node::new(line, value.value.clone())),
                None => self.unknown(path, "!FindInMap".to_owned()),
            },
            _ => self.unknown(path, format!("!{short}")),
        };
        Self::string(line, text)
    }

    /// `!Join [delimiter, [parts]]` as text.
    fn join(&mut self, arguments: &[Node], path: &str) -> String {
        let [delimiter, Node {
            value: Kind::Array(parts),
            ..
        }] = arguments
        else {
            return self.unknown(path, "!Join".to_owned());
        };
        let delimiter = self.text(delimiter, path).unwrap_or_default();
        let mut joined = Vec::with_capacity(parts.len());
        for part in parts {
            match self.resolve(part, path) {
                Out::Nothing => {}
                Out::One(Node {
                    value: Kind::String(text) | Kind::Number(text),
                    ..
                }) => joined.push(text),
                _ => joined.push(self.unknown(path, "!Join".to_owned())),
            }
        }
        joined.join(&delimiter)
    }

    /// `!FindInMap [map, top, second]`'s value, when every key is known and the value is written out.
    fn find_in_map(&mut self, arguments: &[Node], path: &str) -> Option<&Node> {
        let [map, top, second] = arguments else { return None };
        let keys = [map, top, second].map(|k| self.text(k, path).filter(|k| !crate::policy::unknown::has_unknown(k)));
        let [Some(map), Some(top), Some(second)] = keys else {
            return None;
        };
        let value = self.mappings?.get(&map)?.get(&top)?.get(&second)?;
        function(value).is_none().then_some(value)
    }

    /// `!Ref target` as text; `None` for `AWS::NoValue`.
    fn reference(&mut self, target: &str, path: &str) -> Option<String> {
        if target == "AWS::NoValue" {
            return None;
        }
        if self.is_provider(target) {
            return Some(self.provider_arn(target, path));
        }
        Some(self.unknown(path, format!("${{{target}}}")))
    }

    /// `!GetAtt resource.attribute` as text.
    fn attribute(&mut self, resource: &str, attribute: &str, path: &str) -> String {
        if attribute == "Arn" && self.is_provider(resource) {
            return self.provider_arn(resource, path);
        }
        self.unknown(path, format!("${{{resource}.{attribute}}}"))
    }

    fn is_provider(&self, id: &str) -> bool {
        self.resources
            .iter()
            .any(|(name, r)| *name == id && r.get("Type").and_then(Node::as_str) == Some(OIDC_PROVIDER))
    }

    /// The ARN of an `AWS::IAM::OIDCProvider` of the template: its host from its `Url`.
    fn provider_arn(&mut self, id: &str, path: &str) -> String {
        let resources = self.resources;
        let url = resources
            .iter()
            .find(|(name, _)| *name == id)
            .and_then(|(_, r)| r.get("Properties"))
            .and_then(|p| p.get("Url"));
        let host = match url.and_then(|url| self.text(url, path)) {
            Some(url) => url.strip_prefix("https://").unwrap_or(&url).to_owned(),
            None => self.unknown(path, format!("${{{id}.Url}}")),
        };
        let partition = self.unknown(path, "${AWS::Partition}".to_owned());
        let account = self.unknown(path, "${AWS::AccountId}".to_owned());
        format!("arn:{partition}:iam::{account}:oidc-provider/{host}")
    }

    /// `!Sub`'s text with each `${…}` replaced.
    fn substitute(&mut self, template: &str, variables: Option<&Node>, path: &str) -> String {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = crate::text::find(rest, "${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                out.push_str("${");
                rest = literal;
                continue;
            }
            let Some(end) = after.bytes().position(|b| b == b'}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = after[..end].trim();
            let value = match variables.and_then(|v| v.get(name)) {
                Some(variable) => self
                    .text(variable, path)
                    .unwrap_or_else(|| self.unknown(path, format!("${{{name}}}"))),
                None => match crate::text::split_once(name, ".") {
                    Some((resource, attribute)) if !name.starts_with("AWS::") => {
                        self.attribute(resource, attribute, path)
                    }
                    _ => self.reference(name, path).unwrap_or_default(),
                },
            };
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Gives a `Federated` principal known only at deploy time the host its statement's
    /// condition keys name, when they name one.
    fn infer_providers(&mut self, document: &mut Value) {
        let statements: Vec<&mut Value> = match document.get_mut("Statement") {
            Some(Value::Array(list)) => list.iter_mut().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => return,
        };
        for statement in statements {
            let mut hosts: Vec<String> = Vec::new();
            if let Some(Value::Object(blocks)) = statement.get("Condition") {
                for block in blocks.values() {
                    for key in block.as_object().into_iter().flat_map(|b| b.keys()) {
                        if let Some((prefix, _)) = split_key(key) {
                            if !is_global_key(key) && prefix.contains('.') && !hosts.iter().any(|h| h == prefix) {
                                hosts.push(prefix.to_owned());
                            }
                        }
                    }
                }
            }
            let [host] = &hosts[..] else { continue };
            let Some(federated) = statement.get_mut("Principal").and_then(|p| p.get_mut("Federated")) else {
                continue;
            };
            let values: Vec<&mut Value> = match federated {
                Value::Array(list) => list.iter_mut().collect(),
                one => vec![one],
            };
            for value in values {
                let Value::String(arn) = value else { continue };
                let tail = crate::text::split_once(arn, ":oidc-provider/").map(|(head, tail)| (head.to_owned(), tail));
                *arn = match tail {
                    Some((head, tail)) if is_unknown(tail) => format!("{head}:oidc-provider/{host}"),
                    None if is_unknown(arn) => {
                        let partition = self.push_name("<partition>");
                        let account = self.push_name("<account>");
                        format!("arn:{partition}:iam::{account}:oidc-provider/{host}")
                    }
                    _ => continue,
                };
            }
        }
    }

    /// A marker whose path is already listed.
    fn push_name(&mut self, name: &str) -> String {
        self.names.push(name.to_owned());
        marker(self.names.len() - 1)
    }
}
