//! Delivers outbox emails: over SMTP when `SMTP_URL` is configured, else as
//! `.eml` files under `data/outbox/` (DESIGN §5, receipts) — the offline
//! default, which a developer can open in any mail program.
//!
//! The SMTP URL holds a password: it is never logged, and `Debug` shows only
//! which transport is used and the sender.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::backend::mail::message::StoredEmail;

/// How emails leave the server.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// Writes each email to `{dir}/{id}.eml`.
    Files { dir: PathBuf, from: Mailbox },
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Not the transport: its settings include the credentials.
            Mailer::Smtp { from, .. } => f
                .debug_struct("Mailer::Smtp")
                .field("from", &from.to_string())
                .finish_non_exhaustive(),
            Mailer::Files { dir, from } => f
                .debug_struct("Mailer::Files")
                .field("dir", dir)
                .field("from", &from.to_string())
                .finish(),
        }
    }
}

impl Mailer {
    /// SMTP when `smtp_url` is given (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://…`; see lettre's `AsyncSmtpTransport::from_url`), else `.eml`
    /// files under `data_dir/outbox/`. `from` is the sender, e.g.
    /// `Aveli <no-reply@aveli.se>`.
    pub fn from_config(
        smtp_url: Option<&str>,
        from: &str,
        data_dir: &Path,
    ) -> anyhow::Result<Mailer> {
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("the sender address {from:?} is not a valid mailbox"))?;
        match smtp_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => {
                // The error of an invalid URL never repeats the URL, but its
                // message is lettre's; keep ours free of the URL as well.
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL is not a valid SMTP URL ({e})"))?
                    .build();
                Ok(Mailer::Smtp { transport, from })
            }
            None => Ok(Mailer::Files {
                dir: data_dir.join("outbox"),
                from,
            }),
        }
    }

    /// The sender address.
    pub fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::Files { from, .. } => from,
        }
    }

    /// Sends one email (or writes its file).
    pub async fn send(&self, email: &StoredEmail) -> anyhow::Result<()> {
        let message = build_message(self.from(), email)?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport
                    .send(message)
                    .await
                    .context("the SMTP server did not accept the email")?;
            }
            Mailer::Files { dir, .. } => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .with_context(|| format!("could not create {}", dir.display()))?;
                // Written under a temporary name and renamed, so a reader
                // never sees half a file.
                let path = dir.join(format!("{}.eml", file_stem(&email.id)));
                let partial = dir.join(format!(".{}.eml.partial", file_stem(&email.id)));
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .with_context(|| format!("could not write {}", partial.display()))?;
                tokio::fs::rename(&partial, &path)
                    .await
                    .with_context(|| format!("could not write {}", path.display()))?;
            }
        }
        Ok(())
    }
}

/// The email as MIME: plain text (with an HTML alternative when there is
/// one), plus the .ics invitation as the attachment `invitation.ics`.
fn build_message(from: &Mailbox, email: &StoredEmail) -> anyhow::Result<Message> {
    let to: Mailbox = email
        .recipient
        .parse()
        .with_context(|| format!("the recipient of email {} is not a valid address", email.id))?;
    // One Message-ID per outbox row, the same on every attempt.
    let message_id = format!("<{}@{}>", file_stem(&email.id), from.email.domain());
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&email.subject))
        .message_id(Some(message_id));

    let text = || SinglePart::plain(email.body_text.clone());
    let alternative = email
        .body_html
        .as_ref()
        .map(|html| MultiPart::alternative_plain_html(email.body_text.clone(), html.clone()));
    let attachment = match &email.ics {
        Some(ics) => {
            let method = if ics.contains("\nMETHOD:CANCEL") {
                "CANCEL"
            } else {
                "REQUEST"
            };
            let content_type =
                ContentType::parse(&format!("text/calendar; method={method}; charset=utf-8"))
                    .context("the calendar content type")?;
            Some(Attachment::new("invitation.ics".to_owned()).body(ics.clone(), content_type))
        }
        None => None,
    };
    let message = match (alternative, attachment) {
        (Some(alternative), Some(attachment)) => builder.multipart(
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(attachment),
        ),
        (None, Some(attachment)) => {
            builder.multipart(MultiPart::mixed().singlepart(text()).singlepart(attachment))
        }
        (Some(alternative), None) => builder.multipart(alternative),
        (None, None) => builder.singlepart(text()),
    };
    message.with_context(|| format!("could not build email {}", email.id))
}

/// A header value on one line.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// An outbox id as a file name (ids are UUIDs; anything else is filtered).
fn file_stem(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(html: Option<&str>, ics: Option<&str>) -> StoredEmail {
        StoredEmail {
            id: "0193f1e2-aaaa-7bbb-8ccc-123456789abc".into(),
            kind: "booking_receipt".into(),
            recipient: "Stina <student@example.com>".into(),
            subject: "Booking\r\nBcc: evil@example.com".into(),
            body_text: "Hello".into(),
            body_html: html.map(str::to_owned),
            ics: ics.map(str::to_owned),
            attempts: 1,
        }
    }

    fn formatted(email: &StoredEmail) -> String {
        let from: Mailbox = "Aveli <no-reply@aveli.example>".parse().expect("from");
        let message = build_message(&from, email).expect("message");
        String::from_utf8(message.formatted()).expect("utf-8")
    }

    #[test]
    fn from_config_without_smtp_writes_files() {
        let mailer = Mailer::from_config(None, "Aveli <no-reply@aveli.example>", Path::new("data"))
            .expect("mailer");
        match &mailer {
            Mailer::Files { dir, .. } => assert_eq!(dir, &Path::new("data").join("outbox")),
            Mailer::Smtp { .. } => panic!("expected files"),
        }
        assert!(Mailer::from_config(None, "not an address", Path::new("data")).is_err());
    }

    #[test]
    fn debug_never_shows_the_smtp_url() {
        let mailer = Mailer::from_config(
            Some("smtp://user:s3cret-pass@smtp.example.com:587?tls=required"),
            "no-reply@aveli.example",
            Path::new("data"),
        )
        .expect("mailer");
        let shown = format!("{mailer:?}");
        assert!(shown.contains("Mailer::Smtp"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(!shown.contains("user"), "{shown}");

        let err = Mailer::from_config(
            Some("ftp://user:s3cret-pass@host"),
            "no-reply@aveli.example",
            Path::new("data"),
        )
        .map(|_| ())
        .expect_err("bad scheme");
        assert!(!format!("{err:#}").contains("s3cret"), "{err:#}");
    }

    #[test]
    fn text_only() {
        let eml = formatted(&stored(None, None));
        assert!(
            eml.contains("Content-Type: text/plain; charset=utf-8"),
            "{eml}"
        );
        assert!(!eml.contains("multipart"), "{eml}");
        // A newline in the subject cannot add a header.
        assert!(!eml.contains("\r\nBcc:"), "{eml}");
        assert!(
            eml.contains("Message-ID: <0193f1e2-aaaa-7bbb-8ccc-123456789abc@aveli.example>"),
            "{eml}"
        );
    }

    #[test]
    fn html_alternative_and_invitation() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
        let eml = formatted(&stored(Some("<p>Hello</p>"), Some(ics)));
        assert!(eml.contains("multipart/mixed"), "{eml}");
        assert!(eml.contains("multipart/alternative"), "{eml}");
        assert!(
            eml.contains("Content-Type: text/html; charset=utf-8"),
            "{eml}"
        );
        assert!(
            eml.contains("text/calendar; method=REQUEST; charset=utf-8"),
            "{eml}"
        );
        assert!(
            eml.contains("attachment; filename=\"invitation.ics\""),
            "{eml}"
        );
        assert!(eml.contains("METHOD:REQUEST"), "{eml}");
    }

    #[test]
    fn cancellation_gets_method_cancel() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n";
        let eml = formatted(&stored(None, Some(ics)));
        assert!(
            eml.contains("text/calendar; method=CANCEL; charset=utf-8"),
            "{eml}"
        );
        assert!(
            eml.contains("Content-Type: text/plain; charset=utf-8"),
            "{eml}"
        );
    }

    /// A real receipt: emails + ics + mailer together.
    #[test]
    fn a_booking_receipt_as_sent() {
        use crate::backend::{mail::emails, mail::invitations};
        use chrono::TimeZone;
        let start = chrono::Utc
            .with_ymd_and_hms(2025, 12, 2, 16, 0, 0)
            .single()
            .unwrap_or_default();
        let end = start + chrono::Duration::minutes(75);
        let url = "https://aveli.example/orders/o1";
        let invitation = invitations::invitation(
            &invitations::Invite {
                uid: "o1@aveli",
                title: "Yoga, lugnt",
                description: "Ta med matta",
                start,
                end,
                organizer_name: "Maja",
                url,
                join_url: Some("https://aveli.example/join/tok"),
                sequence: 0,
                attendee_email: "stina@example.com",
                attendee_name: "Stina",
            },
            start - chrono::Duration::days(1),
        );
        let email = emails::booking_receipt(
            crate::model::Locale::Sv,
            "o1",
            "stina@example.com",
            "Stina",
            "Yoga, lugnt",
            "Maja",
            start,
            end,
            chrono_tz::Europe::Stockholm,
            25_000,
            "SEK",
            url,
            "https://aveli.example/join/tok",
            invitation,
        );
        let stored = StoredEmail {
            id: "0193f1e2-aaaa-7bbb-8ccc-123456789abc".into(),
            kind: email.kind.into(),
            recipient: email.recipient,
            subject: email.subject,
            body_text: email.body_text,
            body_html: email.body_html,
            ics: email.ics,
            attempts: 1,
        };
        let eml = formatted(&stored);
        if std::env::var_os("SHOW_EML").is_some() {
            println!("{eml}");
        }
        assert!(eml.contains("To: stina@example.com"), "{eml}");
        assert!(eml.contains("filename=\"invitation.ics\""), "{eml}");
        assert!(
            eml.contains("text/calendar; method=REQUEST; charset=utf-8"),
            "{eml}"
        );
        assert!(
            eml.contains("Content-Type: text/html; charset=utf-8"),
            "{eml}"
        );
        // Only the recipient's address appears.
        let addresses = eml.matches("@example.com").count();
        assert_eq!(addresses, eml.matches("stina@example.com").count(), "{eml}");
    }
}
