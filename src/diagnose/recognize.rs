//! Finds STS and IAM errors in pasted text, whatever wrapped them: the AWS CLI, an SDK's
//! exception (Python, Go v1 and v2, Java v1 and v2, JavaScript v3, Rust, Ruby, .NET, PHP),
//! Terraform's diagnostics, or the raw XML body.
//!
//! Patterns are data: [`PHRASES`] maps the messages STS and IAM send to what they mean,
//! `ANCHORS` names the marks each wrapper leaves, and `CODES` the spellings of each error
//! code. One pass over the text finds every anchor (indexed by first byte, so the work is
//! linear in the text); each wrapper's parser then reads a bounded window around its anchor.
//! The text is first normalized, line by line: escape sequences and Terraform's box drawing
//! dropped, runs of whitespace (doubled spaces, tabs) made one space, Terraform's wrapped
//! lines joined; and every secret masked (`super::mask`) before anything is read from it.

use serde::Serialize;

use crate::text::{contains, find, Gather as _};

/// The most of a pasted text that is read: its last 4 MiB (a job log ends with its failure;
/// GitLab itself keeps 4 MiB of a job's log by default).
pub const MAX_SCAN_BYTES: usize = 4 << 20;
/// Anchors collected at most; past this many the rest of the text is not searched.
const MAX_ANCHORS: usize = 2048;
/// How far a reader looks for the start or end of a line: every reader's work is bounded.
const LINE_REACH: usize = 4096;
/// The most of one message kept.
const MAX_MESSAGE_BYTES: usize = 2000;
/// Distinct errors reported at most (the first and up to 9 others).
pub const MAX_ERRORS: usize = 10;

/// The program that wrapped the error text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Client {
    AwsCli,
    SdkPython,
    SdkGo,
    SdkJava,
    SdkJavascript,
    SdkRust,
    SdkRuby,
    SdkDotnet,
    SdkPhp,
    Terraform,
    /// STS's XML error body itself.
    Xml,
    Unknown,
}

impl Client {
    /// How specific a client is: Terraform wraps an SDK, which wraps the XML.
    fn rank(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::AwsCli | Self::Xml => 1,
            Self::Terraform => 3,
            _ => 2,
        }
    }
}

/// What an error means, whatever its wrapper: one per message STS or IAM sends, and a few
/// for a code whose message is not one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `InvalidIdentityToken`: No `OpenIDConnect` provider found in your account for … (E1).
    NoProvider,
    /// `InvalidIdentityToken`: Incorrect token audience (E2).
    IncorrectAudience,
    /// `InvalidIdentityToken`: Missing a required claim (E3).
    MissingClaim,
    /// `InvalidIdentityToken`: Couldn't retrieve verification key from your identity provider (E4).
    JwksUnreachable,
    /// `InvalidIdentityToken`: … doesn't match configured thumbprint (E5).
    ThumbprintMismatch,
    /// `CreateOpenIDConnectProvider`: Could not connect to openid configuration of provider (E6).
    ProviderConnect,
    /// `InvalidIdentityToken`: The ID Token provided is not a valid JWT (E7).
    NotAJwt,
    /// `ExpiredTokenException`: Token expired: current date/time … (E8).
    TokenExpired,
    /// `AccessDenied`: Not authorized to perform sts:AssumeRoleWithWebIdentity (E9).
    NotAuthorized,
    /// `ValidationError`: The requested `DurationSeconds` exceeds the `MaxSessionDuration` (E10).
    DurationExceedsMax,
    /// `durationSeconds` outside 900–43200 (E11).
    DurationOutOfRange,
    /// `roleSessionName` breaks `[\w+=,.@-]{2,64}` (E12).
    SessionNameInvalid,
    /// Request ARN is invalid; an empty `roleArn` (E13).
    RoleArnInvalid,
    /// An empty `WebIdentityToken` (E14).
    TokenEmpty,
    /// `RegionDisabledException`: STS is not activated in this region (E15).
    RegionDisabled,
    /// `IDPCommunicationError` (E16).
    IdpCommunication,
    /// `IDPRejectedClaim` (E16).
    IdpRejectedClaim,
    /// `ExpiredToken`: the session's credentials expired after a successful assume (E17).
    SessionExpired,
    /// `InvalidClientTokenId`: the credentials used are not valid (E17).
    InvalidClientToken,
    /// `LimitExceeded`: Cannot exceed quota for `ACLSizePerRole` (E18).
    PolicyTooLarge,
    /// `InvalidIdentityToken` with a message this tool does not know.
    InvalidIdentityToken,
    /// `ValidationError` with a message this tool does not know.
    ValidationError,
    /// `MalformedPolicyDocument`: IAM refuses the trust policy.
    MalformedPolicy,
    /// No credentials at all where AWS expected them (after a hidden STS failure).
    NoCredentials,
    /// `AccessDenied` from a call other than `AssumeRoleWithWebIdentity`: the role was
    /// assumed (or other credentials were used), and its permissions refuse the call.
    ServiceAccessDenied,
    /// `Throttling`: Rate exceeded. STS refused the call for the rate of calls, not for the token.
    Throttled,
    /// The client could not reach the STS endpoint at all (DNS, connection, timeout): no STS answer.
    StsUnreachable,
    /// Nothing this tool can place.
    Unknown,
}

/// A message STS or IAM sends (lowercase, as found after normalization), what it means, and
/// the code it comes with when the wrapper does not show one.
pub struct Phrase {
    pub needle: &'static str,
    pub kind: Kind,
    pub code: &'static str,
}

const fn phrase(needle: &'static str, kind: Kind, code: &'static str) -> Phrase {
    Phrase { needle, kind, code }
}

/// Every message this tool recognizes. Sources: the catalogue of errors people paste (AWS and
/// GitLab docs, re:Post, public issue trackers), and for the client-side ones the AWS CLI's
/// own output. `ValidationError` phrases are decided by the member they name (see
/// `validation_kind`).
pub static PHRASES: [Phrase; 35] = [
    phrase(
        "no openidconnect provider found in your account",
        Kind::NoProvider,
        "InvalidIdentityToken",
    ),
    phrase(
        "incorrect token audience",
        Kind::IncorrectAudience,
        "InvalidIdentityToken",
    ),
    phrase("missing a required claim", Kind::MissingClaim, "InvalidIdentityToken"),
    phrase(
        "couldn't retrieve verification key from your identity provider",
        Kind::JwksUnreachable,
        "InvalidIdentityToken",
    ),
    phrase(
        "doesn't match configured thumbprint",
        Kind::ThumbprintMismatch,
        "InvalidIdentityToken",
    ),
    phrase(
        "could not connect to openid configuration of provider",
        Kind::ProviderConnect,
        "InvalidInput",
    ),
    phrase(
        "check .well-known/openid-configuration of provider",
        Kind::ProviderConnect,
        "InvalidInput",
    ),
    phrase("is not a valid jwt", Kind::NotAJwt, "InvalidIdentityToken"),
    phrase(
        "token expired: current date/time",
        Kind::TokenExpired,
        "ExpiredTokenException",
    ),
    phrase(
        "web identity token that was passed is expired",
        Kind::TokenExpired,
        "ExpiredTokenException",
    ),
    phrase("token too old", Kind::TokenExpired, "ExpiredTokenException"),
    phrase(
        "not authorized to perform sts:assumerolewithwebidentity",
        Kind::NotAuthorized,
        "AccessDenied",
    ),
    phrase(
        "durationseconds exceeds the maxsessionduration",
        Kind::DurationExceedsMax,
        "ValidationError",
    ),
    phrase("validation error detected", Kind::ValidationError, "ValidationError"),
    phrase("validation errors detected", Kind::ValidationError, "ValidationError"),
    phrase("request arn is invalid", Kind::RoleArnInvalid, "ValidationError"),
    phrase(
        "invalid length for parameter ",
        Kind::ValidationError,
        "ParamValidationError",
    ),
    phrase(
        "invalid value for parameter ",
        Kind::ValidationError,
        "ParamValidationError",
    ),
    phrase(
        "invalid range for parameter ",
        Kind::ValidationError,
        "ParamValidationError",
    ),
    phrase(": expected one argument", Kind::ValidationError, "ArgumentError"),
    phrase(
        "sts is not activated in this region",
        Kind::RegionDisabled,
        "RegionDisabledException",
    ),
    phrase(
        "asked to verify the incoming identity token",
        Kind::IdpCommunication,
        "IDPCommunicationError",
    ),
    phrase(
        "reported that authentication failed",
        Kind::IdpRejectedClaim,
        "IDPRejectedClaim",
    ),
    phrase(
        "security token included in the request is expired",
        Kind::SessionExpired,
        "ExpiredToken",
    ),
    phrase(
        "security token included in the request is invalid",
        Kind::InvalidClientToken,
        "InvalidClientTokenId",
    ),
    phrase(
        "cannot exceed quota for aclsizeperrole",
        Kind::PolicyTooLarge,
        "LimitExceeded",
    ),
    phrase("unable to locate credentials", Kind::NoCredentials, "NoCredentials"),
    // STS's throttling answer (code `Throttling`).
    phrase("rate exceeded", Kind::Throttled, "Throttling"),
    // The client's own words when no answer came back: smithy-go (Go SDK v2), the Go SDK v1,
    // botocore's EndpointConnectionError and ConnectTimeoutError, the Java SDKs.
    phrase("request send failed", Kind::StsUnreachable, "RequestError"),
    phrase("send request failed", Kind::StsUnreachable, "RequestError"),
    phrase(
        "could not connect to the endpoint url",
        Kind::StsUnreachable,
        "EndpointConnectionError",
    ),
    phrase(
        "connect timeout on endpoint url",
        Kind::StsUnreachable,
        "ConnectTimeoutError",
    ),
    phrase(
        "unable to execute http request",
        Kind::StsUnreachable,
        "SdkClientException",
    ),
    phrase(
        "could not load credentials from any providers",
        Kind::NoCredentials,
        "NoCredentials",
    ),
    phrase(
        "unable to load credentials from any of the providers",
        Kind::NoCredentials,
        "NoCredentials",
    ),
];

/// Which reader a wrapper anchor starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wrapper {
    /// botocore's `An error occurred (Code) when calling the Op operation: …` (AWS CLI, boto3).
    Botocore,
    /// botocore's client-side `Parameter validation failed:` and the lines below it.
    ParamValidation,
    /// smithy-go's `operation error STS: Op, https response error StatusCode: …` (Go SDK v2,
    /// Terraform's AWS provider 4 and later).
    GoV2,
    /// Go SDK v1's `Code: message` line above `status code: 400, request id: …`.
    GoV1,
    /// `software.amazon.awssdk.…Exception: message (Service: Sts, Status Code: …)`.
    JavaV2,
    /// `com.amazonaws.…Exception: message (Service: …; Error Code: …; …)`.
    JavaV1,
    /// `Aws::STS::Errors::Code: message` or `message (Aws::STS::Errors::Code)`.
    Ruby,
    /// `Amazon.SecurityToken.…Exception: message`.
    Dotnet,
    /// `Error executing "Op" on "…"; … Code (client): message - …`.
    Php,
    /// The Rust SDK's `ErrorMetadata { code: Some("…"), message: Some("…") }`.
    Rust,
    /// `<Code>…</Code>` … `<Message>…</Message>` of STS's XML body.
    Xml,
    /// JavaScript v3's `'$fault': 'client'` below the `Name: message` line and the stack.
    Javascript,
}

/// Where a client mark stands relative to the error it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The mark comes first (Terraform's `Error: configuring Terraform AWS Provider:`).
    Before,
    /// The mark follows (a JavaScript stack frame in `@aws-sdk/`).
    After,
    /// Either way: the nearest error (Terraform's `with provider["registry.terraform.io/…"]`
    /// follows its error, `Error: configuring Terraform AWS Provider:` leads it).
    Either,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    Wrapper(Wrapper),
    Client(Client, Side),
    /// An index into [`PHRASES`].
    Phrase(usize),
}

struct Anchor {
    needle: &'static str,
    trigger: Trigger,
}

const fn wrapper(needle: &'static str, wrapper: Wrapper) -> Anchor {
    Anchor {
        needle,
        trigger: Trigger::Wrapper(wrapper),
    }
}

const fn mark(needle: &'static str, client: Client, side: Side) -> Anchor {
    Anchor {
        needle,
        trigger: Trigger::Client(client, side),
    }
}

/// The marks each wrapper leaves (lowercase, after normalization).
static ANCHORS: &[Anchor] = &[
    wrapper("an error occurred (", Wrapper::Botocore),
    wrapper("parameter validation failed", Wrapper::ParamValidation),
    wrapper("operation error ", Wrapper::GoV2),
    wrapper("status code: ", Wrapper::GoV1),
    wrapper("software.amazon.awssdk.", Wrapper::JavaV2),
    wrapper("com.amazonaws.", Wrapper::JavaV1),
    wrapper("aws::sts::errors::", Wrapper::Ruby),
    wrapper("aws::iam::errors::", Wrapper::Ruby),
    wrapper("amazon.securitytoken.", Wrapper::Dotnet),
    wrapper("amazon.identitymanagement.", Wrapper::Dotnet),
    wrapper("error executing \"", Wrapper::Php),
    wrapper("errormetadata {", Wrapper::Rust),
    wrapper("<code>", Wrapper::Xml),
    wrapper("'$fault': '", Wrapper::Javascript),
    mark("terraform aws provider", Client::Terraform, Side::Either),
    mark("registry.terraform.io/hashicorp/aws", Client::Terraform, Side::Either),
    mark("cannot assume iam role", Client::Terraform, Side::Either),
    mark("in provider \"aws\"", Client::Terraform, Side::Either),
    mark(
        "webidentityerr: failed to retrieve credentials",
        Client::SdkGo,
        Side::Either,
    ),
    mark("@aws-sdk/", Client::SdkJavascript, Side::After),
    mark("@smithy/", Client::SdkJavascript, Side::After),
];

/// How far a client mark reaches for its error.
const MARK_REACH: usize = 3000;

/// The spellings of the codes this tool knows (lowercase) → the code STS and IAM send;
/// `None` for exception classes that carry no code (`StsException`).
static CODES: &[(&str, Option<&str>)] = &[
    ("accessdenied", Some("AccessDenied")),
    ("invalididentitytoken", Some("InvalidIdentityToken")),
    ("invalididentitytokenexception", Some("InvalidIdentityToken")),
    ("expiredtokenexception", Some("ExpiredTokenException")),
    ("expiredtoken", Some("ExpiredToken")),
    ("idpcommunicationerror", Some("IDPCommunicationError")),
    ("idpcommunicationerrorexception", Some("IDPCommunicationError")),
    ("idprejectedclaim", Some("IDPRejectedClaim")),
    ("idprejectedclaimexception", Some("IDPRejectedClaim")),
    ("malformedpolicydocument", Some("MalformedPolicyDocument")),
    ("malformedpolicydocumentexception", Some("MalformedPolicyDocument")),
    ("packedpolicytoolarge", Some("PackedPolicyTooLarge")),
    ("packedpolicytoolargeexception", Some("PackedPolicyTooLarge")),
    ("regiondisabledexception", Some("RegionDisabledException")),
    ("throttling", Some("Throttling")),
    ("throttlingexception", Some("Throttling")),
    ("validationerror", Some("ValidationError")),
    ("invalidclienttokenid", Some("InvalidClientTokenId")),
    ("limitexceeded", Some("LimitExceeded")),
    ("limitexceededexception", Some("LimitExceeded")),
    ("invalidinput", Some("InvalidInput")),
    ("invalidinputexception", Some("InvalidInput")),
    ("paramvalidationerror", Some("ParamValidationError")),
    ("nocredentialserror", Some("NoCredentials")),
    ("stsexception", None),
    ("iamexception", None),
    ("awssecuritytokenserviceexception", None),
    ("amazonsecuritytokenserviceexception", None),
    ("amazonidentitymanagementexception", None),
    ("amazonidentitymanagementserviceexception", None),
    ("amazonserviceexception", None),
    ("awsserviceexception", None),
    ("sdkclientexception", None),
];

/// What a spelling stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// A code STS or IAM sends.
    Code(&'static str),
    /// An exception class that carries no code (`StsException`).
    Class,
}

impl Known {
    fn code(self) -> Option<&'static str> {
        match self {
            Self::Code(code) => Some(code),
            Self::Class => None,
        }
    }
}

/// What a spelling stands for, when this tool knows it.
fn known_code(spelling: &str) -> Option<Known> {
    CODES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(spelling))
        .map(|(_, code)| code.map_or(Known::Class, Known::Code))
}

/// The code an explicit code slot holds (the CLI's parentheses, `<Code>`, `api error X`):
/// the known spelling, or the text as written when it looks like a code.
fn explicit_code(text: &str) -> Option<String> {
    match known_code(text) {
        Some(known) => known.code().map(str::to_owned),
        None => is_code(text).then(|| text.to_owned()),
    }
}

fn is_code(text: &str) -> bool {
    (1..=80).contains(&text.len())
        && text.as_bytes()[0].is_ascii_alphabetic()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':'))
}

/// An error found in the text, before it is classified.
#[derive(Debug, Clone)]
pub struct Found {
    start: usize,
    end: usize,
    pub client: Client,
    /// The code as the text shows it (canonical spelling when known).
    pub code: Option<String>,
    pub operation: Option<String>,
    pub message: String,
    pub status: Option<u16>,
    /// What it means ([`classify`]), and the code its message comes with.
    pub kind: Kind,
    pub default_code: Option<&'static str>,
}

/// What the text holds: its errors in order, and what limited the search.
#[derive(Debug, Default)]
pub struct Scan {
    pub errors: Vec<Found>,
    /// Distinct errors found beyond [`MAX_ERRORS`].
    pub more: usize,
    /// Bytes at the start of the text that were not read ([`MAX_SCAN_BYTES`]).
    pub skipped_bytes: usize,
    /// The anchor limit was reached: the end of the text was not searched.
    pub anchors_capped: bool,
    /// Secrets masked in the text.
    pub secrets: usize,
    /// The first JWT in the text (never returned; its claims may be read).
    pub first_jwt: Option<String>,
}

/// The part of a pasted text that is read: all of it, or its last [`MAX_SCAN_BYTES`].
#[must_use]
pub fn tail(text: &str) -> &str {
    if text.len() <= MAX_SCAN_BYTES {
        return text;
    }
    let mut at = text.len() - MAX_SCAN_BYTES;
    while !text.is_char_boundary(at) {
        at += 1;
    }
    &text[at..]
}

/// Normalizes text for reading, line by line: ANSI escape sequences and control characters
/// dropped, Terraform's box drawing (`│`, `╷`, `╵`) removed, runs of whitespace made one
/// space, lines trimmed; a line that starts with `│` after a non-empty `│` line (or after a
/// line starting with `Error:`) is joined to it, since Terraform wraps long messages so.
#[must_use]
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut chars = text.chars();
    let (mut line_start, mut previous_start) = (0, 0);
    let (mut pending_space, mut box_line, mut joinable) = (false, false, false);
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    // An operating-system command ends at BEL or at ESC (its `\\` is then dropped).
                    while let Some(c) = chars.next() {
                        if c == '\u{1b}' && chars.clone().next() == Some('\\') {
                            chars.next();
                        }
                        if c == '\u{7}' || c == '\u{1b}' {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' if chars.clone().next() == Some('\n') => {}
            '\n' | '\r' => {
                let line = &out[line_start..];
                joinable =
                    !line.is_empty() && (box_line || line.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("error:")));
                out.push('\n');
                previous_start = line_start;
                line_start = out.len();
                (pending_space, box_line) = (false, false);
            }
            '│' | '┃' | '╷' | '╵' => {
                box_line |= out.len() == line_start;
                pending_space = true;
            }
            c if c.is_whitespace() || c.is_control() => pending_space = true,
            c => {
                if out.len() == line_start && box_line && joinable {
                    out.pop();
                    out.push(' ');
                    line_start = previous_start;
                } else if pending_space && out.len() > line_start {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

/// The start of the line of `at`, looking back at most [`LINE_REACH`] bytes.
fn line_start(text: &str, at: usize) -> usize {
    let mut floor = at.saturating_sub(LINE_REACH);
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    text.as_bytes()[floor..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(floor, |p| floor + p + 1)
}

/// The end of the line of `at`, looking ahead at most [`LINE_REACH`] bytes.
fn line_end(text: &str, at: usize) -> usize {
    let mut ceiling = (at + LINE_REACH).min(text.len());
    while !text.is_char_boundary(ceiling) {
        ceiling -= 1;
    }
    text.as_bytes()[at..ceiling]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(ceiling, |p| at + p)
}

/// The first `needle` in `lower[from..to]`, as an offset into `lower`: candidates are the
/// positions of the needle's first byte (a fast scan), each then compared in full.
fn find_in(lower: &str, from: usize, to: usize, needle: &str) -> Option<usize> {
    let to = to.min(lower.len());
    let (hay, needle) = (lower.as_bytes().get(from..to)?, needle.as_bytes());
    let first = *needle.first()?;
    let mut at = 0;
    while let Some(offset) = hay.get(at..)?.iter().position(|b| *b == first) {
        at += offset;
        if hay[at..].starts_with(needle) {
            return Some(from + at);
        }
        at += 1;
    }
    None
}

/// The last `needle` in `lower[from..to]`, by the same fast scan as [`find_in`], backwards.
fn rfind_in(lower: &str, from: usize, to: usize, needle: &str) -> Option<usize> {
    let (hay, needle) = (lower.as_bytes().get(from..to)?, needle.as_bytes());
    let first = *needle.first()?;
    let mut end = hay.len();
    while let Some(at) = hay[..end].iter().rposition(|b| *b == first) {
        if hay[at..].starts_with(needle) {
            return Some(from + at);
        }
        end = at;
    }
    None
}

/// The identifier at `at`: letters, digits and `_`.
fn ident_at(text: &str, at: usize) -> &str {
    let length = text.as_bytes()[at.min(text.len())..]
        .iter()
        .take(120)
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    &text[at..at + length]
}

/// The identifier that ends at `end`.
fn ident_before(text: &str, end: usize) -> &str {
    let length = text.as_bytes()[..end]
        .iter()
        .rev()
        .take(120)
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    &text[end - length..end]
}

/// A number at `at` (digits only).
fn number_at(text: &str, at: usize) -> Option<u16> {
    let digits = text.as_bytes()[at.min(text.len())..]
        .iter()
        .take(5)
        .take_while(|b| b.is_ascii_digit())
        .fold(None, |n: Option<u32>, b| {
            Some(n.unwrap_or(0) * 10 + u32::from(b - b'0'))
        })?;
    u16::try_from(digits).ok()
}

/// Where a message that starts at `start` ends: at the end of its line, at the quote that
/// opened it, or at the first mark a wrapper puts after it.
fn message_end(norm: &str, lower: &str, start: usize) -> usize {
    let mut end = line_end(norm, start).min(start + MAX_MESSAGE_BYTES);
    while !norm.is_char_boundary(end) {
        end -= 1;
    }
    let bytes = norm.as_bytes();
    if let Some(&quote @ (b'"' | b'\'')) = start.checked_sub(1).map(|p| &bytes[p]) {
        let escaped = start >= 2 && bytes[start - 2] == b'\\';
        let closing = (start..end).find(|&at| bytes[at] == quote && (!escaped || bytes[at - 1] == b'\\'));
        if let Some(closing) = closing {
            end = if escaped { closing - 1 } else { closing }.max(start);
        }
    }
    // … and where a JSON log line's string ends (`…Console.","time":…` or `…Console."}`).
    for terminator in [
        " (service: ",
        "</message>",
        " ---> ",
        " (aws::",
        "\\n",
        "\\\")",
        "\"}",
        "\",\"",
    ] {
        if let Some(at) = find_in(lower, start, end, terminator) {
            end = at;
        }
    }
    end
}

/// At most [`MAX_MESSAGE_BYTES`] of a message, trimmed.
fn cap(text: &str) -> String {
    let mut end = text.len().min(MAX_MESSAGE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].trim().to_owned()
}

/// The message from `start` to its end (see [`message_end`]), trimmed.
fn message_from(norm: &str, lower: &str, start: usize) -> (String, usize) {
    let mut start = start.min(norm.len());
    while !norm.is_char_boundary(start) {
        start += 1;
    }
    let end = message_end(norm, lower, start);
    (norm[start..end].trim().to_owned(), end)
}

/// Skips spaces.
fn skip_spaces(text: &str, at: usize) -> usize {
    at + text.as_bytes()[at.min(text.len())..]
        .iter()
        .take_while(|b| **b == b' ')
        .count()
}

/// Finds every error in `text`, in order.
#[must_use]
pub fn scan(text: &str) -> Scan {
    let read = tail(text);
    let masked = super::mask::mask(&normalize(read));
    let norm = masked.text;
    let lower = norm.to_ascii_lowercase();
    let (anchors, anchors_capped) = find_anchors(&lower);
    let mut found = Vec::new();
    let mut marks = Vec::new();
    for &(at, trigger) in &anchors {
        match trigger {
            Trigger::Wrapper(wrapper) => {
                if let Some(error) = parse_wrapper(&norm, &lower, at, wrapper) {
                    found.push(error);
                }
            }
            Trigger::Client(client, side) => marks.push((at, client, side)),
            Trigger::Phrase(_) => {}
        }
    }
    // A phrase that no wrapper explained is an error of its own (the message alone, or a
    // wrapper this tool does not know).
    let mut phrase_errors = Vec::new();
    for &(at, trigger) in &anchors {
        if let Trigger::Phrase(index) = trigger {
            let covered = found.iter().any(|f| f.start <= at && at < f.end)
                || phrase_errors.iter().any(|f: &Found| f.start <= at && at < f.end);
            if !covered {
                phrase_errors.push(phrase_error(&norm, &lower, at, &PHRASES[index]));
            }
        }
    }
    let mut found = in_order(found, phrase_errors);
    for error in &mut found {
        (error.kind, error.default_code) = classify(error);
    }
    let mut merged = merge(found);
    for (at, client, side) in marks {
        attach_mark(&mut merged, at, client, side);
    }
    if merged.is_empty() {
        if let Some(mut bare) = bare_code(&norm) {
            (bare.kind, bare.default_code) = classify(&bare);
            merged.push(bare);
        }
    }
    let mut errors: Vec<Found> = Vec::new();
    let mut more = 0;
    for error in merged {
        // The same error again (a retry, a stack's "Caused by"): one entry, the details of both.
        let code = |e: &Found| e.code.clone().or_else(|| e.default_code.map(str::to_owned));
        let same = |e: &&mut Found| {
            e.kind == error.kind && code(e) == code(&error) && e.message.eq_ignore_ascii_case(&error.message)
        };
        if let Some(kept) = errors.iter_mut().find(same) {
            if kept.operation.is_none() {
                kept.operation = error.operation;
            }
            if kept.status.is_none() {
                kept.status = error.status;
            }
            if error.client.rank() > kept.client.rank() {
                kept.client = error.client;
            }
            if kept.code.is_none() {
                kept.code = error.code;
            }
            continue;
        }
        if errors.len() < MAX_ERRORS {
            errors.push(error);
        } else {
            more += 1;
        }
    }
    Scan {
        errors,
        more,
        skipped_bytes: text.len() - read.len(),
        anchors_capped,
        secrets: masked.count,
        first_jwt: masked.first_jwt,
    }
}

/// Two lists in text order, merged into one (no sort: it costs WebAssembly).
fn in_order(a: Vec<Found>, b: Vec<Found>) -> Vec<Found> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter();
    let mut pending = b.next();
    for x in a {
        while let Some(y) = pending.take() {
            if y.start < x.start {
                out.push(y);
                pending = b.next();
            } else {
                pending = Some(y);
                break;
            }
        }
        out.push(x);
    }
    out.extend(pending);
    out.extend(b);
    out
}

/// Needles indexed by their first two bytes: a lookup per position, then a chain of the few
/// needles that start so (usually none).
struct PairIndex {
    heads: Vec<u16>,
    next: Vec<u16>,
}

const NONE: u16 = u16::MAX;

impl PairIndex {
    fn new<'a>(needles: impl Iterator<Item = &'a str>) -> Self {
        let mut heads = vec![NONE; 1 << 16];
        let mut next = Vec::new();
        let needles = needles.gather();
        next.resize(needles.len(), NONE);
        // Reversed, so that each chain lists its needles in table order.
        for (index, needle) in needles.iter().enumerate().rev() {
            let bytes = needle.as_bytes();
            if let (Some(&a), Some(&b), Ok(slot)) = (bytes.first(), bytes.get(1), u16::try_from(index)) {
                let key = usize::from(a) << 8 | usize::from(b);
                next[index] = heads[key];
                heads[key] = slot;
            }
        }
        Self { heads, next }
    }

    /// The needles that may start at `at` (their first two bytes match).
    fn at<'s>(&'s self, bytes: &[u8], at: usize) -> impl Iterator<Item = usize> + 's {
        let mut slot = match bytes.get(at..at + 2) {
            Some(&[a, b]) => self.heads[usize::from(a) << 8 | usize::from(b)],
            _ => NONE,
        };
        std::iter::from_fn(move || {
            (slot != NONE).then(|| {
                let index = usize::from(slot);
                slot = self.next[index];
                index
            })
        })
    }
}

/// Every anchor and phrase in `lower`, in order: one pass, candidates indexed by their first
/// two bytes.
fn find_anchors(lower: &str) -> (Vec<(usize, Trigger)>, bool) {
    let mut needles: Vec<(&str, Trigger)> = ANCHORS.iter().map(|a| (a.needle, a.trigger)).gather();
    needles.extend(PHRASES.iter().enumerate().map(|(i, p)| (p.needle, Trigger::Phrase(i))));
    let index = PairIndex::new(needles.iter().map(|(n, _)| *n));
    let bytes = lower.as_bytes();
    let mut anchors = Vec::new();
    for at in 0..bytes.len() {
        for candidate in index.at(bytes, at) {
            let (needle, trigger) = needles[candidate];
            if bytes[at..].starts_with(needle.as_bytes()) {
                if anchors.len() == MAX_ANCHORS {
                    return (anchors, true);
                }
                anchors.push((at, trigger));
            }
        }
    }
    (anchors, false)
}

fn parse_wrapper(norm: &str, lower: &str, at: usize, wrapper: Wrapper) -> Option<Found> {
    match wrapper {
        Wrapper::Botocore => botocore(norm, lower, at),
        Wrapper::ParamValidation => Some(param_validation(norm, lower, at)),
        Wrapper::GoV2 => go_v2(norm, lower, at),
        Wrapper::GoV1 => go_v1(norm, lower, at),
        Wrapper::JavaV2 | Wrapper::JavaV1 | Wrapper::Dotnet => exception_class(norm, lower, at, wrapper),
        Wrapper::Ruby => ruby(norm, lower, at),
        Wrapper::Php => php(norm, lower, at),
        Wrapper::Rust => rust(norm, lower, at),
        Wrapper::Xml => xml(norm, lower, at),
        Wrapper::Javascript => javascript(norm, lower, at),
    }
}

fn found(start: usize, end: usize, client: Client, code: Option<String>, message: String) -> Found {
    Found {
        start,
        end,
        client,
        code,
        operation: None,
        message,
        status: None,
        kind: Kind::Unknown,
        default_code: None,
    }
}

/// `An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation
/// (reached max retries: 4): message`; boto3 prints it after `botocore.exceptions.ClientError: `
/// or `botocore.errorfactory.XException: `.
fn botocore(norm: &str, lower: &str, at: usize) -> Option<Found> {
    let open = at + "an error occurred (".len();
    let end_of_line = line_end(norm, at);
    let close = find_in(lower, open, (open + 100).min(end_of_line), ")")?;
    let code = explicit_code(norm[open..close].trim())?;
    let mut p = close + 1;
    let mut operation = None;
    if lower[p..].starts_with(" when calling the ") {
        p += " when calling the ".len();
        let op = ident_at(norm, p);
        if !op.is_empty() {
            operation = Some(op.to_owned());
            p += op.len();
        }
        if lower[p..].starts_with(" operation") {
            p += " operation".len();
        }
    }
    if lower[p..].starts_with(" (reached max retries") {
        p = find_in(lower, p, end_of_line, ")").map_or(p, |c| c + 1);
    }
    if lower[p..].starts_with(':') {
        p += 1;
    }
    let start = line_start(norm, at);
    let prefix = &lower[start..at];
    let client = if contains(prefix, "botocore") || contains(prefix, "clienterror") || contains(prefix, "exception:") {
        Client::SdkPython
    } else {
        Client::AwsCli
    };
    let (mut message, mut end) = message_from(norm, lower, skip_spaces(norm, p));
    // A message wrapped onto the next line (a blog's or a narrow terminal's copy): that line.
    if message.is_empty() && end == end_of_line && end < norm.len() {
        (message, end) = message_from(norm, lower, skip_spaces(norm, end + 1));
    }
    let mut error = found(start, end.max(close + 1), client, Some(code), message);
    error.operation = operation;
    Some(error)
}

/// botocore's `Parameter validation failed:` and the `Invalid …` lines below it.
fn param_validation(norm: &str, lower: &str, at: usize) -> Found {
    let start = line_start(norm, at);
    let client = if contains(&lower[start..at], "botocore") {
        Client::SdkPython
    } else {
        Client::AwsCli
    };
    let mut end = line_end(norm, at);
    let mut message = cap(&norm[at..end]);
    for _ in 0..10 {
        if end >= norm.len() {
            break;
        }
        let next_end = line_end(norm, end + 1);
        let line = &lower[end + 1..next_end];
        let reason = ["invalid ", "missing required parameter", "unknown parameter"]
            .iter()
            .any(|p| line.starts_with(p));
        if !reason {
            break;
        }
        message.push(' ');
        message.push_str(&cap(&norm[end + 1..next_end]));
        end = next_end;
    }
    found(start, end, client, Some("ParamValidationError".to_owned()), message)
}

/// `operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403,
/// RequestID: …, api error AccessDenied: message` (a modeled error has no `api error `).
fn go_v2(norm: &str, lower: &str, at: usize) -> Option<Found> {
    // A call whose credentials failed wraps the STS call's error in its own
    // (`operation error EC2: CreateVolume, get identity: … operation error STS:
    // AssumeRoleWithWebIdentity, …`): the innermost operation is the one that failed. Looked
    // for within a few hundred bytes, so that a line of many costs linear time.
    let window = (at + 600).min(line_end(norm, at));
    let mut inner = at;
    while let Some(next) = find_in(lower, inner + 1, window, "operation error ") {
        inner = next;
    }
    if inner != at {
        if let Some(error) = go_v2_at(norm, lower, inner) {
            return Some(error);
        }
    }
    go_v2_at(norm, lower, at)
}

/// One smithy-go error at `at` (where its `operation error ` starts).
fn go_v2_at(norm: &str, lower: &str, at: usize) -> Option<Found> {
    let end_of_line = line_end(norm, at);
    let p = at + "operation error ".len();
    let colon = find_in(lower, p, (p + 40).min(end_of_line), ": ")?;
    let service = &norm[p..colon];
    if service.is_empty() || !service.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ') {
        return None;
    }
    let op = ident_at(norm, colon + 2);
    if op.is_empty() {
        return None;
    }
    let after_op = colon + 2 + op.len();
    // smithy-go's prefix is short: the status, the request id, then the code.
    let window = (after_op + 400).min(end_of_line);
    let status = find_in(lower, after_op, window, "statuscode: ").and_then(|s| number_at(norm, s + 12));
    let (code, message_start) = if let Some(api) = find_in(lower, after_op, window, "api error ") {
        let code = ident_at(norm, api + "api error ".len());
        (explicit_code(code), api + "api error ".len() + code.len() + 1)
    } else if let Some(comma) =
        find_in(lower, after_op, window, "requestid: ").and_then(|request| find_in(lower, request, window, ", "))
    {
        let code = ident_at(norm, comma + 2);
        if !code.is_empty() && norm[comma + 2 + code.len()..].starts_with(':') {
            (explicit_code(code), comma + 2 + code.len() + 1)
        } else {
            (None, comma + 2)
        }
    } else {
        (None, after_op + usize::from(norm[after_op..].starts_with(',')))
    };
    let (message, end) = message_from(norm, lower, skip_spaces(norm, message_start.min(end_of_line)));
    let mut error = found(line_start(norm, at), end.max(after_op), Client::SdkGo, code, message);
    error.operation = Some(op.to_owned());
    error.status = status;
    Some(error)
}

/// Go SDK v1: `InvalidIdentityToken: message` (after `caused by: `), then on the next line
/// `status code: 400, request id: …`.
fn go_v1(norm: &str, lower: &str, at: usize) -> Option<Found> {
    let start_of_line = line_start(norm, at);
    let end_of_line = line_end(norm, at);
    if start_of_line != at || !contains(&lower[at..end_of_line], ", request id:") || start_of_line == 0 {
        return None;
    }
    let previous_end = start_of_line - 1;
    let previous_start = line_start(norm, previous_end);
    let mut p = previous_start;
    for prefix in ["error: ", "caused by: "] {
        if lower[p..previous_end].starts_with(prefix) {
            p += prefix.len();
        }
    }
    let code = ident_at(norm, p);
    if code.is_empty() || !norm[p + code.len()..previous_end].starts_with(": ") {
        return None;
    }
    let message = cap(&norm[p + code.len() + 2..previous_end]);
    let mut error = found(previous_start, end_of_line, Client::SdkGo, explicit_code(code), message);
    error.status = number_at(norm, at + "status code: ".len());
    Some(error)
}

/// `software.amazon.awssdk.services.sts.model.StsException: message (Service: Sts, Status
/// Code: 403, Request ID: …)`; `com.amazonaws.…Exception: message (Service: …; Status Code:
/// 403; Error Code: AccessDenied; …)`; `Amazon.SecurityToken.…Exception: message ---> …`.
fn exception_class(norm: &str, lower: &str, at: usize, wrapper: Wrapper) -> Option<Found> {
    let length = norm.as_bytes()[at..]
        .iter()
        .take(200)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'$'))
        .count();
    let class_path = &norm[at..at + length];
    let class = crate::text::rsplit_once_ascii(class_path, b'.').map_or(class_path, |(_, last)| last);
    let after = at + length;
    if class.is_empty() || !norm[after..].starts_with(": ") {
        return None;
    }
    let (message, end) = message_from(norm, lower, after + 2);
    // Java's "(Service: …; Status Code: …; Error Code: …)" follows the message.
    let window = (end + 200).min(line_end(norm, end));
    let code = match find_in(lower, end, window, "error code: ") {
        Some(slot) => explicit_code(ident_at(norm, slot + "error code: ".len())),
        None => known_code(class).and_then(Known::code).map(str::to_owned),
    };
    let client = if wrapper == Wrapper::Dotnet {
        Client::SdkDotnet
    } else {
        Client::SdkJava
    };
    let mut error = found(line_start(norm, at), end.max(after), client, code, message);
    error.status = find_in(lower, end, window, "status code: ").and_then(|s| number_at(norm, s + 13));
    Some(error)
}

/// `Aws::STS::Errors::AccessDenied: message`, or Ruby's uncaught-exception line
/// `…:in 'call': message (Aws::STS::Errors::AccessDenied)`.
fn ruby(norm: &str, lower: &str, at: usize) -> Option<Found> {
    let p = at + "aws::sts::errors::".len();
    let class = ident_at(norm, p);
    if class.is_empty() {
        return None;
    }
    let after = p + class.len();
    let start_of_line = line_start(norm, at);
    let code = explicit_code(class);
    if norm[after..].starts_with(": ") {
        let (message, end) = message_from(norm, lower, after + 2);
        return Some(found(start_of_line, end.max(after), Client::SdkRuby, code, message));
    }
    if at == 0 || norm.as_bytes()[at - 1] != b'(' {
        return None;
    }
    let message_end = at - 1;
    let message_start = ["': ", "`: "]
        .iter()
        .filter_map(|sep| rfind_in(lower, start_of_line, message_end, sep).map(|s| s + sep.len()))
        .max()
        .unwrap_or(start_of_line);
    let message = cap(&norm[message_start.min(message_end)..message_end]);
    Some(found(start_of_line, line_end(norm, at), Client::SdkRuby, code, message))
}

/// PHP: `Error executing "AssumeRoleWithWebIdentity" on "https://sts…"; AWS HTTP error: …
/// AccessDenied (client): message - <?xml …`.
fn php(norm: &str, lower: &str, at: usize) -> Option<Found> {
    let p = at + "error executing \"".len();
    let op = ident_at(norm, p);
    let end_of_line = line_end(norm, at);
    let window = (p + 1000).min(end_of_line);
    let slot = find_in(lower, p, window, " (client): ").or_else(|| find_in(lower, p, window, " (server): "))?;
    let code = explicit_code(ident_before(norm, slot));
    let message_start = slot + " (client): ".len();
    let message_end = find_in(
        lower,
        message_start,
        (message_start + MAX_MESSAGE_BYTES).min(end_of_line),
        " - ",
    )
    .unwrap_or_else(|| (message_start + MAX_MESSAGE_BYTES).min(end_of_line));
    let message = cap(&norm[message_start..message_end]);
    let mut error = found(line_start(norm, at), end_of_line, Client::SdkPhp, code, message);
    error.operation = (!op.is_empty()).then(|| op.to_owned());
    Some(error)
}

/// A quoted Rust debug string at `at` (`"…"`, or `\"…\"` inside a JSON log line).
fn rust_string(norm: &str, at: usize) -> Option<(String, usize)> {
    let (open, close) = if norm[at..].starts_with("\\\"") {
        ("\\\"", "\\\"")
    } else if norm[at..].starts_with('"') {
        ("\"", "\"")
    } else {
        return None;
    };
    let start = at + open.len();
    let limit = (start + MAX_MESSAGE_BYTES).min(norm.len());
    let end = find_in(norm, start, limit, close)?;
    Some((norm[start..end].to_owned(), end + close.len()))
}

/// The Rust SDK's `ServiceError(ServiceError { source: … ErrorMetadata { code: Some("…"),
/// message: Some("…"), … } })`.
fn rust(norm: &str, lower: &str, at: usize) -> Option<Found> {
    let limit = (at + 2 * MAX_MESSAGE_BYTES).min(norm.len());
    let code_slot = find_in(lower, at, limit, "code: some(")?;
    let (code, code_end) = rust_string(norm, code_slot + "code: some(".len())?;
    let (message, message_end) = match find_in(lower, at, limit, "message: some(") {
        Some(slot) => rust_string(norm, slot + "message: some(".len()).unwrap_or_default(),
        None => (String::new(), code_end),
    };
    let from = at.saturating_sub(2 * MAX_MESSAGE_BYTES);
    let start =
        rfind_in(lower, from, at, "serviceerror(").map_or_else(|| line_start(norm, at), |s| line_start(norm, s));
    Some(found(
        start,
        code_end.max(message_end),
        Client::SdkRust,
        explicit_code(&code),
        message,
    ))
}

fn unescape_xml(text: &str) -> String {
    let mut out = super::replace_all(text, "\n", " ");
    for (entity, c) in [
        ("&apos;", "'"),
        ("&quot;", "\""),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ] {
        if contains(&out, entity) {
            out = super::replace_all(&out, entity, c);
        }
    }
    out
}

/// `<ErrorResponse …><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>…</Message>`.
fn xml(norm: &str, lower: &str, at: usize) -> Option<Found> {
    let p = at + "<code>".len();
    let close = find_in(lower, p, p + 100, "</code>")?;
    let code = explicit_code(norm[p..close].trim())?;
    let (message, end) = match find_in(lower, close, close + 600, "<message>") {
        Some(open) => {
            let start = open + "<message>".len();
            let end = find_in(lower, start, start + 2 * MAX_MESSAGE_BYTES, "</message>")?;
            (cap(&unescape_xml(norm[start..end].trim())), end + "</message>".len())
        }
        None => (String::new(), close + "</code>".len()),
    };
    let from = at.saturating_sub(300);
    let start = rfind_in(lower, from, at, "<errorresponse").unwrap_or(at);
    Some(found(start, end, Client::Xml, Some(code), message))
}

/// JavaScript v3: `AccessDenied: message` then the stack (`at …`), then the error's own
/// properties: `'$fault': 'client', '$metadata': { httpStatusCode: 403, … }, Code: '…'`.
fn javascript(norm: &str, lower: &str, at: usize) -> Option<Found> {
    let mut line_end_at = line_start(norm, at);
    let mut header = None;
    for _ in 0..80 {
        if line_end_at == 0 {
            break;
        }
        let end = line_end_at - 1;
        let start = line_start(norm, end);
        let line = &lower[start..end];
        line_end_at = start;
        let skip = line.is_empty()
            || line.starts_with("at ")
            || line
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit() || b"{}'$>|".contains(&b));
        if skip {
            continue;
        }
        let name = ident_at(norm, start);
        if !name.is_empty() && norm[start + name.len()..end].starts_with(": ") {
            header = Some((start, name, start + name.len() + 2, end));
        }
        break;
    }
    let (start, name, message_start, message_end) = header?;
    let limit = (at + 1500).min(norm.len());
    let code = find_in(lower, at, limit, "code: '")
        .and_then(|slot| explicit_code(ident_at(norm, slot + "code: '".len())))
        .or_else(|| known_code(name).and_then(Known::code).map(str::to_owned));
    let message = cap(&norm[message_start..message_end]);
    let mut error = found(start, line_end(norm, at), Client::SdkJavascript, code, message);
    error.status = find_in(lower, at, limit, "httpstatuscode: ").and_then(|s| number_at(norm, s + 16));
    Some(error)
}

/// A recognized message that no wrapper explained: its line from the phrase on.
fn phrase_error(norm: &str, lower: &str, at: usize, phrase: &Phrase) -> Found {
    let start_of_line = line_start(norm, at);
    let end_of_line = line_end(norm, at);
    let mut start = at;
    if phrase.needle.starts_with("validation error") {
        // "1 validation error detected": the count belongs to the message.
        let before = &norm.as_bytes()[start_of_line..at];
        if let Some(head) = before.strip_suffix(b" ") {
            let digits = head.iter().rev().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 {
                start = at - 1 - digits;
            }
        }
    } else if phrase.needle == ": expected one argument" {
        start = rfind_in(lower, start_of_line, at, "argument --").unwrap_or(at);
    }
    let (message, end) = message_from(norm, lower, start);
    // What a wrapper puts right after the message (Java's "(Service: …)").
    let after = (end + 200).min(end_of_line).max(end);
    let before = norm[start_of_line..start].trim_end();
    let mut code = before
        .strip_suffix(':')
        .map(|head| ident_before(head, head.len()))
        .and_then(|name| known_code(name).and_then(Known::code).map(str::to_owned));
    // Bytes: `after` may fall inside a character (200 bytes on), where a `str` slice would panic.
    let client = if lower.as_bytes()[end..after].starts_with(b" (service: ") {
        Client::SdkJava
    } else if lower[start_of_line..].starts_with("aws: error:") {
        Client::AwsCli
    } else {
        Client::Unknown
    };
    if let Some(slot) = find_in(lower, end, after, "error code: ") {
        code = explicit_code(ident_at(norm, slot + "error code: ".len())).or(code);
    }
    let mut error = found(start_of_line, end.max(at + phrase.needle.len()), client, code, message);
    error.status = find_in(lower, end, after, "status code: ").and_then(|s| number_at(norm, s + 13));
    error
}

/// Whether two pieces of the same error can be one: no field contradicts the other.
fn compatible(a: &Found, b: &Found) -> bool {
    let code = match (&a.code, &b.code) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    code && (a.kind == b.kind || a.kind == Kind::Unknown || b.kind == Kind::Unknown)
}

/// Merges overlapping pieces of one error (a JavaScript header and its `'$fault'`, the
/// Rust SDK's text and its XML body), keeping the most specific client.
fn merge(found: Vec<Found>) -> Vec<Found> {
    let mut merged: Vec<Found> = Vec::with_capacity(found.len());
    for error in found {
        if let Some(last) = merged.last_mut() {
            if error.start < last.end && compatible(last, &error) {
                last.end = last.end.max(error.end);
                if last.code.is_none() {
                    last.code = error.code;
                }
                if last.operation.is_none() {
                    last.operation = error.operation;
                }
                if last.message.is_empty() {
                    last.message = error.message;
                }
                if last.kind == Kind::Unknown {
                    (last.kind, last.default_code) = (error.kind, error.default_code);
                }
                if last.status.is_none() {
                    last.status = error.status;
                }
                if error.client.rank() > last.client.rank() {
                    last.client = error.client;
                }
                continue;
            }
        }
        merged.push(error);
    }
    merged
}

/// A client mark (Terraform's `Error: configuring Terraform AWS Provider`, a JavaScript stack
/// frame) names the client of the error it stands before or after.
fn attach_mark(errors: &mut [Found], at: usize, client: Client, side: Side) {
    let distance = |e: &Found| {
        if at < e.start {
            (side != Side::After).then_some(e.start - at)
        } else if at < e.end {
            Some(0)
        } else {
            (side != Side::Before).then_some(at - e.end)
        }
    };
    let target = errors
        .iter_mut()
        .filter_map(|e| distance(e).filter(|d| *d <= MARK_REACH).map(|d| (d, e)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e);
    if let Some(error) = target {
        if client.rank() > error.client.rank() {
            error.client = client;
        }
    }
}

/// A known code standing alone (`AccessDenied`), when nothing else was found.
fn bare_code(norm: &str) -> Option<Found> {
    let bytes = norm.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_alphabetic() || (at > 0 && bytes[at - 1].is_ascii_alphanumeric()) {
            at += 1;
            continue;
        }
        let word = ident_at(norm, at);
        if let Some(Known::Code(code)) = known_code(word) {
            return Some(found(
                at,
                at + word.len(),
                Client::Unknown,
                Some(code.to_owned()),
                String::new(),
            ));
        }
        at += word.len().max(1);
    }
    None
}

/// What an error means and the code it has: from its message when this tool knows it,
/// otherwise from its code.
#[must_use]
pub fn classify(error: &Found) -> (Kind, Option<&'static str>) {
    let lower = error.message.to_ascii_lowercase();
    if let Some(phrase) = first_phrase(&lower) {
        let kind = if phrase.kind == Kind::ValidationError {
            validation_kind(&lower)
        } else {
            phrase.kind
        };
        return (kind, Some(phrase.code));
    }
    let sts_call = error
        .operation
        .as_deref()
        .is_none_or(|op| op.eq_ignore_ascii_case("AssumeRoleWithWebIdentity"));
    let kind = match error.code.as_deref() {
        Some("AccessDenied") if sts_call => Kind::NotAuthorized,
        Some("AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" | "AuthorizationError") => {
            Kind::ServiceAccessDenied
        }
        Some("InvalidIdentityToken") => Kind::InvalidIdentityToken,
        Some("ExpiredTokenException") => Kind::TokenExpired,
        Some("ExpiredToken") => Kind::SessionExpired,
        Some("InvalidClientTokenId") => Kind::InvalidClientToken,
        Some("RegionDisabledException") => Kind::RegionDisabled,
        Some("IDPCommunicationError") => Kind::IdpCommunication,
        Some("IDPRejectedClaim") => Kind::IdpRejectedClaim,
        Some("ValidationError") => Kind::ValidationError,
        Some("MalformedPolicyDocument") => Kind::MalformedPolicy,
        Some("NoCredentials") => Kind::NoCredentials,
        Some("Throttling") => Kind::Throttled,
        _ => Kind::Unknown,
    };
    (kind, None)
}

/// The phrase that starts first in a lowercase message (at most [`MAX_MESSAGE_BYTES`]): one
/// pass, each position trying only the phrases that start with its byte.
fn first_phrase(lower: &str) -> Option<&'static Phrase> {
    const NO: u8 = u8::MAX;
    let mut heads = [NO; 256];
    let mut next = [NO; PHRASES.len()];
    for (index, phrase) in PHRASES.iter().enumerate().rev() {
        let first = usize::from(phrase.needle.as_bytes()[0]);
        next[index] = heads[first];
        heads[first] = u8::try_from(index).unwrap_or(NO);
    }
    let bytes = &lower.as_bytes()[..lower.len().min(MAX_MESSAGE_BYTES)];
    for at in 0..bytes.len() {
        let mut slot = heads[usize::from(bytes[at])];
        while slot != NO {
            let phrase = &PHRASES[usize::from(slot)];
            if lower.as_bytes()[at..].starts_with(phrase.needle.as_bytes()) {
                return Some(phrase);
            }
            slot = next[usize::from(slot)];
        }
    }
    None
}

/// The request members a validation message names, in the order it names them.
#[must_use]
pub fn validation_members(lower: &str) -> Vec<Kind> {
    let mut members: Vec<(usize, Kind)> = Vec::new();
    for (needles, kind) in [
        (["durationseconds", "duration-seconds"], Kind::DurationOutOfRange),
        (["rolesessionname", "role-session-name"], Kind::SessionNameInvalid),
        (["rolearn", "role-arn"], Kind::RoleArnInvalid),
        (["webidentitytoken", "web-identity-token"], Kind::TokenEmpty),
    ] {
        if let Some(at) = needles.iter().filter_map(|n| find(lower, n)).min() {
            members.push((at, kind));
        }
    }
    // In the order the message names them (a selection: no sort in the module).
    let mut ordered = Vec::with_capacity(members.len());
    while let Some(first) = (0..members.len()).min_by_key(|&i| members[i].0) {
        ordered.push(members.swap_remove(first).1);
    }
    ordered
}

/// A validation message's kind: that of the first member it names. A `WebIdentityToken` that
/// is too long (not empty) is a token that is not a JWT.
fn validation_kind(lower: &str) -> Kind {
    match validation_members(lower).first() {
        None => Kind::ValidationError,
        Some(Kind::TokenEmpty)
            if contains(lower, "less than or equal to 20000") || contains(lower, "max length: 20000") =>
        {
            Kind::NotAJwt
        }
        Some(kind) => *kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_escapes_whitespace_and_terraform_boxes() {
        for (text, expected) in [
            ("\u{1b}[31;1mERROR:\u{1b}[0;m  Job  failed\t!", "ERROR: Job failed !"),
            ("a\r\nb\rc\n", "a\nb\nc\n"),
            ("\u{1b}]8;;https://x\u{7}link\u{1b}]8;;\u{1b}\\ end", "link end"),
            // Terraform wraps a long message on lines that start with │; a blank │ line ends it.
            (
                "│ Error: operation error STS: X, api error AccessDenied: Not authorized to\n│ perform it\n│ \n│   with provider",
                "Error: operation error STS: X, api error AccessDenied: Not authorized to perform it\n\nwith provider",
            ),
            ("Error: the security token\n│ included in the request is invalid", "Error: the security token included in the request is invalid"),
            ("plain\n│ boxed", "plain\nboxed"),
        ] {
            assert_eq!(normalize(text), expected, "{text:?}");
        }
    }

    #[test]
    fn reads_numbers_glued_to_words_and_bounded_lines() {
        let lower = "token expired: current date/time1764004200 must be before the expiration date/time1764003600";
        assert_eq!(first_phrase(lower).map(|p| p.kind), Some(Kind::TokenExpired));
        let long = "x".repeat(3 * LINE_REACH);
        assert_eq!(line_start(&long, 2 * LINE_REACH), LINE_REACH);
        assert_eq!(line_end(&long, LINE_REACH), 2 * LINE_REACH);
        assert_eq!(find_in("abcabc", 1, 6, "abc"), Some(3));
        assert_eq!(rfind_in("abcabc", 0, 5, "abc"), Some(0));
        assert_eq!(find_in("abc", 2, 1, "c"), None);
    }

    #[test]
    fn validation_messages_name_their_members() {
        let lower =
            "2 validation errors detected: value 'x/y' at 'rolesessionname' failed; value '' at 'rolearn' failed";
        assert_eq!(
            validation_members(lower),
            [Kind::SessionNameInvalid, Kind::RoleArnInvalid]
        );
        assert_eq!(
            validation_kind("value 'x' at 'webidentitytoken' failed to satisfy constraint: member must have length less than or equal to 20000"),
            Kind::NotAJwt
        );
    }
}
