//! The rows of an import file: JSON Lines (one object per line) or CSV with
//! a header, both in one flat schema (docs/migrating.md), read one row at a
//! time and turned into ImportUser requests. A row that cannot be read
//! (bad JSON, no user_id, an unknown key, a bad value) becomes a local
//! rejection with the reason `MALFORMED_ROW`; messages name fields, never
//! their values, so no secret or code reaches a rejects file or a terminal.
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use chrono::DateTime;
use serde_json::Value;

use crate::pb;

/// The reason a row that could not be read locally is rejected with.
pub const MALFORMED_ROW: &str = "MALFORMED_ROW";

/// Every column (CSV) or key (JSON Lines) a row may have.
pub const COLUMNS: [&str; 15] = [
    "user_id",
    "totp_secret",
    "otpauth_uri",
    "totp_digits",
    "totp_period",
    "totp_algorithm",
    "totp_enabled_at",
    "recovery_codes",
    "email",
    "email_confirmed",
    "email_enabled",
    "phone",
    "phone_confirmed",
    "sms_enabled",
    DEFAULT_METHOD,
];

/// The method offered first at sign-in: totp, email or sms.
const DEFAULT_METHOD: &str = "default_method";

/// How the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line (.jsonl, .ndjson).
    Jsonl,
    /// Comma-separated values with a header row (.csv).
    Csv,
}

impl Format {
    /// From the file's extension, when it says.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

/// A row that was not sent: why, in words that name no secret.
pub struct Malformed {
    pub user_id: Option<String>,
    pub message: String,
}

/// One user's import, ready to send but for the run's own settings
/// (tenant, actor, audience, replace, dry run, minting).
pub struct Parsed {
    pub user_id: String,
    pub request: pb::ImportUserRequest,
}

/// A row of the file at its line (1-based; a CSV record's first line).
pub struct Row {
    pub line: u64,
    pub parsed: Result<Parsed, Malformed>,
}

/// A value as a row holds it: text, or a list (JSON arrays).
enum Cell {
    Text(String),
    List(Vec<String>),
}

/// Reads rows one at a time.
pub enum Rows {
    Jsonl {
        lines: std::io::Lines<BufReader<File>>,
        line: u64,
    },
    Csv {
        reader: csv::Reader<File>,
        header: Vec<String>,
    },
}

/// Why reading the file stopped (not a row's fault).
pub type ReadError = String;

impl Rows {
    /// Opens `path`; a CSV header with an unknown column is refused here,
    /// before any row is sent, since every row would be rejected for it.
    pub fn open(path: &Path, format: Format) -> Result<Self, ReadError> {
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        match format {
            Format::Jsonl => Ok(Self::Jsonl {
                lines: BufReader::new(file).lines(),
                line: 0,
            }),
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(true)
                    .trim(csv::Trim::All)
                    .from_reader(file);
                let header: Vec<String> = reader
                    .headers()
                    .map_err(|e| format!("{}: the header: {e}", path.display()))?
                    .iter()
                    .map(str::to_owned)
                    .collect();
                check_header(&header).map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(Self::Csv { reader, header })
            }
        }
    }

    /// How many rows `path` holds (blank JSON lines do not count).
    pub fn count(path: &Path, format: Format) -> Result<u64, ReadError> {
        let mut rows = Self::open(path, format)?;
        let mut count = 0;
        while rows.next_raw()?.is_some() {
            count += 1;
        }
        Ok(count)
    }

    /// The next row, read and parsed; `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row>, ReadError> {
        Ok(self.next_raw()?.map(|(line, raw)| Row {
            line,
            parsed: raw.and_then(parse),
        }))
    }

    /// The next row's line and its cells, not yet parsed.
    #[allow(clippy::type_complexity)]
    fn next_raw(
        &mut self,
    ) -> Result<Option<(u64, Result<Vec<(String, Cell)>, Malformed>)>, ReadError> {
        match self {
            Self::Jsonl { lines, line } => loop {
                let Some(text) = lines.next() else {
                    return Ok(None);
                };
                *line += 1;
                let text = match text {
                    Ok(text) => text,
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        return Ok(Some((*line, Err(malformed(None, "not UTF-8")))));
                    }
                    Err(e) => return Err(e.to_string()),
                };
                if text.trim().is_empty() {
                    continue;
                }
                return Ok(Some((*line, json_cells(&text))));
            },
            Self::Csv { reader, header } => {
                let mut record = csv::ByteRecord::new();
                match reader.read_byte_record(&mut record) {
                    Ok(false) => Ok(None),
                    Ok(true) => {
                        let line = record.position().map_or(0, csv::Position::line);
                        Ok(Some((line, csv_cells(header, &record))))
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    }
}

fn malformed(user_id: Option<String>, message: impl Into<String>) -> Malformed {
    Malformed {
        user_id,
        message: message.into(),
    }
}

fn known(name: &str) -> bool {
    COLUMNS.contains(&name)
}

fn check_header(header: &[String]) -> Result<(), String> {
    if let Some(unknown) = header.iter().find(|h| !known(h)) {
        return Err(format!(
            "unknown column {unknown:?} (the columns are {})",
            COLUMNS.join(", ")
        ));
    }
    if !header.iter().any(|h| h == "user_id") {
        return Err("no user_id column".to_owned());
    }
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            return Err(format!("column {name:?} appears twice"));
        }
    }
    Ok(())
}

/// A CSV record's cells by column; empty cells are left out.
fn csv_cells(
    header: &[String],
    record: &csv::ByteRecord,
) -> Result<Vec<(String, Cell)>, Malformed> {
    let mut cells = Vec::new();
    for (i, bytes) in record.iter().enumerate() {
        let Some(name) = header.get(i) else {
            return Err(malformed(
                None,
                format!(
                    "{} fields where the header has {}",
                    record.len(),
                    header.len()
                ),
            ));
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|_| malformed(None, format!("{name}: not UTF-8")))?;
        if !text.is_empty() {
            cells.push((name.clone(), Cell::Text(text.to_owned())));
        }
    }
    Ok(cells)
}

/// A JSON line's cells by key; nulls are left out.
fn json_cells(text: &str) -> Result<Vec<(String, Cell)>, Malformed> {
    // serde_json's syntax errors say where, not what was there.
    let value: Value = serde_json::from_str(text)
        .map_err(|e| malformed(None, format!("not JSON ({})", syntax_only(&e))))?;
    let Value::Object(object) = value else {
        return Err(malformed(None, "not a JSON object"));
    };
    let user_id = object
        .get("user_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut cells = Vec::new();
    for (key, value) in object {
        let cell = match value {
            Value::Null => continue,
            Value::String(s) => Cell::Text(s),
            Value::Number(n) => Cell::Text(n.to_string()),
            Value::Bool(b) => Cell::Text(b.to_string()),
            Value::Array(items) => Cell::List(
                items
                    .into_iter()
                    .map(|item| match item {
                        Value::String(s) => Ok(s),
                        _ => Err(malformed(
                            user_id.clone(),
                            format!("{key}: must be a list of strings"),
                        )),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(_) => {
                return Err(malformed(
                    user_id,
                    format!("{key}: must be a string, number, boolean or list"),
                ));
            }
        };
        cells.push((key, cell));
    }
    Ok(cells)
}

/// A JSON error's category and place, without any of the input.
fn syntax_only(error: &serde_json::Error) -> String {
    let what = match error.classify() {
        serde_json::error::Category::Eof => "it ends too early",
        serde_json::error::Category::Syntax => "bad syntax",
        serde_json::error::Category::Data => "bad data",
        serde_json::error::Category::Io => "unreadable",
    };
    format!("{what} at column {}", error.column())
}

/// The fields of one row, by name.
#[derive(Default)]
struct Fields {
    text: std::collections::BTreeMap<String, String>,
    codes: Option<Vec<String>>,
}

impl Fields {
    fn take(&mut self, name: &str) -> Option<String> {
        self.text.remove(name).filter(|v| !v.trim().is_empty())
    }
}

fn parse(cells: Vec<(String, Cell)>) -> Result<Parsed, Malformed> {
    let mut fields = Fields::default();
    let mut user_id = None;
    for (name, cell) in &cells {
        if name == "user_id"
            && let Cell::Text(text) = cell
        {
            user_id = Some(text.clone()).filter(|u| !u.is_empty());
        }
    }
    let fail = |message: String| malformed(user_id.clone(), message);
    for (name, cell) in cells {
        if !known(&name) {
            return Err(fail(format!(
                "unknown key {name:?} (the keys are {})",
                COLUMNS.join(", ")
            )));
        }
        match (name.as_str(), cell) {
            ("recovery_codes", Cell::List(codes)) => fields.codes = Some(codes),
            ("recovery_codes", Cell::Text(text)) => {
                fields.codes = Some(
                    text.split(|c: char| c.is_whitespace() || c == ';')
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect(),
                );
            }
            (_, Cell::List(_)) => return Err(fail(format!("{name}: must not be a list"))),
            (_, Cell::Text(text)) => {
                fields.text.insert(name, text);
            }
        }
    }
    let Some(user_id) = fields.take("user_id") else {
        return Err(fail("user_id: missing".to_owned()));
    };
    let request = request(&mut fields).map_err(fail)?;
    Ok(Parsed { user_id, request })
}

/// The request's parts a row gives (the run adds the rest).
fn request(fields: &mut Fields) -> Result<pb::ImportUserRequest, String> {
    let totp = totp(fields)?;
    let mut contacts = Vec::new();
    for (address, confirmed, enabled, kind) in [
        (
            "email",
            "email_confirmed",
            "email_enabled",
            pb::ContactKind::Email,
        ),
        (
            "phone",
            "phone_confirmed",
            "sms_enabled",
            pb::ContactKind::Phone,
        ),
    ] {
        let confirmed_value = flag(fields, confirmed)?;
        let enable = flag(fields, enabled)?;
        match fields.take(address) {
            Some(address) => contacts.push(pb::ImportedContact {
                kind: kind as i32,
                address,
                confirmed: confirmed_value.unwrap_or(false),
                enable: enable.unwrap_or(false),
            }),
            None if confirmed_value == Some(true) || enable == Some(true) => {
                return Err(format!("{confirmed}/{enabled}: given without {address}"));
            }
            None => {}
        }
    }
    let default_method = match fields.take(DEFAULT_METHOD) {
        None => pb::Method::Unspecified,
        Some(name) => match name.trim().to_ascii_lowercase().as_str() {
            "totp" => pb::Method::Totp,
            "email" => pb::Method::Email,
            "sms" => pb::Method::Sms,
            _ => return Err(format!("{DEFAULT_METHOD}: must be totp, email or sms")),
        },
    };
    Ok(pb::ImportUserRequest {
        totp,
        recovery_codes: fields.codes.take().unwrap_or_default(),
        contacts,
        default_method: default_method as i32,
        ..Default::default()
    })
}

fn totp(fields: &mut Fields) -> Result<Option<pb::ImportedTotp>, String> {
    let secret = fields.take("totp_secret");
    let uri = fields.take("otpauth_uri");
    let digits = fields
        .take("totp_digits")
        .map(|d| d.trim().parse::<u32>())
        .transpose()
        .map_err(|_| "totp_digits: must be a whole number".to_owned())?;
    let period = fields
        .take("totp_period")
        .map(|p| p.trim().parse::<i64>())
        .transpose()
        .map_err(|_| "totp_period: must be a whole number of seconds".to_owned())?;
    let algorithm = fields.take("totp_algorithm");
    let enabled_at = fields
        .take("totp_enabled_at")
        .map(|t| DateTime::parse_from_rfc3339(t.trim()))
        .transpose()
        .map_err(|_| "totp_enabled_at: must be an RFC 3339 time".to_owned())?;
    if secret.is_none() && uri.is_none() {
        let extra = [
            digits.is_some(),
            period.is_some(),
            algorithm.is_some(),
            enabled_at.is_some(),
        ];
        if extra.contains(&true) {
            return Err("totp_*: given without totp_secret or otpauth_uri".to_owned());
        }
        return Ok(None);
    }
    Ok(Some(pb::ImportedTotp {
        secret_base32: secret.unwrap_or_default(),
        otpauth_uri: uri.unwrap_or_default(),
        digits: digits.unwrap_or(0),
        period: period.map(|seconds| prost_types::Duration { seconds, nanos: 0 }),
        algorithm: algorithm.unwrap_or_default().trim().to_owned(),
        enabled_at: enabled_at.map(|t| prost_types::Timestamp {
            seconds: t.timestamp(),
            nanos: 0,
        }),
    }))
}

/// A yes/no column: true/false, yes/no, 1/0 (any case); absent: `None`.
fn flag(fields: &mut Fields, name: &str) -> Result<Option<bool>, String> {
    let Some(value) = fields.take(name) else {
        return Ok(None);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "y" => Ok(Some(true)),
        "false" | "no" | "0" | "n" => Ok(Some(false)),
        _ => Err(format!("{name}: must be true or false")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn row(text: &str) -> Result<Parsed, Malformed> {
        json_cells(text).and_then(parse)
    }

    #[test]
    fn a_json_row_becomes_a_request() {
        let parsed = row(r#"{"user_id":"dana","totp_secret":"JBSWY3DPEHPK3PXP","totp_digits":8,
            "totp_period":60,"totp_algorithm":"SHA256","totp_enabled_at":"2025-01-02T03:04:05Z",
            "recovery_codes":["a1b2-c3d4","e5f6-g7h8"],"email":"d@example.com","email_confirmed":true,
            "email_enabled":"yes","phone":null,"default_method":"email"}"#)
        .unwrap_or_else(|m| panic!("{}", m.message));
        assert_eq!(parsed.user_id, "dana");
        let r = parsed.request;
        let totp = r.totp.unwrap();
        assert_eq!(totp.secret_base32, "JBSWY3DPEHPK3PXP");
        assert_eq!((totp.digits, totp.period.unwrap().seconds), (8, 60));
        assert_eq!(totp.enabled_at.unwrap().seconds, 1_735_787_045);
        assert_eq!(r.recovery_codes, ["a1b2-c3d4", "e5f6-g7h8"]);
        assert_eq!(r.contacts.len(), 1);
        assert!(r.contacts[0].confirmed && r.contacts[0].enable);
        assert_eq!(r.default_method, pb::Method::Email as i32);
    }

    #[test]
    fn csv_codes_split_on_spaces_and_semicolons() {
        let header: Vec<String> = ["user_id", "recovery_codes", "phone"]
            .map(str::to_owned)
            .to_vec();
        let record = csv::ByteRecord::from(vec!["erin", "AAAA-1111; BBBB-2222 CCCC-3333", ""]);
        let parsed = csv_cells(&header, &record).and_then(parse).ok().unwrap();
        assert_eq!(
            parsed.request.recovery_codes,
            ["AAAA-1111", "BBBB-2222", "CCCC-3333"]
        );
        assert!(
            parsed.request.contacts.is_empty(),
            "an empty cell is absent"
        );
    }

    #[test]
    fn bad_rows_are_named_without_their_values() {
        let cases = [
            (r#"{"user_id": "x", "totp_secret": "SECRETVALUE""#, None),
            (r#"["SECRETVALUE"]"#, None),
            (r#"{"totp_secret": "SECRETVALUE"}"#, None),
            (r#"{"user_id": "x", "secret": "SECRETVALUE"}"#, Some("x")),
            (
                r#"{"user_id": "x", "totp_digits": "SECRETVALUE", "totp_secret": "A"}"#,
                Some("x"),
            ),
            (
                r#"{"user_id": "x", "email_confirmed": "SECRETVALUE"}"#,
                Some("x"),
            ),
            (
                r#"{"user_id": "x", "totp_enabled_at": "SECRETVALUE", "totp_secret": "A"}"#,
                Some("x"),
            ),
            (r#"{"user_id": "x", "totp_period": 30}"#, Some("x")),
            (
                r#"{"user_id": "x", "default_method": "SECRETVALUE"}"#,
                Some("x"),
            ),
        ];
        for (text, user) in cases {
            let Err(bad) = row(text) else {
                panic!("{text} was accepted");
            };
            assert_eq!(bad.user_id.as_deref(), user, "{text}");
            assert!(!bad.message.contains("SECRETVALUE"), "{}", bad.message);
        }
    }

    #[test]
    fn a_csv_header_names_known_columns_once() {
        let header = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert!(check_header(&header(&["user_id", "totp_secret", "default_method"])).is_ok());
        assert!(check_header(&header(&["user_id", "secret"])).is_err());
        assert!(check_header(&header(&["totp_secret"])).is_err());
        assert!(check_header(&header(&["user_id", "email", "email"])).is_err());
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::from_path(Path::new("a.JSONL")), Some(Format::Jsonl));
        assert_eq!(
            Format::from_path(Path::new("a.ndjson")),
            Some(Format::Jsonl)
        );
        assert_eq!(Format::from_path(Path::new("a.csv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.txt")), None);
    }
}
