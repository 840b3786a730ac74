//! What messages say: a subject, a plain text and (for email) an HTML body
//! for each kind of message and channel, with the placeholders `{product}`,
//! `{code}`, `{expires_in}` ("90 seconds") and `{link}`.
//!
//! The English defaults can be overridden file by file from a directory
//! ([`Templates::from_dir`]); a missing file keeps its default. Template
//! sets and their files (`<set>.subject.txt`, `<set>.txt`, `<set>.html`):
//!
//! | set                         | used for                                  |
//! |-----------------------------|-------------------------------------------|
//! | `sign_in_code`              | a sign-in code by email                   |
//! | `sign_in_code.sms`          | a sign-in code by SMS (no `.html`)        |
//! | `contact_confirmation`      | confirming an email address with a link   |
//! | `contact_confirmation.code` | the same when no link is configured       |
//! | `contact_confirmation.sms`  | confirming a phone number (no `.html`)    |
//! | `two_factor_enabled`        | security notification: 2FA turned on      |
//! | `two_factor_disabled`       | 2FA turned off (by the user or an admin)  |
//! | `method_added`              | a second factor added                     |
//! | `method_removed`            | a second factor removed                   |
//! | `recovery_codes_regenerated`| a new set of recovery codes               |
//! | `recovery_code_used`        | a recovery code used to sign in           |
//! | `recovery_codes_low`        | the same, with two or fewer left          |
//! | `trusted_device_added`      | a browser or device trusted               |
//! | `locked_out`                | too many wrong codes: locked for now      |
//!
//! Security notifications are sent by email only and carry no code or
//! link; their placeholders are `{product}`, `{event}` (what happened, in
//! a sentence), `{time}`, `{ip}`, `{user_agent}` ("unknown" when the
//! application did not pass them), `{method}`, `{remaining}` (recovery
//! codes left) and `{locked_until}`.
//!
//! Placeholders are replaced in one pass (a value is never expanded again);
//! unknown ones are left as written. Values are HTML-escaped in `.html`
//! templates. An empty `.html` file turns the HTML part off. Subjects are
//! one line and may not hold `{code}` or `{link}`: subjects get logged.
use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};

pub use tollgate_domain::ports::MessageKind;

use crate::{Channel, SecretString};

mod notices;
pub use notices::Notice;

/// The values put into a template.
#[derive(Debug, Clone)]
pub struct Vars {
    /// The product name the user knows.
    pub product: String,
    pub code: SecretString,
    /// How long the code or link stays valid, in words: "90 seconds".
    pub expires_in: String,
    /// The confirmation link, when the operator configured a base URL.
    pub link: Option<SecretString>,
    /// A security notification's facts (its kinds only).
    pub notice: Option<Notice>,
}

/// A message as the recipient reads it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: SecretString,
    pub html: Option<SecretString>,
}

/// Why templates could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read the template {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("the template {path} must be a single line (it is a subject)")]
    MultilineSubject { path: PathBuf },
    #[error(
        "the template {path} must not use {{code}} or {{link}}: subjects appear in logs, \
         so put the code in the body"
    )]
    SecretInSubject { path: PathBuf },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Set {
    subject: String,
    text: String,
    /// `None` for SMS, or when turned off.
    html: Option<String>,
}

const SIGN_IN: usize = 0;
const SIGN_IN_SMS: usize = 1;
const CONFIRM_LINK: usize = 2;
const CONFIRM_CODE: usize = 3;
const CONFIRM_SMS: usize = 4;
/// The first security notification's set; the rest follow in the order of
/// `notices::KINDS`.
const FIRST_NOTICE: usize = 5;
const SETS: usize = FIRST_NOTICE + notices::KINDS.len();

/// Set names, indexed as above; `.sms` sets have no HTML.
const NAMES: [&str; SETS] = [
    "sign_in_code",
    "sign_in_code.sms",
    "contact_confirmation",
    "contact_confirmation.code",
    "contact_confirmation.sms",
    "two_factor_enabled",
    "two_factor_disabled",
    "method_added",
    "method_removed",
    "recovery_codes_regenerated",
    "recovery_code_used",
    "recovery_codes_low",
    "trusted_device_added",
    "locked_out",
];

const SIGN_IN_SUBJECT: &str = "Your {product} sign-in code";
const CONFIRM_EMAIL_SUBJECT: &str = "Confirm your email address for {product}";
const SIGN_IN_FOOTER: &str = "It expires in {expires_in}. If you did not try to sign in, someone \
     may know your password: change it.";
const CONFIRM_FOOTER: &str =
    "It expires in {expires_in}. If you did not ask for this, ignore this message.";

fn html_page(paragraphs: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n\
         {paragraphs}\n</body></html>\n"
    )
}

const CODE_HTML: &str =
    "<p style=\"font-size: 1.6em; font-weight: bold; letter-spacing: 0.2em\">{code}</p>";

/// Immutable after loading; cheap to share behind an `Arc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    sets: [Set; SETS],
}

impl Default for Templates {
    fn default() -> Self {
        let set = |subject: &str, text: String, html: Option<String>| Set {
            subject: subject.to_owned(),
            text,
            html,
        };
        let notice = |kind: MessageKind| {
            set(
                notices::subject(kind),
                notices::text(),
                Some(notices::html()),
            )
        };
        let [
            enabled,
            disabled,
            added,
            removed,
            regenerated,
            used,
            low,
            device,
            locked,
        ] = notices::KINDS.map(notice);
        Self {
            sets: [
                set(
                    SIGN_IN_SUBJECT,
                    format!(
                        "Your {{product}} sign-in code is:\n\n    {{code}}\n\n{SIGN_IN_FOOTER}\n"
                    ),
                    Some(html_page(&format!(
                        "<p>Your {{product}} sign-in code is:</p>\n{CODE_HTML}\n<p>{SIGN_IN_FOOTER}</p>"
                    ))),
                ),
                set(
                    SIGN_IN_SUBJECT,
                    "{code} is your {product} sign-in code. It expires in {expires_in}.".into(),
                    None,
                ),
                set(
                    CONFIRM_EMAIL_SUBJECT,
                    format!(
                        "To confirm this email address for {{product}}, open this link:\n\n\
                         {{link}}\n\n{CONFIRM_FOOTER}\n"
                    ),
                    Some(html_page(&format!(
                        "<p>To confirm this email address for {{product}}, open this link:</p>\n\
                         <p><a href=\"{{link}}\">Confirm my email address</a></p>\n\
                         <p>{CONFIRM_FOOTER}</p>"
                    ))),
                ),
                set(
                    CONFIRM_EMAIL_SUBJECT,
                    format!(
                        "To confirm this email address for {{product}}, enter this \
                         confirmation code:\n\n    {{code}}\n\n{CONFIRM_FOOTER}\n"
                    ),
                    Some(html_page(&format!(
                        "<p>To confirm this email address for {{product}}, enter this \
                         confirmation code:</p>\n{CODE_HTML}\n<p>{CONFIRM_FOOTER}</p>"
                    ))),
                ),
                set(
                    "Confirm your phone number for {product}",
                    "{code} is your {product} confirmation code. It expires in {expires_in}."
                        .into(),
                    None,
                ),
                enabled,
                disabled,
                added,
                removed,
                regenerated,
                used,
                low,
                device,
                locked,
            ],
        }
    }
}

/// The file's text, or `None` if there is no such file.
fn read_optional(path: &Path) -> Result<Option<String>, TemplateError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(TemplateError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

impl Templates {
    /// The defaults, with each file found in `dir` in place of its default.
    /// Reads files once, at start-up; files whose names match no template
    /// are reported in the log (probably a typo).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self, TemplateError> {
        let dir = dir.as_ref();
        let unreadable = |source| TemplateError::Read {
            path: dir.to_owned(),
            source,
        };
        let mut templates = Self::default();
        for (set, name) in templates.sets.iter_mut().zip(NAMES) {
            let path = dir.join(format!("{name}.subject.txt"));
            if let Some(subject) = read_optional(&path)? {
                let subject = subject.trim();
                if subject.contains(['\n', '\r']) {
                    return Err(TemplateError::MultilineSubject { path });
                }
                if subject.contains("{code}") || subject.contains("{link}") {
                    return Err(TemplateError::SecretInSubject { path });
                }
                set.subject = subject.to_owned();
            }
            let sms = name.ends_with(".sms");
            if let Some(text) = read_optional(&dir.join(format!("{name}.txt")))? {
                // A trailing newline would cost SMS characters.
                set.text = if sms {
                    text.trim_end().to_owned()
                } else {
                    text
                };
            }
            if !sms && let Some(html) = read_optional(&dir.join(format!("{name}.html")))? {
                set.html = (!html.trim().is_empty()).then_some(html);
            }
        }
        for entry in std::fs::read_dir(dir).map_err(unreadable)? {
            let file = entry.map_err(unreadable)?.file_name();
            let file = file.to_string_lossy();
            let known = NAMES.iter().any(|name| {
                [".subject.txt", ".txt", ".html"]
                    .iter()
                    .any(|suffix| file == format!("{name}{suffix}"))
            });
            if !known && (file.ends_with(".txt") || file.ends_with(".html")) {
                tracing::warn!(file = %file, dir = %dir.display(), "not a template file name; ignored");
            }
        }
        Ok(templates)
    }

    /// The message for `kind` on `channel`. Email confirmations use the
    /// link set when `vars.link` is present and not empty, else the code set.
    pub fn render(&self, kind: MessageKind, channel: Channel, vars: &Vars) -> Rendered {
        let has_link = vars.link.as_ref().is_some_and(|l| !l.expose().is_empty());
        let set = &self.sets[match (kind, channel) {
            (MessageKind::SignInCode, Channel::Email) => SIGN_IN,
            (MessageKind::SignInCode, Channel::Sms) => SIGN_IN_SMS,
            (MessageKind::ContactConfirmation, Channel::Email) if has_link => CONFIRM_LINK,
            (MessageKind::ContactConfirmation, Channel::Email) => CONFIRM_CODE,
            (MessageKind::ContactConfirmation, Channel::Sms) => CONFIRM_SMS,
            // Notifications go by email only; their set serves any channel.
            (notice, _) => {
                FIRST_NOTICE
                    + notices::KINDS
                        .iter()
                        .position(|k| *k == notice)
                        .unwrap_or(0)
            }
        }];
        let html = set.html.as_ref().filter(|_| channel == Channel::Email);
        Rendered {
            subject: fill(&set.subject, vars, kind, false),
            text: SecretString::new(fill(&set.text, vars, kind, false)),
            html: html.map(|html| SecretString::new(fill(html, vars, kind, true))),
        }
    }
}

fn value<'a>(vars: &'a Vars, kind: MessageKind, name: &str) -> Option<Cow<'a, str>> {
    match name {
        "product" => Some(Cow::Borrowed(&vars.product)),
        "code" => Some(Cow::Borrowed(vars.code.expose())),
        "expires_in" => Some(Cow::Borrowed(&vars.expires_in)),
        "link" => Some(Cow::Borrowed(
            vars.link.as_ref().map_or("", SecretString::expose),
        )),
        _ => notices::value(name, kind, &vars.product, vars.notice.as_ref()?),
    }
}

/// The template with every known `{name}` replaced, in one pass.
fn fill(template: &str, vars: &Vars, kind: MessageKind, html: bool) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let found = rest
            .find('}')
            .and_then(|close| Some((close, value(vars, kind, &rest[1..close])?)));
        match found {
            Some((close, value)) => {
                if html {
                    escape_html(&value, &mut out);
                } else {
                    out.push_str(&value);
                }
                rest = &rest[close + 1..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape_html(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(link: Option<&str>) -> Vars {
        Vars {
            product: "Acme".into(),
            code: SecretString::new("428913".into()),
            expires_in: "90 seconds".into(),
            link: link.map(|l| SecretString::new(l.into())),
            notice: None,
        }
    }

    #[test]
    fn defaults_render_for_every_kind_and_channel() {
        let t = Templates::default();
        let sms = t.render(MessageKind::SignInCode, Channel::Sms, &vars(None));
        assert_eq!(
            sms.text.expose(),
            "428913 is your Acme sign-in code. It expires in 90 seconds."
        );
        assert!(sms.html.is_none());

        let email = t.render(MessageKind::SignInCode, Channel::Email, &vars(None));
        assert_eq!(email.subject, "Your Acme sign-in code");
        assert!(email.text.expose().contains("    428913\n"));
        assert!(email.text.expose().contains("expires in 90 seconds"));
        let html = email.html.unwrap();
        assert!(html.expose().contains(">428913</p>"));

        let link = "https://acme.test/confirm?tenant=t&token=abc";
        let confirm = t.render(
            MessageKind::ContactConfirmation,
            Channel::Email,
            &vars(Some(link)),
        );
        assert_eq!(confirm.subject, "Confirm your email address for Acme");
        assert!(confirm.text.expose().contains(link));
        assert!(!confirm.text.expose().contains("428913"));

        // No link configured (or an empty one): the code set.
        for link in [None, Some("")] {
            let by_code = t.render(
                MessageKind::ContactConfirmation,
                Channel::Email,
                &vars(link),
            );
            assert!(by_code.text.expose().contains("428913"));
            assert!(!by_code.text.expose().contains("{link}"));
        }

        let phone = t.render(MessageKind::ContactConfirmation, Channel::Sms, &vars(None));
        assert_eq!(phone.subject, "Confirm your phone number for Acme");
        assert!(
            phone
                .text
                .expose()
                .starts_with("428913 is your Acme confirmation code")
        );

        // No default leaves a placeholder, and no subject holds the code.
        for kind in [MessageKind::SignInCode, MessageKind::ContactConfirmation] {
            for channel in [Channel::Email, Channel::Sms] {
                let r = t.render(kind, channel, &vars(Some(link)));
                assert!(!r.subject.contains("428913"));
                for text in [Some(&r.text), r.html.as_ref()].into_iter().flatten() {
                    assert!(!text.expose().contains('{'), "{kind:?} {channel:?}");
                }
            }
        }
    }

    fn notice(details: tollgate_domain::notification::NoticeDetails) -> Vars {
        Vars {
            code: SecretString::new(String::new()),
            notice: Some(Notice {
                occurred_at: chrono::DateTime::from_timestamp(1_800_000_010, 0).unwrap(),
                details,
            }),
            ..vars(None)
        }
    }

    #[test]
    fn every_notice_names_the_event_time_and_client() {
        let t = Templates::default();
        let v = notice(tollgate_domain::notification::NoticeDetails {
            client_ip: "203.0.113.9".into(),
            user_agent: "Firefox/140 <script>".into(),
            method: Some(tollgate_domain::policy::Method::Totp),
            recovery_codes_remaining: Some(2),
            locked_until: chrono::DateTime::from_timestamp(1_800_000_910, 0),
            by_administrator: false,
        });
        for kind in notices::KINDS {
            let r = t.render(kind, Channel::Email, &v);
            assert!(r.subject.contains("Acme"), "{kind:?}: {}", r.subject);
            let text = r.text.expose();
            for part in [
                "2027-01-15 08:00 UTC",
                "203.0.113.9",
                "Firefox/140 <script>",
            ] {
                assert!(text.contains(part), "{kind:?}: {text}");
            }
            assert!(!text.contains('{'), "{kind:?}: {text}");
            let html = r.html.unwrap();
            assert!(html.expose().contains("Firefox/140 &lt;script&gt;"));
            assert!(!html.expose().contains("<script>"), "{kind:?}");
        }
        let low = t.render(MessageKind::RecoveryCodesLow, Channel::Email, &v);
        assert_eq!(low.subject, "Only 2 recovery codes left for Acme");
        let locked = t.render(MessageKind::LockedOut, Channel::Email, &v);
        assert!(
            locked
                .text
                .expose()
                .contains("locked until 2027-01-15 08:15 UTC")
        );
        let added = t.render(MessageKind::MethodAdded, Channel::Email, &v);
        assert!(added.text.expose().contains("authenticator app"));

        // Nothing reported: said so, not left blank.
        let bare = notice(Default::default());
        let r = t.render(MessageKind::TwoFactorDisabled, Channel::Email, &bare);
        assert!(r.text.expose().contains("IP address: unknown"));
        let by_admin = notice(tollgate_domain::notification::NoticeDetails {
            by_administrator: true,
            ..Default::default()
        });
        let r = t.render(MessageKind::TwoFactorDisabled, Channel::Email, &by_admin);
        assert!(r.text.expose().contains("An administrator turned off"));
    }

    #[test]
    fn a_notice_template_can_be_overridden() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("locked_out.subject.txt"),
            "{product}: locked until {locked_until}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("locked_out.txt"),
            "Locked at {time} from {ip} ({user_agent}).",
        )
        .unwrap();
        let t = Templates::from_dir(dir.path()).unwrap();
        let v = notice(tollgate_domain::notification::NoticeDetails {
            client_ip: "198.51.100.7".into(),
            locked_until: chrono::DateTime::from_timestamp(1_800_000_910, 0),
            ..Default::default()
        });
        let r = t.render(MessageKind::LockedOut, Channel::Email, &v);
        assert_eq!(r.subject, "Acme: locked until 2027-01-15 08:15 UTC");
        assert_eq!(
            r.text.expose(),
            "Locked at 2027-01-15 08:00 UTC from 198.51.100.7 (unknown)."
        );
        assert!(r.html.is_some(), "the default HTML stays");
    }

    #[test]
    fn html_gets_escaped_values_and_text_gets_them_as_they_are() {
        let t = Templates::default();
        let mut v = vars(Some("https://acme.test/c?a=1&b=\"2\""));
        v.product = "Tom & Jerry <Ltd>".into();
        let r = t.render(MessageKind::ContactConfirmation, Channel::Email, &v);
        let html = r.html.unwrap();
        assert!(html.expose().contains("Tom &amp; Jerry &lt;Ltd&gt;"));
        assert!(
            html.expose()
                .contains("href=\"https://acme.test/c?a=1&amp;b=&quot;2&quot;\"")
        );
        assert!(r.text.expose().contains("Tom & Jerry <Ltd>"));
        assert_eq!(
            r.subject,
            "Confirm your email address for Tom & Jerry <Ltd>"
        );
    }

    #[test]
    fn placeholders_fill_in_one_pass_and_unknown_ones_stay() {
        let mut v = vars(None);
        v.product = "{code}".into();
        let kind = MessageKind::SignInCode;
        assert_eq!(
            fill("{product} {code} {nope} {unclosed", &v, kind, false),
            "{code} 428913 {nope} {unclosed"
        );
        assert_eq!(fill("{{code}}", &v, kind, false), "{428913}");
        assert_eq!(fill("", &v, kind, false), "");
    }

    #[test]
    fn a_directory_overrides_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("sign_in_code.sms.txt"),
            "{product}: {code} (valid {expires_in}) {unknown}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("contact_confirmation.subject.txt"),
            "Welcome to {product}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("sign_in_code.html"), "  \n").unwrap();
        std::fs::write(dir.path().join("sign_in_cod.txt"), "typo").unwrap();
        let t = Templates::from_dir(dir.path()).unwrap();

        let sms = t.render(MessageKind::SignInCode, Channel::Sms, &vars(None));
        assert_eq!(
            sms.text.expose(),
            "Acme: 428913 (valid 90 seconds) {unknown}"
        );
        let confirm = t.render(
            MessageKind::ContactConfirmation,
            Channel::Email,
            &vars(Some("https://x.test")),
        );
        assert_eq!(confirm.subject, "Welcome to Acme");
        // The empty HTML file turned the HTML part off; the rest is default.
        let email = t.render(MessageKind::SignInCode, Channel::Email, &vars(None));
        assert!(email.html.is_none());
        assert_eq!(email.subject, "Your Acme sign-in code");
        let defaults = Templates::default();
        assert_eq!(t.sets[CONFIRM_SMS], defaults.sets[CONFIRM_SMS]);
        assert_eq!(t.sets[SIGN_IN].text, defaults.sets[SIGN_IN].text);
    }

    #[test]
    fn bad_directories_and_subjects_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        assert!(matches!(
            Templates::from_dir(&missing),
            Err(TemplateError::Read { .. })
        ));

        std::fs::write(
            dir.path().join("sign_in_code.subject.txt"),
            "Your code: {code}",
        )
        .unwrap();
        let err = Templates::from_dir(dir.path()).unwrap_err();
        assert!(
            matches!(err, TemplateError::SecretInSubject { .. }),
            "{err}"
        );

        std::fs::write(dir.path().join("sign_in_code.subject.txt"), "One\nTwo").unwrap();
        let err = Templates::from_dir(dir.path()).unwrap_err();
        assert!(
            matches!(err, TemplateError::MultilineSubject { .. }),
            "{err}"
        );
    }
}
