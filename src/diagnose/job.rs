//! A pasted job or `.gitlab-ci.yml`, read for what the cause checks need: the `id_tokens:` the
//! job gets (its own, an `extends:` template's, or `default:`'s), the variables the file
//! sets, its `timeout:`, and the arguments of its `aws sts assume-role-with-web-identity`
//! call. Not a YAML parser: a reader of keys and indentation, and of shell words in the
//! scripts, which is what a job that assumes a role is made of. Anything it cannot read is
//! simply not known, never guessed.

// The top-level keys that are not jobs: one list, the snippet checks'.
use crate::ci::RESERVED_KEYS as RESERVED;
use crate::text::{contains, Gather as _, Joined as _};

/// The most of a pasted job that is read.
pub const MAX_JOB_BYTES: usize = 256 * 1024;

/// The arguments of the job's `aws sts assume-role-with-web-identity`, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StsCall {
    pub role_arn: Option<String>,
    pub session_name: Option<String>,
    pub token: Option<String>,
    pub duration: Option<String>,
    pub region: Option<String>,
}

/// What the checks read from a job.
#[derive(Debug, Clone, Default)]
#[allow(clippy::struct_excessive_bools, reason = "independent facts about one job")]
pub struct Job {
    /// The job's name; `None` for a job body pasted without it.
    pub name: Option<String>,
    /// The ID tokens the job gets, by variable name, with their audiences.
    pub id_tokens: Vec<(String, Vec<String>)>,
    /// Where they come from: `the job`, `template .x` or `default:`.
    pub id_tokens_from: Option<String>,
    pub extends: Vec<String>,
    /// The file's global `variables:`, then the job's own (a later one wins).
    pub variables: Vec<(String, String)>,
    pub call: Option<StsCall>,
    /// The job reads `AWS_WEB_IDENTITY_TOKEN_FILE` (the SDKs' web-identity provider).
    pub uses_token_file: bool,
    /// The variable written into the token file (`echo "$GITLAB_OIDC_TOKEN" > …`).
    pub token_file_variable: Option<String>,
    pub timeout_seconds: Option<i64>,
    /// The job (or a template it extends) sets `parallel:`: several copies start at once.
    pub parallel: bool,
    /// The job's text and its templates': what its scripts can reference.
    pub text: String,
    /// The legacy variable the job still reads (`CI_JOB_JWT_V2`, …).
    pub legacy: Option<&'static str>,
    /// `export $(aws sts …)`: a failed call goes unnoticed (CI007).
    pub hides_failure: bool,
    /// The job has no key a GitLab job needs (`script:`, `trigger:`, `extends:`, `run:`).
    pub not_a_job: bool,
    /// The text was longer than [`MAX_JOB_BYTES`].
    pub truncated: bool,
}

impl Job {
    /// A variable's value as the file sets it.
    #[must_use]
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.variables
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the file sets a variable.
    #[must_use]
    pub fn sets(&self, name: &str) -> bool {
        self.variable(name).is_some() || contains(&self.text, &format!("export {name}="))
    }

    /// The region the job's AWS calls use: `--region`, then `AWS_REGION`, then `AWS_DEFAULT_REGION`.
    #[must_use]
    pub fn region(&self) -> Option<String> {
        self.call
            .as_ref()
            .and_then(|c| c.region.clone())
            .or_else(|| self.variable("AWS_REGION").map(str::to_owned))
            .or_else(|| self.variable("AWS_DEFAULT_REGION").map(str::to_owned))
            .map(|r| self.resolve(&r))
    }

    /// A value with `$NAME` / `${NAME}` replaced when the file sets `NAME` (one level).
    #[must_use]
    pub fn resolve(&self, value: &str) -> String {
        match variable_name(value) {
            Some(name) => self
                .variable(name)
                .map_or_else(|| unquote(value).to_owned(), str::to_owned),
            None => unquote(value).to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

fn read_lines(yaml: &str) -> Vec<Line<'_>> {
    crate::text::lines(yaml)
        .filter_map(|raw| {
            let text = raw.trim_start();
            let indent = raw.len() - text.len();
            let text = text.trim_end();
            (!text.is_empty() && !text.starts_with('#')).then_some(Line { indent, text })
        })
        .gather()
}

/// `key: value` (value possibly empty); `None` for a list item or a line without a key.
fn key_value(text: &str) -> Option<(&str, &str)> {
    if text.starts_with('-') {
        return None;
    }
    let bytes = text.as_bytes();
    let colon = (0..bytes.len()).find(|&i| bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' '))?;
    let key = unquote(text[..colon].trim());
    (!key.is_empty()).then(|| (key, text[colon + 1..].trim()))
}

/// A YAML scalar without its quotes.
#[must_use]
pub fn unquote(value: &str) -> &str {
    let value = value.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote).and_then(|v| v.strip_suffix(quote)) {
            return inner;
        }
    }
    value
}

/// `$NAME` or `${NAME}` (quoted or not) → `NAME`.
#[must_use]
pub fn variable_name(value: &str) -> Option<&str> {
    let value = unquote(value);
    let name = value
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .or_else(|| value.strip_prefix('$'))?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(name)
}

/// Every `$NAME` and `${NAME}` in a text, in order.
#[must_use]
pub fn references(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut names = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'$' {
            at += 1;
            continue;
        }
        let braced = bytes.get(at + 1) == Some(&b'{');
        let start = at + 1 + usize::from(braced);
        let length = bytes[start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if length > 0 {
            names.push(&text[start..start + length]);
        }
        at = start + length;
    }
    names
}

/// A scalar, a flow list `[a, b]` or the `- a` lines under a key, as strings.
fn values(inline: &str, below: &[Line<'_>]) -> Vec<String> {
    if let Some(list) = inline.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        return crate::text::split_ascii(list, b',')
            .map(|v| unquote(v).to_owned())
            .filter(|v| !v.is_empty())
            .gather();
    }
    if !inline.is_empty() {
        return vec![unquote(inline).to_owned()];
    }
    below
        .iter()
        .filter_map(|l| l.text.strip_prefix('-'))
        .map(|v| unquote(v).to_owned())
        .gather()
}

/// The lines below line `index` that are indented more than it.
fn below<'a>(lines: &'a [Line<'a>], index: usize) -> &'a [Line<'a>] {
    let indent = lines[index].indent;
    let end = lines[index + 1..]
        .iter()
        .position(|l| l.indent <= indent)
        .map_or(lines.len(), |p| index + 1 + p);
    &lines[index + 1..end]
}

/// The children of a block: `(key, inline value, index)` of the lines at its first indent.
fn children<'a>(block: &'a [Line<'a>]) -> Vec<(&'a str, &'a str, usize)> {
    let Some(indent) = block.first().map(|l| l.indent) else {
        return Vec::new();
    };
    block
        .iter()
        .enumerate()
        .filter(|(_, l)| l.indent == indent)
        .filter_map(|(i, l)| key_value(l.text).map(|(k, v)| (k, v, i)))
        .gather()
}

/// The value of a child key of a block, and the lines below it.
fn child<'a>(block: &'a [Line<'a>], key: &str) -> Option<(&'a str, &'a [Line<'a>])> {
    children(block)
        .into_iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, v, i)| (v, below(block, i)))
}

/// `id_tokens:` → `[(NAME, audiences)]`.
fn id_tokens(block: &[Line<'_>]) -> Option<Vec<(String, Vec<String>)>> {
    let (_, tokens) = child(block, "id_tokens")?;
    Some(
        children(tokens)
            .into_iter()
            .map(|(name, _, i)| {
                let aud = child(below(tokens, i), "aud")
                    .map(|(v, b)| values(v, b))
                    .unwrap_or_default();
                (name.to_owned(), aud)
            })
            .gather(),
    )
}

/// The entries of a `variables:` block → `[(NAME, value)]`; `NAME: {value: x}` and a nested
/// `value:` are read too.
fn variable_entries(lines: &[Line<'_>]) -> Vec<(String, String)> {
    children(lines)
        .into_iter()
        .map(|(name, inline, i)| {
            let value = if let Some(flow) = inline.strip_prefix('{') {
                crate::text::split_ascii(crate::text::trim_end_ascii(flow, b'}'), b',')
                    .find_map(|pair| key_value(pair.trim()).filter(|(k, _)| *k == "value").map(|(_, v)| v))
                    .unwrap_or_default()
            } else if inline.is_empty() {
                child(below(lines, i), "value").map_or("", |(v, _)| v)
            } else {
                inline
            };
            (name.to_owned(), unquote(value).to_owned())
        })
        .gather()
}

/// A job block's `variables:`.
fn variables(block: &[Line<'_>]) -> Vec<(String, String)> {
    child(block, "variables")
        .map(|(_, lines)| variable_entries(lines))
        .unwrap_or_default()
}

/// A GitLab duration (`1h 30m`, `3 hours 30 minutes`, `90 minutes`, `600`) in seconds.
#[must_use]
pub fn duration_seconds(text: &str) -> Option<i64> {
    let text = unquote(text).to_ascii_lowercase();
    let bytes = text.as_bytes();
    let (mut total, mut at, mut any) = (0_i64, 0, false);
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let digits = bytes[at..].iter().take(9).take_while(|b| b.is_ascii_digit()).count();
        let number = super::number(&text[at..at + digits])?;
        at += digits;
        while bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        let letters = bytes[at..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit = match &text[at..at + letters] {
            "" | "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            "w" | "wk" | "week" | "weeks" => 604_800,
            _ => return None,
        };
        at += letters;
        total = total.checked_add(number.checked_mul(unit)?)?;
        any = true;
    }
    any.then_some(total)
}

/// Shell words of a script: quotes removed, `(`, `)`, `|`, `;`, `&` and line starts of YAML
/// list items (`-`) kept as words of their own, so a reader knows where a command ends.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars();
    let mut quoted = false;
    let flush = |word: &mut String, quoted: &mut bool, words: &mut Vec<String>| {
        if !word.is_empty() || *quoted {
            words.push(std::mem::take(word));
        }
        *quoted = false;
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                quoted = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(next) = chars.next() {
                                if next != '\n' {
                                    word.push(next);
                                }
                            }
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' if chars.clone().next() == Some('\n') => {
                chars.next();
            }
            '(' | ')' | '|' | ';' | '&' => {
                flush(&mut word, &mut quoted, &mut words);
                words.push(c.to_string());
            }
            c if c.is_whitespace() => flush(&mut word, &mut quoted, &mut words),
            c => word.push(c),
        }
        if words.len() > 20_000 {
            break;
        }
    }
    flush(&mut word, &mut quoted, &mut words);
    words
}

/// The arguments of the first `sts assume-role-with-web-identity` in a script.
fn sts_call(text: &str) -> Option<StsCall> {
    // Only the lines of the script, without their YAML list markers or block indicators.
    let script: String = crate::text::lines(text)
        .map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("- ").unwrap_or(line);
            match line.trim() {
                ">" | ">-" | "|" | "|-" | "-" => "",
                _ => line,
            }
        })
        .gather()
        .joined("\n");
    let words = shell_words(&script);
    let at = words.iter().position(|w| w == "assume-role-with-web-identity")?;
    let mut call = StsCall::default();
    let rest = &words[at + 1..];
    let mut index = 0;
    while let Some(word) = rest.get(index) {
        index += 1;
        let Some(flag) = word.strip_prefix("--") else {
            break;
        };
        let (flag, value) = if let Some((flag, value)) = crate::text::split_once_ascii(flag, b'=') {
            (flag, Some(value.to_owned()))
        } else {
            let value = rest
                .get(index)
                .filter(|w| !w.starts_with("--") && !matches!(w.as_str(), "(" | ")" | "|" | ";" | "&"))
                .cloned();
            index += usize::from(value.is_some());
            (flag, value)
        };
        let slot = match flag {
            "role-arn" => &mut call.role_arn,
            "role-session-name" => &mut call.session_name,
            "web-identity-token" => &mut call.token,
            "duration-seconds" => &mut call.duration,
            "region" => &mut call.region,
            _ => continue,
        };
        *slot = value;
    }
    Some(call)
}

/// The variable written into the web identity token file: the first `$NAME` before a `>`
/// on a line that writes to `AWS_WEB_IDENTITY_TOKEN_FILE` (or the path it is set to).
fn token_file_variable(text: &str, path: Option<&str>) -> Option<String> {
    crate::text::lines(text).find_map(|line| {
        let (head, target) = crate::text::split_once_ascii(line, b'>')?;
        let writes = contains(target, "AWS_WEB_IDENTITY_TOKEN_FILE") || path.is_some_and(|p| contains(target, p));
        if !writes {
            return None;
        }
        references(head).first().map(|name| (*name).to_owned())
    })
}

/// The legacy token variable a text reads, if any.
fn legacy(text: &str) -> Option<&'static str> {
    for variable in ["CI_JOB_JWT_V2", "CI_JOB_JWT_V1", "CI_JOB_JWT"] {
        let mut rest = text;
        while let Some(at) = crate::text::find(rest, variable) {
            rest = &rest[at + variable.len()..];
            if !rest.starts_with("_V") {
                return Some(variable);
            }
        }
    }
    None
}

/// A top-level block: its key and lines.
struct Block<'a> {
    key: &'a str,
    lines: &'a [Line<'a>],
}

fn blocks<'a>(lines: &'a [Line<'a>]) -> Vec<Block<'a>> {
    let mut out = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if line.indent != 0 {
            continue;
        }
        if let Some((key, _)) = key_value(line.text) {
            out.push(Block {
                key,
                lines: below(lines, index),
            });
        }
    }
    out
}

fn is_job_body(block: &[Line<'_>]) -> bool {
    children(block).iter().any(|(k, _, _)| {
        matches!(
            *k,
            "script" | "trigger" | "extends" | "run" | "id_tokens" | "before_script"
        )
    })
}

fn block_text(lines: &[Line<'_>]) -> String {
    let mut text = String::new();
    for line in lines {
        if !text.is_empty() {
            text.push('\n');
        }
        for _ in 0..line.indent {
            text.push(' ');
        }
        text.push_str(line.text);
    }
    text
}

/// The templates a job extends, transitively (a few levels), as `(key, lines)`.
fn templates<'a>(top: &[Block<'a>], extends: &[String]) -> Vec<(&'a str, &'a [Line<'a>])> {
    let mut templates: Vec<(&str, &[Line<'_>])> = Vec::new();
    let mut pending = extends.to_vec();
    for _ in 0..8 {
        let Some(next) = pending.pop() else { break };
        if let Some(block) = top.iter().find(|b| b.key == next) {
            if !templates.iter().any(|(k, _)| *k == block.key) {
                templates.push((block.key, block.lines));
                pending.extend(
                    child(block.lines, "extends")
                        .map(|(v, b)| values(v, b))
                        .unwrap_or_default(),
                );
            }
        }
    }
    templates
}

/// The ID tokens a job gets: its own, else an extended template's, else `default:`'s; and
/// where they come from.
fn job_id_tokens(
    own: &[Line<'_>],
    templates: &[(&str, &[Line<'_>])],
    default_tokens: Option<Vec<(String, Vec<String>)>>,
) -> (Vec<(String, Vec<String>)>, Option<String>) {
    if let Some(tokens) = id_tokens(own) {
        return (tokens, Some("the job".to_owned()));
    }
    if let Some((tokens, key)) = templates.iter().find_map(|(k, b)| id_tokens(b).map(|t| (t, *k))) {
        return (tokens, Some(format!("template {key}")));
    }
    match default_tokens {
        Some(tokens) => (tokens, Some("default:".to_owned())),
        None => (Vec::new(), None),
    }
}

/// Reads a pasted job, or the job of a `.gitlab-ci.yml` that assumes a role.
#[must_use]
pub fn read_job(text: &str) -> Job {
    let truncated = text.len() > MAX_JOB_BYTES;
    let mut end = text.len().min(MAX_JOB_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let lines = read_lines(&text[..end]);
    let top = blocks(&lines);
    let global_variables = top
        .iter()
        .find(|b| b.key == "variables")
        .map(|b| variable_entries(b.lines))
        .unwrap_or_default();
    let default_tokens = top.iter().find(|b| b.key == "default").and_then(|b| id_tokens(b.lines));
    // A job body pasted without its name: its keys are at the top level.
    let whole_is_job = top
        .iter()
        .any(|b| matches!(b.key, "script" | "id_tokens" | "before_script" | "extends" | "trigger"));
    let jobs: Vec<(Option<&str>, &[Line<'_>])> = if whole_is_job {
        vec![(None, &lines[..])]
    } else {
        top.iter()
            .filter(|b| !RESERVED.contains(&b.key) && is_job_body(b.lines))
            .map(|b| (Some(b.key), b.lines))
            .gather()
    };
    let mentions = |lines: &[Line<'_>]| {
        lines.iter().any(|l| {
            contains(l.text, "assume-role-with-web-identity") || contains(l.text, "AWS_WEB_IDENTITY_TOKEN_FILE")
        })
    };
    // The job that assumes the role (not a hidden template), else the first job.
    let chosen = jobs
        .iter()
        .find(|(name, body)| !name.is_some_and(|n| n.starts_with('.')) && mentions(body))
        .or_else(|| jobs.iter().find(|(_, body)| mentions(body)))
        .or_else(|| jobs.first())
        .copied();
    let Some((name, body)) = chosen else {
        return Job {
            not_a_job: true,
            truncated,
            variables: global_variables,
            ..Job::default()
        };
    };
    let own = if name.is_none() { &lines[..] } else { body };
    let extends = child(own, "extends").map(|(v, b)| values(v, b)).unwrap_or_default();
    let templates = templates(&top, &extends);
    let (tokens, from) = job_id_tokens(own, &templates, default_tokens);
    let mut job_variables = global_variables;
    for (_, template) in templates.iter().rev() {
        job_variables.extend(variables(template));
    }
    job_variables.extend(variables(own));
    let mut job_text = block_text(own);
    for (_, template) in &templates {
        job_text.push('\n');
        job_text.push_str(&block_text(template));
    }
    let call = sts_call(&job_text);
    let timeout = child(own, "timeout")
        .or_else(|| templates.iter().find_map(|(_, b)| child(b, "timeout")))
        .and_then(|(v, _)| duration_seconds(v));
    let parallel = child(own, "parallel").is_some() || templates.iter().any(|(_, b)| child(b, "parallel").is_some());
    let mut job = Job {
        name: name.map(str::to_owned),
        id_tokens: tokens,
        id_tokens_from: from,
        extends,
        variables: job_variables,
        call,
        uses_token_file: contains(&job_text, "AWS_WEB_IDENTITY_TOKEN_FILE"),
        token_file_variable: None,
        timeout_seconds: timeout,
        parallel,
        legacy: legacy(&job_text),
        hides_failure: crate::ci::check_existing_job(&job_text)
            .iter()
            .any(|f| f.code == crate::ci::rules::HIDDEN_STS_FAILURE.code),
        not_a_job: !is_job_body(own),
        truncated,
        text: job_text,
    };
    let path = job.variable("AWS_WEB_IDENTITY_TOKEN_FILE").map(str::to_owned);
    job.token_file_variable = token_file_variable(&job.text, path.as_deref());
    job
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitLab's documented job (`doc/ci/cloud_services/aws/_index.md`), in a file with a template.
    const GITLAB_DOC_JOB: &str = r#"
variables:
  AWS_DEFAULT_REGION: eu-west-1
  ROLE_ARN: arn:aws:iam::123456789012:role/gitlab-ci

.base:
  timeout: 1h 30m

assume role:
  extends: .base
  id_tokens:
    GITLAB_OIDC_TOKEN:
      aud: https://gitlab.example.com
  script:
    # this is split out for correct exit code handling
    - >
      aws_sts_output=$(aws sts assume-role-with-web-identity
      --role-arn ${ROLE_ARN}
      --role-session-name "GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID}"
      --web-identity-token ${GITLAB_OIDC_TOKEN}
      --duration-seconds 3600
      --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]'
      --output text)
    - export $(printf "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s" $aws_sts_output)
    - aws sts get-caller-identity
"#;

    #[test]
    fn reads_gitlabs_documented_job() {
        let job = read_job(GITLAB_DOC_JOB);
        assert_eq!(job.name.as_deref(), Some("assume role"));
        assert_eq!(
            job.id_tokens,
            [(
                "GITLAB_OIDC_TOKEN".to_owned(),
                vec!["https://gitlab.example.com".to_owned()]
            )]
        );
        let call = job.call.clone().unwrap();
        assert_eq!(call.role_arn.as_deref(), Some("${ROLE_ARN}"));
        assert_eq!(
            call.session_name.as_deref(),
            Some("GitLabRunner-${CI_PROJECT_ID}-${CI_PIPELINE_ID}")
        );
        assert_eq!(call.token.as_deref(), Some("${GITLAB_OIDC_TOKEN}"));
        assert_eq!(call.duration.as_deref(), Some("3600"));
        assert_eq!(job.timeout_seconds, Some(5400));
        assert_eq!(job.region().as_deref(), Some("eu-west-1"));
        assert_eq!(job.resolve("${ROLE_ARN}"), "arn:aws:iam::123456789012:role/gitlab-ci");
        assert!(job.hides_failure);
        assert!(job.legacy.is_none() && !job.not_a_job);
    }

    #[test]
    fn reads_templates_defaults_and_token_files() {
        let yaml = "default:\n  id_tokens:\n    ID_TOKEN:\n      aud: [sts.amazonaws.com, other]\ndeploy:\n  variables:\n    AWS_WEB_IDENTITY_TOKEN_FILE: /tmp/token\n    AWS_ROLE_ARN: {value: \"arn:aws:iam::1:role/x\", description: d}\n  script:\n    - echo \"$ID_TOKEN\" > /tmp/token\n    - aws s3 ls\n";
        let job = read_job(yaml);
        assert_eq!(job.id_tokens_from.as_deref(), Some("default:"));
        assert_eq!(job.id_tokens[0].1, ["sts.amazonaws.com", "other"]);
        assert!(job.uses_token_file);
        assert_eq!(job.token_file_variable.as_deref(), Some("ID_TOKEN"));
        assert_eq!(job.variable("AWS_ROLE_ARN"), Some("arn:aws:iam::1:role/x"));
        let body = read_job("script:\n  - aws sts assume-role-with-web-identity --web-identity-token=$CI_JOB_JWT_V2 --role-arn \"$X\"\n");
        assert_eq!(body.name, None);
        assert_eq!(body.legacy, Some("CI_JOB_JWT_V2"));
        assert_eq!(body.call.unwrap().token.as_deref(), Some("$CI_JOB_JWT_V2"));
        assert!(read_job("[[[").not_a_job);
    }

    #[test]
    fn durations() {
        for (text, seconds) in [
            ("1h 30m", Some(5400)),
            ("3 hours 30 minutes", Some(12_600)),
            ("90 minutes", Some(5400)),
            ("600", Some(600)),
            ("'2h'", Some(7200)),
            ("1 day", Some(86_400)),
            ("soon", None),
            ("5 parsecs", None),
        ] {
            assert_eq!(duration_seconds(text), seconds, "{text}");
        }
    }

    #[test]
    fn words_and_references() {
        assert_eq!(
            shell_words("x=$(aws sts 'a b' \"c\\\"d\" e)|f"),
            ["x=$", "(", "aws", "sts", "a b", "c\"d", "e", ")", "|", "f"]
        );
        assert_eq!(references("a-${B}-$C_1-$-${"), ["B", "C_1"]);
        assert_eq!(variable_name("\"${ROLE_ARN}\""), Some("ROLE_ARN"));
        assert_eq!(variable_name("arn:aws"), None);
    }
}
