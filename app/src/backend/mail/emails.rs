//! The transactional emails, in Swedish and English: each function returns
//! an [`OutgoingEmail`] for [`crate::backend::mail::outbox::enqueue`].
//!
//! The texts live here rather than in `crate::i18n` because they are long
//! and only the server uses them: one [`EmailTexts`] per language. Every
//! email goes to one person and names only that person — never another
//! attendee. Bodies are plain text with a simple HTML alternative in which
//! every interpolated value is escaped.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

use crate::backend::mail::message::OutgoingEmail;
use crate::i18n::{self, Strings};
use crate::model::session::{format_price, Currency};
use crate::model::Locale;

/// Why a booking's money was returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundReason {
    /// The student cancelled in time.
    StudentCancelled,
    /// The teacher cancelled the slot.
    TeacherCancelled,
    /// The payment arrived after the hold had expired and the slot was full.
    LatePayment,
}

impl RefundReason {
    /// The outbox `kind` of the refund email.
    fn kind(self) -> &'static str {
        match self {
            RefundReason::StudentCancelled => "booking_cancelled",
            RefundReason::TeacherCancelled => "slot_cancelled",
            RefundReason::LatePayment => "late_payment_refund",
        }
    }
}

/// One language's email texts. `{name}`-style placeholders are filled by
/// [`fill`], in one pass, so a value is never itself expanded.
struct EmailTexts {
    hello_named: &'static str,
    hello: &'static str,
    signoff: &'static str,
    label_session: &'static str,
    label_teacher: &'static str,
    label_when: &'static str,
    label_paid: &'static str,
    label_refunded: &'static str,
    label_order: &'static str,

    receipt_subject: &'static str,
    receipt_intro: &'static str,
    receipt_link: &'static str,
    receipt_calendar: &'static str,
    receipt_join: &'static str,

    refund_subject: &'static str,
    refund_student_cancelled: &'static str,
    refund_teacher_cancelled: &'static str,
    refund_late_payment: &'static str,
    refund_timing: &'static str,
    refund_questions: &'static str,
}

const SV: EmailTexts = EmailTexts {
    hello_named: "Hej {name}!",
    hello: "Hej!",
    signoff: "Varma hälsningar\nAveli",
    label_session: "Session",
    label_teacher: "Lärare",
    label_when: "Tid",
    label_paid: "Betalt",
    label_refunded: "Återbetalt",
    label_order: "Ordernummer",

    receipt_subject: "Bokningsbekräftelse: {title}",
    receipt_intro: "Tack för din bokning! Betalningen är mottagen och din plats är reserverad.",
    receipt_link: "Visa kvittot",
    receipt_calendar: "Kalenderinbjudan finns bifogad (invitation.ics). Öppna den för att lägga in passet i din kalender.",
    receipt_join: "Du hittar länken till sändningen under Konto på Aveli när det är dags.",

    refund_subject: "Återbetalning: {title}",
    refund_student_cancelled: "Du har avbokat din plats, så vi har återbetalat hela beloppet.",
    refund_teacher_cancelled: "Läraren har tyvärr ställt in passet. Din bokning är avbokad och vi har återbetalat hela beloppet.",
    refund_late_payment: "Din betalning kom fram efter att platsen vi höll åt dig hade släppts, och under tiden blev passet fullbokat. Därför har vi återbetalat beloppet automatiskt – du har inte blivit debiterad för någon plats.",
    refund_timing: "Pengarna kommer tillbaka till det betalsätt du använde inom 5–10 bankdagar.",
    refund_questions: "Har du frågor? Svara på det här mejlet så hjälper vi dig.",
};

const EN: EmailTexts = EmailTexts {
    hello_named: "Hi {name},",
    hello: "Hi,",
    signoff: "Warm regards,\nAveli",
    label_session: "Session",
    label_teacher: "Teacher",
    label_when: "When",
    label_paid: "Paid",
    label_refunded: "Refunded",
    label_order: "Order number",

    receipt_subject: "Booking confirmed: {title}",
    receipt_intro: "Thank you for your booking! We have received your payment and your seat is reserved.",
    receipt_link: "View your receipt",
    receipt_calendar: "A calendar invitation is attached (invitation.ics). Open it to add the session to your calendar.",
    receipt_join: "When it is time, you will find the link to the live session under Account on Aveli.",

    refund_subject: "Refund: {title}",
    refund_student_cancelled: "You cancelled your booking, so we have refunded the full amount.",
    refund_teacher_cancelled: "Unfortunately the teacher has cancelled this session. Your booking is cancelled and we have refunded the full amount.",
    refund_late_payment: "Your payment arrived after the seat we were holding for you had been released, and in the meantime the session filled up. We have therefore refunded the payment automatically – you have not been charged for a seat.",
    refund_timing: "The money will be returned to your original payment method within 5–10 business days.",
    refund_questions: "Questions? Reply to this email and we will help.",
};

fn texts(locale: Locale) -> &'static EmailTexts {
    match locale {
        Locale::Sv => &SV,
        Locale::En => &EN,
    }
}

/// The receipt of a paid booking, with the student's .ics invitation
/// attached (from [`crate::backend::mail::invitations::invitation`]). The times are shown
/// in the student's time zone. Queued once per order: `receipt:{order_id}`.
#[allow(clippy::too_many_arguments)]
pub fn booking_receipt(
    locale: Locale,
    order_id: &str,
    recipient_email: &str,
    recipient_name: &str,
    session_title: &str,
    teacher_name: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    time_zone: Tz,
    amount_cents: i64,
    currency: &str,
    receipt_url: &str,
    ics: String,
) -> OutgoingEmail {
    let t = texts(locale);
    let s = i18n::strings(locale);
    let subject = fill(t.receipt_subject, &[("title", session_title)]);
    let mut body = Body::new(locale, &subject);
    body.paragraph(&greeting(t, recipient_name));
    body.paragraph(t.receipt_intro);
    body.table(&[
        (t.label_session, session_title),
        (t.label_teacher, teacher_name),
        (t.label_when, &when_span(s, time_zone, start, end)),
        (t.label_paid, &price(amount_cents, currency, s)),
        (t.label_order, order_id),
    ]);
    body.link(t.receipt_link, receipt_url);
    body.paragraph(t.receipt_calendar);
    body.paragraph(t.receipt_join);
    body.paragraph(t.signoff);
    let (body_text, body_html) = body.finish();
    OutgoingEmail {
        kind: "booking_receipt",
        recipient: recipient_email.to_owned(),
        subject,
        body_text,
        body_html: Some(body_html),
        ics: Some(ics),
        dedupe_key: format!("receipt:{order_id}"),
    }
}

/// The notice that a booking's payment was refunded, saying why and when
/// the money arrives. Queued once per order: `refund:{order_id}`.
///
/// For a cancelled booking the caller may set `ics` on the result to
/// [`crate::backend::mail::invitations::cancellation`] so the event leaves the student's
/// calendar.
#[allow(clippy::too_many_arguments)]
pub fn refund_notice(
    locale: Locale,
    order_id: &str,
    recipient_email: &str,
    recipient_name: &str,
    session_title: &str,
    start: DateTime<Utc>,
    time_zone: Tz,
    amount_cents: i64,
    currency: &str,
    reason: RefundReason,
) -> OutgoingEmail {
    let t = texts(locale);
    let s = i18n::strings(locale);
    let subject = fill(t.refund_subject, &[("title", session_title)]);
    let mut body = Body::new(locale, &subject);
    body.paragraph(&greeting(t, recipient_name));
    body.paragraph(match reason {
        RefundReason::StudentCancelled => t.refund_student_cancelled,
        RefundReason::TeacherCancelled => t.refund_teacher_cancelled,
        RefundReason::LatePayment => t.refund_late_payment,
    });
    body.table(&[
        (t.label_session, session_title),
        (t.label_when, &when_start(s, time_zone, start)),
        (t.label_refunded, &price(amount_cents, currency, s)),
        (t.label_order, order_id),
    ]);
    body.paragraph(t.refund_timing);
    body.paragraph(t.refund_questions);
    body.paragraph(t.signoff);
    let (body_text, body_html) = body.finish();
    OutgoingEmail {
        kind: reason.kind(),
        recipient: recipient_email.to_owned(),
        subject,
        body_text,
        body_html: Some(body_html),
        ics: None,
        dedupe_key: format!("refund:{order_id}"),
    }
}

/// The amount as the site shows prices; an unknown currency code (which
/// the server never stores) is shown as it is.
fn price(cents: i64, currency: &str, s: &Strings) -> String {
    match Currency::parse(currency) {
        Some(currency) => format_price(cents, currency, s.free),
        None => {
            let code = one_line(currency).to_ascii_uppercase();
            let sign = if cents < 0 { "-" } else { "" };
            let abs = cents.unsigned_abs();
            match abs % 100 {
                0 => format!("{sign}{} {code}", abs / 100),
                minor => format!("{sign}{},{minor:02} {code}", abs / 100),
            }
        }
    }
}

fn greeting(t: &EmailTexts, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        t.hello.to_owned()
    } else {
        fill(t.hello_named, &[("name", name)])
    }
}

/// "tis 2 dec 2025": the local date, with the year (a receipt is kept).
fn local_date(s: &Strings, tz: Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{} {} {} {}",
        s.weekdays_short[local.weekday().num_days_from_monday() as usize],
        local.day(),
        s.months_short[local.month0() as usize],
        local.year()
    )
}

/// "tis 2 dec 2025, 17:00–18:00 (Europe/Stockholm)".
fn when_span(s: &Strings, tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    format!(
        "{}, {} ({})",
        local_date(s, tz, start),
        i18n::format_span(tz, start, end),
        tz.name()
    )
}

/// "tis 2 dec 2025, 17:00 (Europe/Stockholm)".
fn when_start(s: &Strings, tz: Tz, start: DateTime<Utc>) -> String {
    format!(
        "{}, {} ({})",
        local_date(s, tz, start),
        start.with_timezone(&tz).format("%H:%M"),
        tz.name()
    )
}

/// Fills `{key}` placeholders in one pass: the values are inserted as they
/// are and never scanned for placeholders themselves.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let key = &after[..close];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape_html(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
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
    out
}

/// Builds the plain-text body and its HTML alternative side by side. All
/// content goes in as plain text and is escaped for the HTML here.
struct Body {
    text: String,
    html: String,
}

impl Body {
    fn new(locale: Locale, subject: &str) -> Body {
        Body {
            text: String::new(),
            html: format!(
                "<!DOCTYPE html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n\
                 <body style=\"font-family: Georgia, 'Times New Roman', serif; color: #1f1d2b; \
                 line-height: 1.5; max-width: 560px; margin: 0 auto; padding: 24px;\">\n",
                locale.code(),
                escape_html(subject)
            ),
        }
    }

    fn paragraph(&mut self, text: &str) {
        self.text.push_str(text);
        self.text.push_str("\n\n");
        self.html.push_str("<p>");
        self.html
            .push_str(&escape_html(text).replace('\n', "<br>\n"));
        self.html.push_str("</p>\n");
    }

    fn table(&mut self, rows: &[(&str, &str)]) {
        self.html
            .push_str("<table role=\"presentation\" style=\"border-collapse: collapse; margin: 0 0 16px;\">\n");
        for (label, value) in rows {
            self.text
                .push_str(&format!("{label}: {}\n", one_line(value)));
            self.html.push_str(&format!(
                "<tr><th align=\"left\" style=\"padding: 2px 16px 2px 0; font-weight: normal; color: #5b5870;\">{}</th>\
                 <td style=\"padding: 2px 0;\">{}</td></tr>\n",
                escape_html(label),
                escape_html(&one_line(value))
            ));
        }
        self.html.push_str("</table>\n");
        self.text.push('\n');
    }

    /// A link; only an http(s) address becomes a clickable one.
    fn link(&mut self, label: &str, url: &str) {
        let url = one_line(url);
        self.text.push_str(&format!("{label}: {url}\n\n"));
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            self.html.push_str(&format!(
                "<p><a href=\"{}\" style=\"color: #4b3f8f;\">{}</a></p>\n",
                escape_html(&url),
                escape_html(label)
            ));
        } else {
            self.html.push_str(&format!(
                "<p>{}: {}</p>\n",
                escape_html(label),
                escape_html(&url)
            ));
        }
    }

    fn finish(mut self) -> (String, String) {
        let text = self.text.trim_end().to_owned() + "\n";
        self.html.push_str("</body>\n</html>\n");
        (text, self.html)
    }
}

/// A value on one line (a title with a newline cannot break the layout).
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 12, 2, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    fn receipt(locale: Locale, title: &str, name: &str) -> OutgoingEmail {
        booking_receipt(
            locale,
            "ord-123",
            "stina@example.com",
            name,
            title,
            "Maja Lärare",
            at(16, 0),
            at(17, 15),
            chrono_tz::Europe::Stockholm,
            25_050,
            "SEK",
            "https://aveli.example/account/orders/ord-123",
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
        )
    }

    fn refund(locale: Locale, reason: RefundReason) -> OutgoingEmail {
        refund_notice(
            locale,
            "ord-9",
            "stina@example.com",
            "Stina",
            "Yoga i gryningen",
            at(16, 0),
            chrono_tz::America::New_York,
            1500,
            "EUR",
            reason,
        )
    }

    #[test]
    fn receipt_in_swedish() {
        let email = receipt(Locale::Sv, "Yoga i gryningen", "Stina");
        assert_eq!(email.kind, "booking_receipt");
        assert_eq!(email.recipient, "stina@example.com");
        assert_eq!(email.dedupe_key, "receipt:ord-123");
        assert_eq!(email.subject, "Bokningsbekräftelse: Yoga i gryningen");
        let text = &email.body_text;
        assert!(text.starts_with("Hej Stina!\n"), "{text}");
        // 16:00 UTC is 17:00 in Stockholm in December.
        assert!(
            text.contains("Tid: tis 2 dec 2025, 17:00–18:15 (Europe/Stockholm)"),
            "{text}"
        );
        assert!(text.contains("Betalt: 250,50 SEK"), "{text}");
        assert!(text.contains("Lärare: Maja Lärare"), "{text}");
        assert!(
            text.contains("https://aveli.example/account/orders/ord-123"),
            "{text}"
        );
        assert!(text.contains("invitation.ics"), "{text}");
        assert!(email.ics.is_some());
        let html = email.body_html.as_deref().unwrap_or_default();
        assert!(html.contains("<html lang=\"sv\">"), "{html}");
        assert!(
            html.contains("href=\"https://aveli.example/account/orders/ord-123\""),
            "{html}"
        );
    }

    #[test]
    fn receipt_in_english() {
        let email = receipt(Locale::En, "Dawn yoga", "");
        assert_eq!(email.dedupe_key, "receipt:ord-123");
        assert_eq!(email.subject, "Booking confirmed: Dawn yoga");
        let text = &email.body_text;
        assert!(text.starts_with("Hi,\n"), "{text}");
        assert!(
            text.contains("When: Tue 2 Dec 2025, 17:00–18:15 (Europe/Stockholm)"),
            "{text}"
        );
        assert!(text.contains("Paid: 250,50 SEK"), "{text}");
        assert!(text.contains("View your receipt: https://"), "{text}");
        assert!(email
            .body_html
            .is_some_and(|h| h.contains("<html lang=\"en\">")));
    }

    #[test]
    fn html_escapes_every_value() {
        let email = receipt(Locale::En, "<script>alert('x')</script> & co", "<b>Eve</b>");
        let html = email.body_html.unwrap_or_default();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"),
            "{html}"
        );
        assert!(html.contains("Hi &lt;b&gt;Eve&lt;/b&gt;,"), "{html}");
        // The plain text keeps the title as it is.
        assert!(email.body_text.contains("<script>alert('x')</script> & co"));

        let refund = refund_notice(
            Locale::Sv,
            "o\"><img src=x>",
            "s@example.com",
            "S",
            "<script>",
            at(16, 0),
            chrono_tz::UTC,
            100,
            "SEK",
            RefundReason::LatePayment,
        );
        let html = refund.body_html.unwrap_or_default();
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn a_non_web_receipt_link_is_not_clickable() {
        let email = booking_receipt(
            Locale::En,
            "o",
            "s@example.com",
            "S",
            "Yoga",
            "T",
            at(16, 0),
            at(17, 0),
            chrono_tz::UTC,
            0,
            "SEK",
            "javascript:alert(1)",
            String::new(),
        );
        let html = email.body_html.unwrap_or_default();
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("javascript:alert(1)"), "{html}");
        assert!(
            email.body_text.contains("Paid: Free"),
            "{}",
            email.body_text
        );
    }

    #[test]
    fn prices_follow_the_site() {
        assert_eq!(price(25_050, "SEK", &i18n::SV), "250,50 SEK");
        assert_eq!(price(1500, "eur", &i18n::EN), "15 EUR");
        assert_eq!(price(0, "SEK", &i18n::EN), "Free");
        assert_eq!(price(1205, "chf", &i18n::EN), "12,05 CHF");
    }

    #[test]
    fn values_are_not_expanded_as_placeholders() {
        assert_eq!(
            fill("a {title} b", &[("title", "{title}{name}")]),
            "a {title}{name} b"
        );
        assert_eq!(fill("{x} {title", &[("title", "T")]), "{x} {title");
        let email = receipt(Locale::En, "{name}", "Stina");
        assert_eq!(email.subject, "Booking confirmed: {name}");
    }

    #[test]
    fn refunds_say_why_in_both_languages() {
        for locale in [Locale::Sv, Locale::En] {
            let reasons = [
                RefundReason::StudentCancelled,
                RefundReason::TeacherCancelled,
                RefundReason::LatePayment,
            ];
            let bodies: Vec<String> = reasons
                .iter()
                .map(|&reason| {
                    let email = refund(locale, reason);
                    assert_eq!(email.dedupe_key, "refund:ord-9");
                    assert_eq!(email.recipient, "stina@example.com");
                    assert!(email.ics.is_none());
                    assert!(email.body_text.contains("5–10"), "{}", email.body_text);
                    assert!(email.body_text.contains("15 EUR"), "{}", email.body_text);
                    // 16:00 UTC is 11:00 in New York in December.
                    assert!(
                        email.body_text.contains("2 ")
                            && email.body_text.contains("2025, 11:00 (America/New_York)"),
                        "{}",
                        email.body_text
                    );
                    assert!(email
                        .body_html
                        .as_deref()
                        .is_some_and(|h| h.contains("5–10")));
                    email.body_text
                })
                .collect();
            assert_ne!(bodies[0], bodies[1]);
            assert_ne!(bodies[1], bodies[2]);
            assert_ne!(bodies[0], bodies[2]);
        }
        assert_eq!(
            refund(Locale::Sv, RefundReason::LatePayment).kind,
            "late_payment_refund"
        );
        assert_eq!(
            refund(Locale::En, RefundReason::TeacherCancelled).kind,
            "slot_cancelled"
        );
        assert!(refund(Locale::En, RefundReason::LatePayment)
            .body_text
            .contains("refunded the payment automatically"));
        assert!(refund(Locale::Sv, RefundReason::TeacherCancelled)
            .subject
            .starts_with("Återbetalning: "));
    }
}

/// The three membership emails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipNotice {
    /// The first invoice was paid.
    Welcome,
    /// A renewal failed: update the payment method (access continues for now).
    PaymentFailed,
    /// The subscription ended.
    Ended,
}

struct MembershipTexts {
    welcome_subject: &'static str,
    welcome_body: &'static str,
    failed_subject: &'static str,
    failed_body: &'static str,
    ended_subject: &'static str,
    ended_body: &'static str,
    link: &'static str,
}

const MEMBERSHIP_SV: MembershipTexts = MembershipTexts {
    welcome_subject: "Välkommen som medlem i Aveli",
    welcome_body: "Tack! Ditt medlemskap är aktivt och alla inspelningar i Tidigare sändningar är öppna för dig.",
    failed_subject: "Betalningen för ditt medlemskap misslyckades",
    failed_body: "Vi kunde inte dra månadens avgift. Uppdatera ditt betalsätt för att behålla medlemskapet – du har tillgång till inspelningarna perioden ut.",
    ended_subject: "Ditt medlemskap har avslutats",
    ended_body: "Ditt medlemskap har nu avslutats och inga fler dragningar görs. Du är alltid välkommen tillbaka.",
    link: "Gå till ditt medlemskap",
};

const MEMBERSHIP_EN: MembershipTexts = MembershipTexts {
    welcome_subject: "Welcome to Aveli membership",
    welcome_body: "Thank you! Your membership is active and every recording in Past broadcasts is open to you.",
    failed_subject: "Your membership payment failed",
    failed_body: "We could not collect this month's fee. Update your payment method to keep your membership – you keep access to the recordings until the period ends.",
    ended_subject: "Your membership has ended",
    ended_body: "Your membership has now ended and there will be no further charges. You are always welcome back.",
    link: "Go to your membership",
};

/// One membership email. `dedupe_key` makes it once per event of its kind
/// (e.g. `membership-failed:{invoice}`).
pub fn membership_notice(
    locale: Locale,
    notice: MembershipNotice,
    recipient_email: &str,
    recipient_name: &str,
    membership_url: &str,
    dedupe_key: String,
) -> OutgoingEmail {
    let t = texts(locale);
    let m = match locale {
        Locale::Sv => &MEMBERSHIP_SV,
        Locale::En => &MEMBERSHIP_EN,
    };
    let (kind, subject, text) = match notice {
        MembershipNotice::Welcome => ("membership_welcome", m.welcome_subject, m.welcome_body),
        MembershipNotice::PaymentFailed => {
            ("membership_payment_failed", m.failed_subject, m.failed_body)
        }
        MembershipNotice::Ended => ("membership_ended", m.ended_subject, m.ended_body),
    };
    let mut body = Body::new(locale, subject);
    body.paragraph(&greeting(t, recipient_name));
    body.paragraph(text);
    body.link(m.link, membership_url);
    body.paragraph(t.signoff);
    let (body_text, body_html) = body.finish();
    OutgoingEmail {
        kind,
        recipient: recipient_email.to_owned(),
        subject: subject.to_owned(),
        body_text,
        body_html: Some(body_html),
        ics: None,
        dedupe_key,
    }
}

#[cfg(test)]
mod membership_tests {
    use super::*;

    #[test]
    fn membership_notices_render_in_both_languages() {
        for locale in [Locale::Sv, Locale::En] {
            for notice in [
                MembershipNotice::Welcome,
                MembershipNotice::PaymentFailed,
                MembershipNotice::Ended,
            ] {
                let email = membership_notice(
                    locale,
                    notice,
                    "a@b.se",
                    "<Anna>",
                    "https://x/membership",
                    "k".into(),
                );
                assert!(email.body_text.contains("https://x/membership"));
                assert!(
                    !email
                        .body_html
                        .as_deref()
                        .unwrap_or_default()
                        .contains("<Anna>"),
                    "escaped"
                );
                assert_eq!(email.dedupe_key, "k");
            }
        }
    }
}

/// The receipt of a course purchase: once per order, `receipt:{order_id}`.
#[allow(clippy::too_many_arguments)]
pub fn course_receipt(
    locale: Locale,
    order_id: &str,
    recipient_email: &str,
    recipient_name: &str,
    course_title: &str,
    teacher_name: &str,
    amount_cents: i64,
    currency: &str,
    course_url: &str,
) -> OutgoingEmail {
    let t = texts(locale);
    let s = i18n::strings(locale);
    let (subject_template, intro, link, label_course) = match locale {
        Locale::Sv => (
            "Kvitto: {title}",
            "Tack för ditt köp! Betalningen är mottagen och alla lektioner i kursen är nu öppna för dig.",
            "Öppna kursen",
            "Kurs",
        ),
        Locale::En => (
            "Receipt: {title}",
            "Thank you for your purchase! We have received your payment and every lesson of the course is now open to you.",
            "Open the course",
            "Course",
        ),
    };
    let subject = fill(subject_template, &[("title", course_title)]);
    let mut body = Body::new(locale, &subject);
    body.paragraph(&greeting(t, recipient_name));
    body.paragraph(intro);
    body.table(&[
        (label_course, course_title),
        (t.label_teacher, teacher_name),
        (t.label_paid, &price(amount_cents, currency, s)),
        (t.label_order, order_id),
    ]);
    body.link(link, course_url);
    body.paragraph(t.signoff);
    let (body_text, body_html) = body.finish();
    OutgoingEmail {
        kind: "course_receipt",
        recipient: recipient_email.to_owned(),
        subject,
        body_text,
        body_html: Some(body_html),
        ics: None,
        dedupe_key: format!("receipt:{order_id}"),
    }
}
