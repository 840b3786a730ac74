//! `tollgate totp begin` (secret, otpauth URI and a QR code drawn in the
//! terminal) and `tollgate totp confirm` (prints the recovery codes).
use super::Transport as Channel;
use clap::{Args, Subcommand};
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;
use serde_json::json;

use super::{ClientError, Conn, Report, rfc3339, short, table};
use crate::pb;
use crate::pb::enrollment_service_client::EnrollmentServiceClient;

#[derive(Debug, Subcommand)]
pub enum TotpCommand {
    /// Mint a pending secret: prints the otpauth URI, the secret and a QR
    /// code to scan (replaces any pending secret).
    Begin(BeginArgs),
    /// Confirm the pending secret with a code from the app: enables TOTP and
    /// prints the recovery codes (shown once).
    Confirm(ConfirmArgs),
}

impl TotpCommand {
    pub fn conn(&self) -> &Conn {
        match self {
            Self::Begin(a) => &a.conn,
            Self::Confirm(a) => &a.conn,
        }
    }
}

#[derive(Debug, Args)]
pub struct BeginArgs {
    /// The user id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// The label the authenticator app shows (default: the user id).
    #[arg(long, value_name = "NAME")]
    pub account_name: Option<String>,
    /// Whose policy applies (issuer, allowed methods).
    #[arg(long, value_name = "AUDIENCE")]
    pub audience: Option<String>,
    /// Draw the QR code light-on-dark, for terminals with a dark background
    /// that cannot be scanned otherwise.
    #[arg(long)]
    pub invert_qr: bool,
    #[command(flatten)]
    pub conn: Conn,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The user id.
    #[arg(long, value_name = "USER")]
    pub user: String,
    /// The code the authenticator app shows now.
    #[arg(long, value_name = "CODE")]
    pub code: String,
    #[command(flatten)]
    pub conn: Conn,
}

pub async fn run(command: &TotpCommand, channel: Channel) -> Result<Report, ClientError> {
    let mut client = EnrollmentServiceClient::new(channel);
    match command {
        TotpCommand::Begin(args) => begin(args, &mut client).await,
        TotpCommand::Confirm(args) => confirm(args, &mut client).await,
    }
}

async fn begin(
    args: &BeginArgs,
    client: &mut EnrollmentServiceClient<Channel>,
) -> Result<Report, ClientError> {
    let r = client
        .begin_totp(pb::BeginTotpRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.user.clone(),
            account_name: args.account_name.clone().unwrap_or_default(),
            audience: args.audience.clone().unwrap_or_default(),
        })
        .await?
        .into_inner();
    let algorithm = pb::TotpAlgorithm::try_from(r.algorithm).map_or_else(
        |_| r.algorithm.to_string(),
        |a| short(a.as_str_name(), "TOTP_ALGORITHM_"),
    );
    let period = r.period.map_or(0, |p| p.seconds);
    let expires_at = rfc3339(r.expires_at.as_ref());
    let json = json!({
        "otpauth_uri": r.otpauth_uri,
        "secret_base32": r.secret_base32,
        "issuer": r.issuer,
        "account_name": r.account_name,
        "digits": r.digits,
        "period_seconds": period,
        "algorithm": algorithm,
        "expires_at": expires_at,
    });
    let qr = terminal_qr(&r.otpauth_uri, args.invert_qr)?;
    let mut text = format!(
        "Scan the QR code with an authenticator app, or enter the secret by hand.\n\n{qr}\n\n"
    );
    text.push_str(&table(&[
        ("secret", r.secret_base32.clone()),
        ("uri", r.otpauth_uri.clone()),
        ("issuer", r.issuer.clone()),
        ("account", r.account_name.clone()),
        (
            "parameters",
            format!("{} digits, {period} s, {algorithm}", r.digits),
        ),
        ("expires at", expires_at.unwrap_or_default()),
    ]));
    text.push_str(&format!(
        "\nThen: tollgate totp confirm --user {} --code <the code the app shows>\n",
        args.user
    ));
    Ok(Report::new(json, text))
}

/// The QR code of `data` in Unicode half blocks with a quiet zone: dark
/// modules are drawn in the terminal's text colour, so on a light
/// background they come out dark, as a camera expects.
fn terminal_qr(data: &str, invert: bool) -> Result<String, ClientError> {
    let code = QrCode::new(data.as_bytes())
        .map_err(|e| ClientError::Local(format!("could not draw the QR code: {e}")))?;
    let mut renderer = code.render::<Dense1x2>();
    renderer.quiet_zone(true);
    if invert {
        renderer
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark);
    }
    Ok(renderer.build())
}

async fn confirm(
    args: &ConfirmArgs,
    client: &mut EnrollmentServiceClient<Channel>,
) -> Result<Report, ClientError> {
    let r = client
        .confirm_totp(pb::ConfirmTotpRequest {
            tenant_id: args.conn.tenant.clone(),
            user_id: args.user.clone(),
            code: args.code.clone(),
            ..Default::default()
        })
        .await?
        .into_inner();
    let state = pb::TotpState::try_from(r.state).map_or_else(
        |_| r.state.to_string(),
        |s| short(s.as_str_name(), "TOTP_STATE_"),
    );
    let confirmed_at = rfc3339(r.confirmed_at.as_ref());
    let json = json!({
        "state": state,
        "confirmed_at": confirmed_at,
        "recovery_codes": r.recovery_codes,
    });
    let mut text = format!(
        "TOTP is {state} for {} (confirmed {}).\n",
        args.user,
        confirmed_at.unwrap_or_default()
    );
    if !r.recovery_codes.is_empty() {
        text.push_str(
            "\nRecovery codes (each works once; store them safely, they are not shown again):\n",
        );
        for code in &r.recovery_codes {
            text.push_str(&format!("  {code}\n"));
        }
    }
    Ok(Report::new(json, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a terminal QR code as a camera would: each character is two
    /// modules stacked, drawn (dark) or blank (light), 4 pixels a module.
    fn scan(text: &str, drawn_is_dark: bool) -> String {
        let rows: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
        let width = rows.iter().map(Vec::len).max().unwrap();
        let dark = |x: usize, y: usize| {
            let c = rows[y / 2].get(x).copied().unwrap_or(' ');
            let drawn = match c {
                '█' => true,
                '▀' => y.is_multiple_of(2),
                '▄' => !y.is_multiple_of(2),
                _ => false,
            };
            drawn == drawn_is_dark
        };
        const SCALE: usize = 4;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(
            width * SCALE,
            rows.len() * 2 * SCALE,
            |x, y| if dark(x / SCALE, y / SCALE) { 0 } else { 255 },
        );
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_terminal_qr_code_scans_dark_on_light_with_a_quiet_zone() {
        let uri =
            "otpauth://totp/tollgate:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=tollgate";
        let text = terminal_qr(uri, false).unwrap();
        // On a light terminal the drawn characters are the dark modules.
        assert_eq!(scan(&text, true), uri);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].trim().is_empty() && lines[1].trim().is_empty());
        assert!(lines.iter().all(|l| l.starts_with("    ")));
        // --invert-qr: the blanks are the dark modules (dark terminals).
        let inverted = terminal_qr(uri, true).unwrap();
        assert_eq!(scan(&inverted, false), uri);
    }
}
