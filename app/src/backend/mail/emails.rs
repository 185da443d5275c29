//! The transactional emails, in Swedish and English: each function returns
//! an [`OutgoingEmail`] for [`crate::backend::mail::outbox::enqueue`].
//!
//! The texts live here rather than in `crate::i18n` because they are long
//! and only the server uses them: one [`EmailTexts`] (and one
//! [`MembershipTexts`]) per language. Every email goes to one person and
//! names only that person — never another attendee.
//!
//! The bodies are askama templates in `app/templates/email/`, checked when
//! the crate compiles: a plain-text body (`*.txt`, nothing escaped) and a
//! simple HTML alternative (`*.html`) in which askama escapes every
//! interpolated value (with [`EmailHtml`], see `app/askama.toml`). Each
//! email's templates extend `base.txt` / `base.html`, which hold the
//! greeting and the sign-off; `parts.html` holds the details table and the
//! link. The data of one email is one struct (e.g. [`BookingReceipt`]) that
//! both of its templates read as `m`.

use askama::Template;
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

/// One language's email texts. A text with a value in it (a subject, the
/// greeting) is a function of that value: it is inserted as it is, never
/// scanned for placeholders, and escaped only by the HTML templates.
pub(super) struct EmailTexts {
    hello_named: fn(&str) -> String,
    hello: &'static str,
    /// The line above "Aveli" at the end of every email.
    signoff: &'static str,
    label_session: &'static str,
    label_teacher: &'static str,
    label_when: &'static str,
    label_paid: &'static str,
    label_refunded: &'static str,
    label_order: &'static str,

    receipt_subject: fn(&str) -> String,
    receipt_intro: &'static str,
    receipt_link: &'static str,
    receipt_calendar: &'static str,
    receipt_join: &'static str,
    receipt_join_link: &'static str,

    refund_subject: fn(&str) -> String,
    refund_student_cancelled: &'static str,
    refund_teacher_cancelled: &'static str,
    refund_late_payment: &'static str,
    /// A refund made by the platform (the console): part, or the rest.
    refund_platform_partial: &'static str,
    refund_platform_full: &'static str,
    refund_timing: &'static str,
    refund_questions: &'static str,

    moved_subject: fn(&str) -> String,
    moved_intro: &'static str,
    reminder_subject: fn(&str) -> String,
    reminder_intro: &'static str,
    teacher_reminder_intro: &'static str,
    label_attendees: &'static str,
    start_link: &'static str,
    recording_subject: fn(&str) -> String,
    recording_intro: &'static str,
    recording_link: &'static str,

    course_subject: fn(&str) -> String,
    course_intro: &'static str,
    course_link: &'static str,
    label_course: &'static str,
}

const SV: EmailTexts = EmailTexts {
    hello_named: |name| format!("Hej {name}!"),
    hello: "Hej!",
    signoff: "Varma hälsningar",
    label_session: "Session",
    label_teacher: "Lärare",
    label_when: "Tid",
    label_paid: "Betalt",
    label_refunded: "Återbetalt",
    label_order: "Ordernummer",

    receipt_subject: |title| format!("Bokningsbekräftelse: {title}"),
    receipt_intro: "Tack för din bokning! Betalningen är mottagen och din plats är reserverad.",
    receipt_link: "Visa kvittot",
    receipt_calendar: "Kalenderinbjudan finns bifogad (invitation.ics). Öppna den för att lägga in passet i din kalender.",
    receipt_join: "Din personliga länk öppnar sändningen en stund före start. Den fungerar utan inloggning, så dela den inte.",
    receipt_join_link: "Gå med i sändningen",

    refund_subject: |title| format!("Återbetalning: {title}"),
    refund_student_cancelled: "Du har avbokat din plats, så vi har återbetalat hela beloppet.",
    refund_teacher_cancelled: "Läraren har tyvärr ställt in passet. Din bokning är avbokad och vi har återbetalat hela beloppet.",
    refund_platform_partial: "Vi har återbetalat en del av din betalning. Din bokning gäller som förut.",
    refund_platform_full: "Vi har återbetalat din betalning, så köpet är nu helt återbetalat. En bokad plats är avbokad.",
    refund_late_payment: "Din betalning kom fram efter att platsen vi höll åt dig hade släppts, och under tiden blev passet fullbokat. Därför har vi återbetalat beloppet automatiskt – du har inte blivit debiterad för någon plats.",
    refund_timing: "Pengarna kommer tillbaka till det betalsätt du använde inom 5–10 bankdagar.",
    refund_questions: "Har du frågor? Svara på det här mejlet så hjälper vi dig.",

    moved_subject: |title| format!("Ny tid: {title}"),
    moved_intro: "Läraren har flyttat passet du har bokat. Här är den nya tiden; kalenderinbjudan i mejlet uppdaterar händelsen i din kalender. Din länk är densamma.",
    reminder_subject: |title| format!("Påminnelse: {title}"),
    reminder_intro: "Snart är det dags för passet du har bokat. Länken nedan öppnar rummet en stund före start.",
    teacher_reminder_intro: "Snart börjar ditt pass. Startlänken öppnar rummet när du vill.",
    label_attendees: "Bokade",
    start_link: "Starta sändningen",
    recording_subject: |title| format!("Inspelningen finns: {title}"),
    recording_intro: "Inspelningen av passet du var med på finns nu att se.",
    recording_link: "Se inspelningen",

    course_subject: |title| format!("Kvitto: {title}"),
    course_intro: "Tack för ditt köp! Betalningen är mottagen och alla lektioner i kursen är nu öppna för dig.",
    course_link: "Öppna kursen",
    label_course: "Kurs",
};

const EN: EmailTexts = EmailTexts {
    hello_named: |name| format!("Hi {name},"),
    hello: "Hi,",
    signoff: "Warm regards,",
    label_session: "Session",
    label_teacher: "Teacher",
    label_when: "When",
    label_paid: "Paid",
    label_refunded: "Refunded",
    label_order: "Order number",

    receipt_subject: |title| format!("Booking confirmed: {title}"),
    receipt_intro: "Thank you for your booking! We have received your payment and your seat is reserved.",
    receipt_link: "View your receipt",
    receipt_calendar: "A calendar invitation is attached (invitation.ics). Open it to add the session to your calendar.",
    receipt_join: "Your personal link opens the live session a little before the start. It works without signing in, so do not share it.",
    receipt_join_link: "Join the live session",

    refund_subject: |title| format!("Refund: {title}"),
    refund_student_cancelled: "You cancelled your booking, so we have refunded the full amount.",
    refund_teacher_cancelled: "Unfortunately the teacher has cancelled this session. Your booking is cancelled and we have refunded the full amount.",
    refund_platform_partial: "We have refunded part of your payment. Your booking stays as it was.",
    refund_platform_full: "We have refunded your payment, so the purchase is now refunded in full. A booked seat is cancelled.",
    refund_late_payment: "Your payment arrived after the seat we were holding for you had been released, and in the meantime the session filled up. We have therefore refunded the payment automatically – you have not been charged for a seat.",
    refund_timing: "The money will be returned to your original payment method within 5–10 business days.",
    refund_questions: "Questions? Reply to this email and we will help.",

    moved_subject: |title| format!("New time: {title}"),
    moved_intro: "The teacher has moved the session you booked. Here is the new time; the calendar invitation in this email updates the event in your calendar. Your link stays the same.",
    reminder_subject: |title| format!("Reminder: {title}"),
    reminder_intro: "The session you booked is coming up. The link below opens the room a little before the start.",
    teacher_reminder_intro: "Your session starts soon. The start link opens the room whenever you like.",
    label_attendees: "Booked",
    start_link: "Start the session",
    recording_subject: |title| format!("The recording is available: {title}"),
    recording_intro: "The recording of the session you attended is now available.",
    recording_link: "Watch the recording",

    course_subject: |title| format!("Receipt: {title}"),
    course_intro: "Thank you for your purchase! We have received your payment and every lesson of the course is now open to you.",
    course_link: "Open the course",
    label_course: "Course",
};

pub(super) fn texts(locale: Locale) -> &'static EmailTexts {
    match locale {
        Locale::Sv => &SV,
        Locale::En => &EN,
    }
}

/// What the layout (`base.txt`, `base.html`) shows around every email.
pub(super) struct Frame<'a> {
    /// The `lang` of the HTML.
    pub(super) lang: &'static str,
    /// The HTML's `<title>`.
    pub(super) subject: &'a str,
    pub(super) greeting: String,
    pub(super) signoff: &'static str,
}

impl<'a> Frame<'a> {
    /// The greeting names the recipient, or no one if the name is blank.
    pub(super) fn new(locale: Locale, t: &EmailTexts, subject: &'a str, name: &str) -> Frame<'a> {
        let name = name.trim();
        Frame {
            lang: locale.code(),
            subject,
            greeting: if name.is_empty() {
                t.hello.to_owned()
            } else {
                (t.hello_named)(name)
            },
            signoff: t.signoff,
        }
    }
}

/// One line of an email's details: "Label: value" in the text, a table
/// row in the HTML. The value is on one line.
struct Row {
    label: &'static str,
    value: String,
}

fn row(label: &'static str, value: &str) -> Row {
    Row {
        label,
        value: one_line(value),
    }
}

/// A link: clickable in the HTML only when it is an http(s) address.
pub(super) struct Link {
    pub(super) label: &'static str,
    pub(super) url: String,
    pub(super) web: bool,
}

pub(super) fn link(label: &'static str, url: &str) -> Link {
    let url = one_line(url);
    let lower = url.to_ascii_lowercase();
    Link {
        label,
        web: lower.starts_with("https://") || lower.starts_with("http://"),
        url,
    }
}

/// The data of [`booking_receipt`]'s templates.
struct BookingReceipt<'a> {
    frame: Frame<'a>,
    t: &'static EmailTexts,
    rows: Vec<Row>,
    link: Link,
    /// The personal join link.
    join: Link,
}

#[derive(Template)]
#[template(path = "email/booking_receipt.txt")]
struct BookingReceiptText<'a> {
    m: &'a BookingReceipt<'a>,
}

#[derive(Template)]
#[template(path = "email/booking_receipt.html")]
struct BookingReceiptHtml<'a> {
    m: &'a BookingReceipt<'a>,
}

/// The data of [`refund_notice`]'s templates.
struct RefundNotice<'a> {
    frame: Frame<'a>,
    t: &'static EmailTexts,
    /// Why the money was returned.
    reason: &'static str,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "email/refund_notice.txt")]
struct RefundNoticeText<'a> {
    m: &'a RefundNotice<'a>,
}

#[derive(Template)]
#[template(path = "email/refund_notice.html")]
struct RefundNoticeHtml<'a> {
    m: &'a RefundNotice<'a>,
}

/// The data of [`membership_notice`]'s templates.
struct MembershipMail<'a> {
    frame: Frame<'a>,
    body: &'static str,
    link: Link,
}

#[derive(Template)]
#[template(path = "email/membership_notice.txt")]
struct MembershipMailText<'a> {
    m: &'a MembershipMail<'a>,
}

#[derive(Template)]
#[template(path = "email/membership_notice.html")]
struct MembershipMailHtml<'a> {
    m: &'a MembershipMail<'a>,
}

/// The data of the templates of a notice about a booked session (a move,
/// a reminder): what happened, the details, and the link into the room.
struct SessionNotice<'a> {
    frame: Frame<'a>,
    intro: &'static str,
    rows: Vec<Row>,
    link: Link,
}

#[derive(Template)]
#[template(path = "email/session_notice.txt")]
struct SessionNoticeText<'a> {
    m: &'a SessionNotice<'a>,
}

#[derive(Template)]
#[template(path = "email/session_notice.html")]
struct SessionNoticeHtml<'a> {
    m: &'a SessionNotice<'a>,
}

/// The data of [`course_receipt`]'s templates.
struct CourseReceipt<'a> {
    frame: Frame<'a>,
    t: &'static EmailTexts,
    rows: Vec<Row>,
    link: Link,
}

#[derive(Template)]
#[template(path = "email/course_receipt.txt")]
struct CourseReceiptText<'a> {
    m: &'a CourseReceipt<'a>,
}

#[derive(Template)]
#[template(path = "email/course_receipt.html")]
struct CourseReceiptHtml<'a> {
    m: &'a CourseReceipt<'a>,
}

/// Renders an email's two bodies: the text and its HTML alternative.
///
/// The templates are checked when the crate compiles and every value they
/// show is a string, so rendering into a `String` can only fail on a
/// formatter error, which writing to a `String` never raises. Rather than
/// `expect` (and a panic in the outbox worker) an impossible error is
/// logged: the HTML alternative is then left out, the text left empty.
pub(super) fn render(text: &impl Template, html: &impl Template) -> (String, Option<String>) {
    let log = |part: &str, err: askama::Error| {
        tracing::error!(error = %err, part, "emails: a template failed to render");
    };
    let body_text = text.render().unwrap_or_else(|err| {
        log("text", err);
        String::new()
    });
    let body_html = html.render().map_err(|err| log("html", err)).ok();
    (body_text, body_html)
}

/// The escaper of the `.html` email templates (configured in
/// `app/askama.toml`): askama calls it for every interpolated value. It
/// writes the named references the emails have always used (`&lt;`,
/// `&gt;`, `&amp;`, `&quot;`, `&#39;`) where askama's built-in `Html`
/// writes numeric ones (`&#60;`); both are safe in text and in quoted
/// attributes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EmailHtml;

impl askama::filters::Escaper for EmailHtml {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, text: &str) -> std::fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            dest.write_str(&rest[..at])?;
            dest.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        dest.write_str(rest)
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
    join_url: &str,
    ics: String,
) -> OutgoingEmail {
    let t = texts(locale);
    let s = i18n::strings(locale);
    let subject = (t.receipt_subject)(session_title);
    let mail = BookingReceipt {
        frame: Frame::new(locale, t, &subject, recipient_name),
        t,
        rows: vec![
            row(t.label_session, session_title),
            row(t.label_teacher, teacher_name),
            row(t.label_when, &when_span(s, time_zone, start, end)),
            row(t.label_paid, &price(amount_cents, currency, s)),
            row(t.label_order, order_id),
        ],
        link: link(t.receipt_link, receipt_url),
        join: link(t.receipt_join_link, join_url),
    };
    let (body_text, body_html) = render(
        &BookingReceiptText { m: &mail },
        &BookingReceiptHtml { m: &mail },
    );
    OutgoingEmail {
        kind: "booking_receipt",
        recipient: recipient_email.to_owned(),
        subject,
        body_text,
        body_html,
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
    let reason_text = match reason {
        RefundReason::StudentCancelled => t.refund_student_cancelled,
        RefundReason::TeacherCancelled => t.refund_teacher_cancelled,
        RefundReason::LatePayment => t.refund_late_payment,
    };
    let rows = vec![
        row(t.label_session, session_title),
        row(t.label_when, &when_start(s, time_zone, start)),
        row(t.label_refunded, &price(amount_cents, currency, s)),
        row(t.label_order, order_id),
    ];
    let to = (recipient_email, recipient_name);
    let key = format!("refund:{order_id}");
    refund_email(
        locale,
        to,
        session_title,
        reason_text,
        rows,
        reason.kind(),
        key,
    )
}

/// A refund the platform made from its console: `amount_cents` of the order
/// (`full`: nothing is left). One email per refund: the key names the refund.
#[allow(clippy::too_many_arguments)]
pub fn platform_refund_notice(
    locale: Locale,
    refund_id: &str,
    order_id: &str,
    recipient_email: &str,
    recipient_name: &str,
    title: &str,
    amount_cents: i64,
    currency: &str,
    full: bool,
) -> OutgoingEmail {
    let t = texts(locale);
    let s = i18n::strings(locale);
    let reason = if full {
        t.refund_platform_full
    } else {
        t.refund_platform_partial
    };
    let rows = vec![
        row(t.label_session, title),
        row(t.label_refunded, &price(amount_cents, currency, s)),
        row(t.label_order, order_id),
    ];
    let to = (recipient_email, recipient_name);
    let key = format!("admin-refund:{refund_id}:{order_id}");
    refund_email(locale, to, title, reason, rows, "platform_refund", key)
}

/// A refund email (the refund notice's templates): why, and what.
fn refund_email(
    locale: Locale,
    (recipient_email, recipient_name): (&str, &str),
    title: &str,
    reason: &'static str,
    rows: Vec<Row>,
    kind: &'static str,
    dedupe_key: String,
) -> OutgoingEmail {
    let t = texts(locale);
    let subject = (t.refund_subject)(title);
    let mail = RefundNotice {
        frame: Frame::new(locale, t, &subject, recipient_name),
        t,
        reason,
        rows,
    };
    let (body_text, body_html) = render(
        &RefundNoticeText { m: &mail },
        &RefundNoticeHtml { m: &mail },
    );
    OutgoingEmail {
        kind,
        recipient: recipient_email.to_owned(),
        subject,
        body_text,
        body_html,
        ics: None,
        dedupe_key,
    }
}

/// Who a session notice is for, and the session it is about.
pub struct NoticeTo<'a> {
    pub locale: Locale,
    pub email: &'a str,
    pub name: &'a str,
    pub time_zone: Tz,
    pub title: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

// The parts every notice differs in; a struct for them would only rename them.
#[allow(clippy::too_many_arguments)]
fn session_notice(
    to: &NoticeTo<'_>,
    kind: &'static str,
    subject: String,
    intro: &'static str,
    mut rows: Vec<Row>,
    link: Link,
    ics: Option<String>,
    dedupe_key: String,
) -> OutgoingEmail {
    let t = texts(to.locale);
    let s = i18n::strings(to.locale);
    let mut all = vec![
        row(t.label_session, to.title),
        row(t.label_when, &when_span(s, to.time_zone, to.start, to.end)),
    ];
    all.append(&mut rows);
    let mail = SessionNotice {
        frame: Frame::new(to.locale, t, &subject, to.name),
        intro,
        rows: all,
        link,
    };
    let (body_text, body_html) = render(
        &SessionNoticeText { m: &mail },
        &SessionNoticeHtml { m: &mail },
    );
    OutgoingEmail {
        kind,
        recipient: to.email.to_owned(),
        subject,
        body_text,
        body_html,
        ics,
        dedupe_key,
    }
}

/// A booked slot moved: the new time, the same join link, and the updated
/// invitation (same UID, higher SEQUENCE). One per booking and move.
pub fn slot_moved(
    to: &NoticeTo<'_>,
    order_id: &str,
    join_url: &str,
    sequence: u32,
    ics: String,
) -> OutgoingEmail {
    let t = texts(to.locale);
    session_notice(
        to,
        "slot_moved",
        (t.moved_subject)(to.title),
        t.moved_intro,
        vec![row(t.label_order, order_id)],
        link(t.receipt_join_link, join_url),
        Some(ics),
        format!("moved:{order_id}:{sequence}"),
    )
}

/// A reminder `hours` before a booked slot: the local time, the join link
/// and the invitation. One per booking, moment and version of the slot
/// (the dedupe key).
pub fn reminder(
    to: &NoticeTo<'_>,
    order_id: &str,
    join_url: &str,
    hours: u32,
    sequence: u32,
    ics: String,
) -> OutgoingEmail {
    let t = texts(to.locale);
    session_notice(
        to,
        "reminder",
        (t.reminder_subject)(to.title),
        t.reminder_intro,
        vec![row(t.label_order, order_id)],
        link(t.receipt_join_link, join_url),
        Some(ics),
        // A moved slot is reminded of again, at its new time.
        format!("reminder:{order_id}:{sequence}:{hours}"),
    )
}

/// The recording of a session the recipient booked is there. Once per
/// session and person.
pub fn recording_available(
    to: &NoticeTo<'_>,
    session_id: &str,
    user_id: &str,
    recording_url: &str,
) -> OutgoingEmail {
    let t = texts(to.locale);
    session_notice(
        to,
        "recording_available",
        (t.recording_subject)(to.title),
        t.recording_intro,
        Vec::new(),
        link(t.recording_link, recording_url),
        None,
        format!("recording:{session_id}:{user_id}"),
    )
}

/// The teacher's reminder of a slot: how many booked, and their start link.
pub fn teacher_reminder(
    to: &NoticeTo<'_>,
    slot_id: &str,
    booked: i64,
    start_url: &str,
    hours: u32,
    sequence: u32,
) -> OutgoingEmail {
    let t = texts(to.locale);
    session_notice(
        to,
        "teacher_reminder",
        (t.reminder_subject)(to.title),
        t.teacher_reminder_intro,
        vec![row(t.label_attendees, &booked.to_string())],
        link(t.start_link, start_url),
        None,
        format!("teacher-reminder:{slot_id}:{sequence}:{hours}"),
    )
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

/// A value on one line (a title with a newline cannot break the layout).
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
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

/// One language's membership texts (the greeting and the sign-off come
/// from [`EmailTexts`]).
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
    let (kind, subject, body) = match notice {
        MembershipNotice::Welcome => ("membership_welcome", m.welcome_subject, m.welcome_body),
        MembershipNotice::PaymentFailed => {
            ("membership_payment_failed", m.failed_subject, m.failed_body)
        }
        MembershipNotice::Ended => ("membership_ended", m.ended_subject, m.ended_body),
    };
    let mail = MembershipMail {
        frame: Frame::new(locale, t, subject, recipient_name),
        body,
        link: link(m.link, membership_url),
    };
    let (body_text, body_html) = render(
        &MembershipMailText { m: &mail },
        &MembershipMailHtml { m: &mail },
    );
    OutgoingEmail {
        kind,
        recipient: recipient_email.to_owned(),
        subject: subject.to_owned(),
        body_text,
        body_html,
        ics: None,
        dedupe_key,
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
    let subject = (t.course_subject)(course_title);
    let mail = CourseReceipt {
        frame: Frame::new(locale, t, &subject, recipient_name),
        t,
        rows: vec![
            row(t.label_course, course_title),
            row(t.label_teacher, teacher_name),
            row(t.label_paid, &price(amount_cents, currency, s)),
            row(t.label_order, order_id),
        ],
        link: link(t.course_link, course_url),
    };
    let (body_text, body_html) = render(
        &CourseReceiptText { m: &mail },
        &CourseReceiptHtml { m: &mail },
    );
    OutgoingEmail {
        kind: "course_receipt",
        recipient: recipient_email.to_owned(),
        subject,
        body_text,
        body_html,
        ics: None,
        dedupe_key: format!("receipt:{order_id}"),
    }
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
            "https://aveli.example/join/tok-123",
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
        assert!(
            text.contains("Gå med i sändningen: https://aveli.example/join/tok-123"),
            "{text}"
        );
        assert!(email.ics.is_some());
        let html = email.body_html.as_deref().unwrap_or_default();
        assert!(html.contains("<html lang=\"sv\">"), "{html}");
        assert!(
            html.contains("href=\"https://aveli.example/join/tok-123\""),
            "{html}"
        );
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
            "javascript:alert(2)",
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
        // (These were tests of the old `fill`; a value is now a template
        // variable or a `format!` argument, shown as it is.)
        let email = receipt(Locale::En, "a {title}{name} b", "{title}");
        assert_eq!(email.subject, "Booking confirmed: a {title}{name} b");
        assert!(
            email.body_text.starts_with("Hi {title},\n"),
            "{}",
            email.body_text
        );
        assert!(email.body_text.contains("Session: a {title}{name} b\n"));
        let email = receipt(Locale::En, "{x} {title", "T");
        assert_eq!(email.subject, "Booking confirmed: {x} {title");
        let html = email.body_html.unwrap_or_default();
        assert!(
            html.contains("<title>Booking confirmed: {x} {title</title>"),
            "{html}"
        );
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

/// Every email, in both languages, with a name that is markup.
#[cfg(test)]
mod escaping_tests {
    use super::*;
    use chrono::TimeZone;

    const NAME: &str = "<script>alert(1)</script>";

    fn every_email(locale: Locale) -> Vec<OutgoingEmail> {
        let at = |h| {
            Utc.with_ymd_and_hms(2025, 12, 2, h, 0, 0)
                .single()
                .unwrap_or_default()
        };
        let mut emails = vec![
            booking_receipt(
                locale,
                "ord-1",
                "s@example.com",
                NAME,
                "Yoga",
                "Maja",
                at(16),
                at(17),
                chrono_tz::Europe::Stockholm,
                25_050,
                "SEK",
                "https://aveli.example/account/orders/ord-1",
                "https://aveli.example/join/tok-1",
                String::new(),
            ),
            course_receipt(
                locale,
                "ord-2",
                "s@example.com",
                NAME,
                "Yin",
                "Maja",
                9900,
                "SEK",
                "https://aveli.example/courses/yin",
            ),
        ];
        for reason in [
            RefundReason::StudentCancelled,
            RefundReason::TeacherCancelled,
            RefundReason::LatePayment,
        ] {
            emails.push(refund_notice(
                locale,
                "ord-3",
                "s@example.com",
                NAME,
                "Yoga",
                at(16),
                chrono_tz::UTC,
                100,
                "EUR",
                reason,
            ));
        }
        for notice in [
            MembershipNotice::Welcome,
            MembershipNotice::PaymentFailed,
            MembershipNotice::Ended,
        ] {
            emails.push(membership_notice(
                locale,
                notice,
                "s@example.com",
                NAME,
                "https://aveli.example/membership",
                "k".into(),
            ));
        }
        emails
    }

    #[test]
    fn a_name_is_escaped_in_every_html_body() {
        for locale in [Locale::Sv, Locale::En] {
            let emails = every_email(locale);
            assert_eq!(emails.len(), 8);
            for email in emails {
                let html = email.body_html.as_deref().unwrap_or_default();
                assert!(
                    html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                    "{}: {html}",
                    email.kind
                );
                assert!(!html.contains("<script"), "{}: {html}", email.kind);
                assert!(html.starts_with("<!doctype html>\n"), "{html}");
                assert!(
                    html.contains(&format!("<html lang=\"{}\">", locale.code())),
                    "{html}"
                );
                // The plain text shows the name as it is, and ends with the
                // shared sign-off.
                assert!(email.body_text.contains(NAME), "{}", email.body_text);
                assert!(
                    email
                        .body_text
                        .ends_with(&format!("{}\nAveli\n", texts(locale).signoff)),
                    "{}",
                    email.body_text
                );
            }
        }
    }
}
