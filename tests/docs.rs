//! The rule pages: `docs/rules/<CODE>.md`, their index `docs/rules/README.md` and the page's
//! rule texts `www/rules/<CODE>.json`, all generated from the rules' own data in src/ (each area's
//! `DOCUMENTED` table of `finding::Docs`). One source of truth: this test fails when a page is
//! missing or stale, when a page documents a code that no longer exists, when a code in src/
//! has no documentation, and when an example does not raise its rule or a "use instead" does.
//!
//! Regenerate after changing a rule: `UPDATE_DOCS=1 cargo test --test docs`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use gitlab_aws_oidc::ci::{ci_snippet, SnippetSpec};
use gitlab_aws_oidc::finding::{Docs, Rule};
use gitlab_aws_oidc::{inspect_token, Finding};
use serde_json::{json, Map, Value};

const REGENERATE: &str = "UPDATE_DOCS=1 cargo test --test docs";
const RULES_DIR: &str = "docs/rules";
const PAGE_DIR: &str = "www/rules";

/// The areas that report findings, each with its own code prefix and input language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Token,
    Policy,
    Snippet,
    Diagnose,
}

impl Area {
    const ALL: [Self; 4] = [Self::Token, Self::Policy, Self::Snippet, Self::Diagnose];

    fn prefix(self) -> &'static str {
        match self {
            Self::Token => "TOK",
            Self::Policy => "POL",
            Self::Snippet => "CI",
            Self::Diagnose => "DIA",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Token => "Token inspector",
            Self::Policy => "Trust-policy linter",
            Self::Snippet => "Pipeline snippets",
            Self::Diagnose => "Diagnosis",
        }
    }

    /// The export that reports the area's findings, and its section of docs/api.md.
    fn export(self) -> (&'static str, &'static str) {
        match self {
            Self::Token => ("inspectToken", "inspecttoken"),
            Self::Policy => ("lintTrustPolicy", "linttrustpolicy"),
            Self::Snippet => ("ciSnippet", "cisnippet"),
            Self::Diagnose => ("diagnose", "diagnose"),
        }
    }

    /// What the area's findings are about, for the index.
    fn intro(self) -> &'static str {
        match self {
            Self::Token => "Findings on a decoded token (`inspectToken`, step 1 of the page). TOK017 comes with every token: decoding is not verification.",
            Self::Policy => "Findings on a trust policy (`lintTrustPolicy`, step 3 of the page). The linter also runs on every policy `trustPolicy` generates, and `compareTrustPolicies` reports the findings a change adds.",
            Self::Snippet => "Findings on a generated pipeline job (`ciSnippet`, step 4 of the page): the job against its trust policy, and a pasted old job.",
            Self::Diagnose => "Findings on what was given to `diagnose`: what was found in the pasted error text and what could not be read. The diagnosis itself is in its causes.",
        }
    }

    fn of(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|area| {
            code.strip_prefix(area.prefix())
                .is_some_and(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
        })
    }
}

struct Entry {
    area: Area,
    rule: &'static Rule,
    docs: &'static Docs,
    /// Where the rule's data lives.
    source: String,
}

/// Every documented rule, area by area, in code order.
fn entries() -> Vec<Entry> {
    use gitlab_aws_oidc::{ci, diagnose, lint, token};
    let mut entries = Vec::new();
    let mut add =
        |area, table: &'static [(&'static Rule, &'static Docs)], all: &[Rule], source: &dyn Fn(usize) -> String| {
            let codes = |rules: &mut dyn Iterator<Item = &Rule>| rules.map(|r| r.code).collect::<Vec<_>>();
            assert_eq!(
                codes(&mut table.iter().map(|(r, _)| *r)),
                codes(&mut all.iter()),
                "{area:?}: DOCUMENTED lists every rule of ALL, in the same order"
            );
            for (index, (rule, docs)) in table.iter().enumerate() {
                entries.push(Entry {
                    area,
                    rule,
                    docs,
                    source: source(index),
                });
            }
        };
    add(Area::Token, token::rules::DOCUMENTED, token::rules::ALL, &|_| {
        "src/token/rules.rs".to_owned()
    });
    let lint_rules: Vec<Rule> = lint::ALL.iter().map(|r| r.rule).collect();
    add(Area::Policy, lint::DOCUMENTED, &lint_rules, &|i| {
        lint::SOURCES[i].to_owned()
    });
    add(Area::Snippet, ci::rules::DOCUMENTED, ci::rules::ALL, &|_| {
        "src/ci/rules.rs".to_owned()
    });
    add(
        Area::Diagnose,
        diagnose::rules::DOCUMENTED,
        diagnose::rules::ALL,
        &|_| "src/diagnose/rules.rs".to_owned(),
    );
    entries
}

// ---------------------------------------------------------------------------------------------
// Running the examples

/// A documented input as the area's export receives it.
fn run(area: Area, input: &str, context: &str) -> Vec<Finding> {
    match area {
        Area::Policy => gitlab_aws_oidc::lint::lint_text(input, &with_fixture_tokens(context))
            .unwrap_or_else(|e| panic!("{input}: {e}")),
        Area::Snippet => {
            let spec = SnippetSpec::from_json(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            ci_snippet(&spec).unwrap_or_else(|e| panic!("{input}: {e}")).findings
        }
        Area::Token => {
            let (jwt, now) = token_example(input, context);
            inspect_token(&jwt, now)
                .unwrap_or_else(|e| panic!("{input}: {e}"))
                .findings
        }
        Area::Diagnose => {
            let call = json_of(input);
            let text = call["errorText"].as_str().expect("errorText");
            gitlab_aws_oidc::diagnose::diagnose_text(text, &call["context"].to_string())
                .unwrap_or_else(|e| panic!("{input}: {e}"))
                .findings
        }
    }
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A lint context in which `"@name"` stands for the fixture token `tests/fixtures/tokens/<name>.jwt`.
fn with_fixture_tokens(context: &str) -> String {
    let mut value = json_of(context);
    if let Some(Value::String(token)) = value.get_mut("token") {
        if let Some(name) = token.strip_prefix('@') {
            let path = format!("tests/fixtures/tokens/{name}.jwt");
            fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{path}: {e}"))
                .trim()
                .clone_into(token);
        }
    }
    value.to_string()
}

/// `{"header":…,"payload":…,"signature"?:""}` as a compact JWT, and the context's `nowSeconds`.
fn token_example(input: &str, context: &str) -> (String, i64) {
    let value = json_of(input);
    let b64 = |part: &Value| gitlab_aws_oidc::base64url::encode(part.to_string().as_bytes());
    // Any bytes will do: the inspector never verifies.
    let signature = value
        .get("signature")
        .map_or("c2lnbmF0dXJl", |s| s.as_str().expect("signature"));
    let jwt = format!("{}.{}.{signature}", b64(&value["header"]), b64(&value["payload"]));
    let now = json_of(context)["nowSeconds"]
        .as_i64()
        .expect("a TOK context has nowSeconds");
    (jwt, now)
}

#[test]
fn every_example_raises_its_rule_and_every_use_instead_does_not() {
    let mut problems = Vec::new();
    for entry in entries() {
        let (code, docs, area) = (entry.rule.code, entry.docs, entry.area);
        if docs.example.is_empty() {
            // Only where the input would be too large to show.
            if code != "DIA004" {
                problems.push(format!("{code} has no example"));
            }
        } else {
            let raised = codes(&run(area, docs.example, docs.context));
            let only = match area {
                Area::Policy | Area::Snippet => raised.iter().all(|c| *c == code),
                Area::Token => raised.iter().all(|c| *c == code || *c == "TOK017"),
                Area::Diagnose => true,
            };
            if !raised.contains(&code) || !only {
                problems.push(format!("{code}'s example raises {raised:?}"));
            }
        }
        if docs.use_instead.is_empty() {
            if code != "TOK017" {
                problems.push(format!("{code} has no use_instead"));
            }
            continue;
        }
        let raised = codes(&run(area, docs.use_instead, docs.context));
        let fine = match area {
            Area::Policy | Area::Snippet => raised.is_empty(),
            Area::Token => raised == ["TOK017"],
            Area::Diagnose => !raised.contains(&code),
        };
        if !fine {
            problems.push(format!("{code}'s use_instead raises {raised:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn every_rule_is_documented_and_every_code_in_src_is_a_rule() {
    let entries = entries();
    let documented: Vec<&str> = entries.iter().map(|e| e.rule.code).collect();
    for area in Area::ALL {
        let numbers: Vec<usize> = entries
            .iter()
            .filter(|e| e.area == area)
            .map(|e| e.rule.code[area.prefix().len()..].parse().unwrap())
            .collect();
        assert_eq!(
            numbers,
            (1..=numbers.len()).collect::<Vec<_>>(),
            "{area:?}: codes are numbered from 001, in order, no gaps"
        );
    }
    let mut problems = Vec::new();
    for entry in &entries {
        let (code, rule, docs) = (entry.rule.code, entry.rule, entry.docs);
        assert_eq!(Area::of(code), Some(entry.area), "{code}");
        assert!(
            !rule.name.is_empty()
                && rule
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{code}: the name is kebab-case: {}",
            rule.name
        );
        for (field, text) in [
            ("why", rule.why),
            ("what_it_does", docs.what_it_does),
            ("why_is_this_bad", docs.why_is_this_bad),
            ("fix", docs.fix),
        ] {
            if text.len() < 20 || text.contains('\n') {
                problems.push(format!("{code}: {field} is missing, or more than one paragraph"));
            }
            if field != "why" {
                problems.extend(check_markdown(code, field, text));
            }
        }
    }
    // A code literal anywhere in src/ (a new area's too) must be a documented rule.
    let mut in_src = BTreeSet::new();
    for file in rust_files(Path::new("src")) {
        let text = fs::read_to_string(&file).unwrap();
        let bytes = text.as_bytes();
        for (at, _) in text.match_indices('"') {
            let rest = &bytes[at + 1..];
            let letters = rest.iter().take_while(|b| b.is_ascii_uppercase()).count();
            let digits = rest[letters..].iter().take_while(|b| b.is_ascii_digit()).count();
            if (2..=3).contains(&letters) && digits == 3 && rest.get(letters + digits) == Some(&b'"') {
                let code = &text[at + 1..at + 1 + letters + digits];
                if !["RS", "ES", "HS", "PS"].contains(&&code[..2]) {
                    in_src.insert(code.to_owned());
                }
            }
        }
    }
    for code in in_src.iter().filter(|c| !documented.contains(&c.as_str())) {
        problems.push(format!(
            "{code} is in src/ but documented nowhere: add it to its area's DOCUMENTED (and the area to tests/docs.rs)"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The docs texts are Markdown with `code` spans only, so the page can show them as text: no
/// emphasis, links, HTML or escapes outside the spans.
fn check_markdown(code: &str, field: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if text.matches('`').count() % 2 != 0 {
        problems.push(format!("{code}: {field} has an unclosed code span"));
    }
    for outside in text.split('`').step_by(2) {
        for c in ['<', '>', '*', '_', '[', ']', '|', '\\'] {
            if outside.contains(c) {
                problems.push(format!("{code}: {field} has {c:?} outside a code span: {outside:?}"));
            }
        }
    }
    problems
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// One block of an example as the page and the Markdown show it: a line of prose, then the text.
struct Block {
    label: String,
    lang: &'static str,
    text: String,
    /// What the export reported (the Markdown shows it; the page, which shows the finding itself, does not).
    reported: bool,
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap()
}

/// The input of an example (or of its "use instead") as blocks, in the area's terms.
fn input_blocks(area: Area, input: &str, context: &str, fixed: bool) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut block = |label: String, lang, text: String| {
        blocks.push(Block {
            label,
            lang,
            text,
            reported: false,
        });
    };
    match area {
        Area::Policy => {
            let what = if fixed {
                "The same policy, fixed:"
            } else {
                "This trust policy:"
            };
            block(what.to_owned(), "json", pretty(&json_of(input)));
            if context != "{}" && !fixed {
                let label = if context.contains("\"@") {
                    "Linted with this context, where `\"@gitlab-com-main\"` stands for the fixture token `tests/fixtures/tokens/gitlab-com-main.jwt`:"
                } else {
                    "Linted with this context:"
                };
                block(label.to_owned(), "json", pretty(&json_of(context)));
            }
        }
        Area::Snippet => {
            let mut spec = json_of(input);
            let job = spec.as_object_mut().unwrap().remove("existingJob");
            let what = if fixed {
                "The same spec, fixed:"
            } else {
                "This `ciSnippet` spec:"
            };
            block(what.to_owned(), "json", pretty(&spec));
            if let Some(Value::String(job)) = job {
                let label = if fixed {
                    "and its `existingJob`:"
                } else {
                    "with this `existingJob`:"
                };
                block(label.to_owned(), "yaml", job.trim_end().to_owned());
            }
        }
        Area::Token => {
            let value = json_of(input);
            let mut parts = Map::new();
            parts.insert("header".to_owned(), value["header"].clone());
            parts.insert("payload".to_owned(), value["payload"].clone());
            let signed = if value.get("signature").is_some_and(|s| s == "") {
                "with an empty signature (`header.payload.`)"
            } else {
                "with a signature (not checked)"
            };
            let now = json_of(context)["nowSeconds"].as_i64().unwrap();
            let what = if fixed { "Instead, a token" } else { "A token" };
            block(
                format!(
                    "{what} whose header and payload decode to this, {signed}, inspected at `nowSeconds` {now} ({}):",
                    utc(now)
                ),
                "json",
                pretty(&Value::Object(parts)),
            );
        }
        Area::Diagnose => {
            let call = json_of(input);
            let what = if fixed {
                "Instead, this error text:"
            } else {
                "This error text:"
            };
            block(what.to_owned(), "text", call["errorText"].as_str().unwrap().to_owned());
            let mut context = call["context"].as_object().cloned().unwrap_or_default();
            let job = context.remove("job");
            if context.is_empty() && job.is_none() {
                block("with no context.".to_owned(), "", String::new());
            } else if !context.is_empty() {
                block("with this context:".to_owned(), "json", pretty(&Value::Object(context)));
            }
            if let Some(Value::String(job)) = job {
                block("and this `job`:".to_owned(), "yaml", job.trim_end().to_owned());
            }
        }
    }
    blocks
}

/// What the export reported, as one line per finding.
fn reported(area: Area, findings: &[Finding]) -> Block {
    let export = area.export().0;
    if findings.is_empty() {
        return Block {
            label: format!("`{export}` reports nothing."),
            lang: "",
            text: String::new(),
            reported: true,
        };
    }
    let mut text = String::new();
    for f in findings {
        let severity = serde_json::to_value(f.severity).unwrap();
        let at = f.path.as_ref().map(|p| format!(" at {p}")).unwrap_or_default();
        let _ = writeln!(
            text,
            "{} {} {}{at}: {}",
            severity.as_str().unwrap(),
            f.code,
            f.name,
            f.message
        );
    }
    Block {
        label: format!("`{export}` reports:"),
        lang: "text",
        text: text.trim_end().to_owned(),
        reported: true,
    }
}

/// `2025-11-24T16:20:00Z`, as the core writes it.
fn utc(seconds: i64) -> String {
    gitlab_aws_oidc::token::times::format_utc(seconds).expect("a time within the years 0-9999")
}

fn severity_word(rule: &Rule) -> &'static str {
    match rule.severity {
        gitlab_aws_oidc::Severity::Error => "Error",
        gitlab_aws_oidc::Severity::Warning => "Warning",
        gitlab_aws_oidc::Severity::Info => "Info",
    }
}

/// Plain text as Markdown: the characters Markdown would read as syntax, escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn fenced(out: &mut String, block: &Block) {
    let _ = writeln!(out, "{}\n", block.label);
    if !block.text.is_empty() {
        let _ = writeln!(out, "```{}\n{}\n```\n", block.lang, block.text);
    }
}

/// Everything a rule page shows, computed once for the Markdown and the page's JSON.
struct Page {
    example: Vec<Block>,
    use_instead: Vec<Block>,
    /// The example's finding carries a one-click fix.
    one_click: bool,
}

fn page_of(entry: &Entry) -> Page {
    let (area, docs) = (entry.area, entry.docs);
    let mut example = Vec::new();
    let mut one_click = false;
    if docs.example.is_empty() {
        example.push(Block {
            label: "No example is shown here: the input that raises this finding is too large to show.".to_owned(),
            lang: "",
            text: String::new(),
            reported: false,
        });
    } else {
        example = input_blocks(area, docs.example, docs.context, false);
        let findings = run(area, docs.example, docs.context);
        one_click = findings.iter().any(|f| f.code == entry.rule.code && f.fix.is_some());
        example.push(reported(area, &findings));
    }
    let mut use_instead = Vec::new();
    if docs.use_instead.is_empty() {
        use_instead.push(Block {
            label: "No input avoids this finding: see Fix.".to_owned(),
            lang: "",
            text: String::new(),
            reported: false,
        });
    } else {
        use_instead = input_blocks(area, docs.use_instead, docs.context, true);
        use_instead.push(reported(area, &run(area, docs.use_instead, docs.context)));
    }
    Page {
        example,
        use_instead,
        one_click,
    }
}

const ONE_CLICK: &str = "The finding carries a one-click fix: `fix` holds the whole policy with it applied, and the page's Apply fix button applies it.";

fn markdown(entry: &Entry, page: &Page) -> String {
    let (rule, docs, area) = (entry.rule, entry.docs, entry.area);
    let (export, anchor) = area.export();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- Generated from {} by `{REGENERATE}`: edit the rule's data there, not this page. -->\n",
        entry.source
    );
    let _ = writeln!(out, "# {} `{}`\n", rule.code, rule.name);
    let _ = writeln!(
        out,
        "**{}** · {} ([`{export}`](../api.md#{anchor})) · defined in [`{}`](../../{}) · [all rules](README.md)\n",
        severity_word(rule),
        area.title(),
        entry.source,
        entry.source
    );
    let _ = writeln!(out, "> {}\n", escape(rule.why));
    let _ = writeln!(out, "## What it does\n\n{}\n", docs.what_it_does);
    let _ = writeln!(out, "## Why is this bad?\n\n{}\n", docs.why_is_this_bad);
    out.push_str("## Example\n\n");
    for block in &page.example {
        fenced(&mut out, block);
    }
    out.push_str("## Use instead\n\n");
    for block in &page.use_instead {
        fenced(&mut out, block);
    }
    let _ = writeln!(out, "## Fix\n\n{}\n", docs.fix);
    if page.one_click {
        let _ = writeln!(out, "{ONE_CLICK}\n");
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn index(entries: &[Entry]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- Generated from the rules' data in src/ by `{REGENERATE}`; do not edit. -->\n"
    );
    out.push_str("# Rules\n\n");
    out.push_str(
        "Every finding has a stable code, never renumbered, and a page here: what the rule does, why it matters, an example \
         that raises it, what to use instead and how to fix it. The pages are generated from the rules' own data in `src/`, \
         and their examples are run by the tests. A finding on the page links to its rule's text. Findings are data about the \
         input, never exceptions: see [the API](../api.md#findings).\n\n",
    );
    for area in Area::ALL {
        let _ = writeln!(out, "## {} ({}…)\n\n{}\n", area.title(), area.prefix(), area.intro());
        out.push_str("| Code | Name | Severity | Why it matters |\n| --- | --- | --- | --- |\n");
        for entry in entries.iter().filter(|e| e.area == area) {
            let rule = entry.rule;
            let _ = writeln!(
                out,
                "| [{}]({}.md) | `{}` | {} | {} |",
                rule.code,
                rule.code,
                rule.name,
                severity_word(rule).to_ascii_lowercase(),
                escape(rule.why)
            );
        }
        out.push('\n');
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// The page's copy of a rule's texts (`www/rules/<CODE>.json`): fetched only when a finding's
/// rule link is used (the single file inlines them all).
fn page_json(entry: &Entry, page: &Page) -> String {
    // [label] or [label, text, lang]; JSON compact (the page indents it), the export's report left out.
    let blocks = |blocks: &[Block]| -> Value {
        blocks
            .iter()
            .filter(|b| !b.reported)
            .map(|b| match b.lang {
                _ if b.text.is_empty() => json!([b.label]),
                "json" => json!([b.label, json_of(&b.text).to_string(), "json"]),
                lang => json!([b.label, b.text, lang]),
            })
            .collect()
    };
    let (rule, docs) = (entry.rule, entry.docs);
    let mut fix = docs.fix.to_owned();
    if page.one_click {
        fix = format!("{fix} {ONE_CLICK}");
    }
    let value = json!({
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "area": entry.area.title(),
        "why": rule.why,
        "whatItDoes": docs.what_it_does,
        "whyIsThisBad": docs.why_is_this_bad,
        "example": blocks(&page.example),
        "useInstead": blocks(&page.use_instead),
        "fix": fix,
    });
    format!("{value}\n")
}

#[test]
fn rule_pages_match_the_rules() {
    let entries = entries();
    let pages: Vec<(&Entry, Page)> = entries.iter().map(|e| (e, page_of(e))).collect();
    let mut wanted: Vec<(PathBuf, String)> = pages
        .iter()
        .map(|(entry, page)| {
            (
                Path::new(RULES_DIR).join(format!("{}.md", entry.rule.code)),
                markdown(entry, page),
            )
        })
        .collect();
    wanted.push((Path::new(RULES_DIR).join("README.md"), index(&entries)));
    for (entry, page) in &pages {
        wanted.push((
            Path::new(PAGE_DIR).join(format!("{}.json", entry.rule.code)),
            page_json(entry, page),
        ));
    }

    for (entry, page) in &pages {
        assert_eq!(
            entry.docs.fix.contains("one-click fix"),
            page.one_click,
            "{}: the fix text mentions a one-click fix exactly when the example's finding has one",
            entry.rule.code
        );
    }
    let update = std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1");
    let mut problems = Vec::new();
    // Pages of codes that no longer exist.
    let keep: BTreeSet<PathBuf> = wanted.iter().map(|(p, _)| p.clone()).collect();
    for dir in [RULES_DIR, PAGE_DIR] {
        if update {
            fs::create_dir_all(dir).unwrap();
        }
        let Ok(dir) = fs::read_dir(dir) else { continue };
        for file in dir {
            let path = file.unwrap().path();
            if !keep.contains(&path) {
                if update {
                    fs::remove_file(&path).unwrap();
                } else {
                    problems.push(format!("{} documents no rule that exists", path.display()));
                }
            }
        }
    }
    for (path, text) in &wanted {
        let current = fs::read_to_string(path).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        if update {
            fs::write(path, text).unwrap();
        } else if current.is_none() {
            problems.push(format!("{} is missing", path.display()));
        } else {
            problems.push(format!("{} is stale", path.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "the rule pages do not match the rules in src/:\n  {}\nregenerate them with: {REGENERATE}",
        problems.join("\n  ")
    );
}
