//! Values no one knows until the policy is deployed: a CloudFormation intrinsic function
//! (`!Ref Group`, `${AWS::AccountId}` in a `!Sub`) or a Terraform value known only after apply.
//!
//! A source adapter writes each such value into the document's text as a marker:
//! U+E000, the value's number, U+E001 (private-use characters IAM would refuse, with ASCII
//! digits between them). To the rules a marker is *some literal text, fixed when the stack is
//! deployed*: not a wildcard, not a policy variable, and valid wherever it stands. So
//! `project_path:${Group}/app:*` reads as a project named by path in one group (no
//! `sub-any-project`), any ref (`sub-any-ref`: the `*` is written in the template); a value
//! that is nothing but a marker admits what its deploy-time text admits, which no rule can see.
//! The evaluator leaves a condition with a marker undecided ([`crate::policy::evaluate`]).
//! Where a rule names a value, the report shows the template's own text (`${Group}`).

/// Opens a marker.
pub const OPEN: char = '\u{e000}';
/// Closes a marker.
pub const CLOSE: char = '\u{e001}';

/// The marker for the value numbered `index` in its document's table.
#[must_use]
pub fn marker(index: usize) -> String {
    format!("{OPEN}{index}{CLOSE}")
}

/// Whether a value holds a marker.
#[must_use]
pub fn has_unknown(value: &str) -> bool {
    value.chars().any(|c| c == OPEN)
}

/// Whether a value is a marker and nothing else.
#[must_use]
pub fn is_unknown(value: &str) -> bool {
    value
        .strip_prefix(OPEN)
        .and_then(|rest| rest.strip_suffix(CLOSE))
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The text before the first marker (all of it when there is none).
#[must_use]
pub fn known_prefix(value: &str) -> &str {
    value.find(OPEN).map_or(value, |at| &value[..at])
}

/// A text with each marker replaced by `names[index]` (a number not in the table stays as it is).
/// A message quoting a value with `{:?}` holds the marker escaped (`\u{e000}0\u{e001}`): that
/// form is replaced too.
#[must_use]
pub fn display(text: &str, names: &[String]) -> String {
    let raw = replace(text, &OPEN.to_string(), &CLOSE.to_string(), names);
    replace(&raw, "\\u{e000}", "\\u{e001}", names)
}

fn replace(text: &str, open: &str, close: &str, names: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let name = after[..digits].parse::<usize>().ok().and_then(|i| names.get(i));
        match (name, after[digits..].strip_prefix(close)) {
            (Some(name), Some(tail)) if digits > 0 => {
                out.push_str(&rest[..start]);
                out.push_str(name);
                rest = tail;
            }
            _ => {
                out.push_str(&rest[..start + open.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_to_their_names() {
        let value = format!("project_path:{}/app:ref:{}", marker(0), marker(11));
        assert!(has_unknown(&value) && !is_unknown(&value));
        assert!(is_unknown(&marker(3)));
        assert!(!is_unknown("\u{e000}\u{e001}"));
        assert_eq!(known_prefix(&value), "project_path:");
        let mut names = vec!["${Group}".to_owned(); 12];
        names[11] = "${Ref}".to_owned();
        assert_eq!(display(&value, &names), "project_path:${Group}/app:ref:${Ref}");
        assert_eq!(display("\u{e000}9", &names), "\u{e000}9");
        assert_eq!(
            display(&marker(99), &names),
            marker(99),
            "a number not in the table stays"
        );
        assert_eq!(display("plain", &[]), "plain");
        assert_eq!(
            display(&format!("sub {value:?}"), &names),
            "sub \"project_path:${Group}/app:ref:${Ref}\""
        );
    }
}
