//! iCalendar (RFC 5545) invitations for booking receipts.
//!
//! Each invitation names exactly one attendee — the student it is sent to —
//! so no calendar file ever shows who else booked (DESIGN §5, receipts).
//! A cancellation (METHOD:CANCEL) carries the same UID and a higher SEQUENCE,
//! so calendar programs remove the event they imported from the invitation.

use chrono::{DateTime, Utc};

const PRODID: &str = "-//Aveli//Bookings//EN";
/// RFC 5545 §3.1: lines longer than 75 octets are folded.
const MAX_LINE_OCTETS: usize = 75;

/// The invitation (METHOD:REQUEST) for one booking, for its one attendee.
///
/// `uid` must be stable for the booking (e.g. `"{order_id}@aveli"`): the
/// cancellation is matched to the invitation by it.
#[allow(clippy::too_many_arguments)]
pub fn invitation(
    uid: &str,
    title: &str,
    description: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    organizer_name: &str,
    url: &str,
    attendee_email: &str,
    attendee_name: &str,
) -> String {
    calendar(
        &Event {
            uid,
            title,
            description,
            start,
            end,
            organizer_name,
            url,
            attendee_email,
            attendee_name,
        },
        Method::Request,
        Utc::now(),
    )
}

/// The cancellation (METHOD:CANCEL, STATUS:CANCELLED) of an invitation made
/// by [`invitation`] with the same `uid`, for the same one attendee.
#[allow(clippy::too_many_arguments)]
pub fn cancellation(
    uid: &str,
    title: &str,
    description: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    organizer_name: &str,
    url: &str,
    attendee_email: &str,
    attendee_name: &str,
) -> String {
    calendar(
        &Event {
            uid,
            title,
            description,
            start,
            end,
            organizer_name,
            url,
            attendee_email,
            attendee_name,
        },
        Method::Cancel,
        Utc::now(),
    )
}

struct Event<'a> {
    uid: &'a str,
    title: &'a str,
    description: &'a str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    organizer_name: &'a str,
    url: &'a str,
    attendee_email: &'a str,
    attendee_name: &'a str,
}

#[derive(Clone, Copy)]
enum Method {
    Request,
    Cancel,
}

fn calendar(event: &Event<'_>, method: Method, stamp: DateTime<Utc>) -> String {
    let (method_name, status, sequence) = match method {
        Method::Request => ("REQUEST", "CONFIRMED", 0),
        Method::Cancel => ("CANCEL", "CANCELLED", 1),
    };
    // The CAL-ADDRESS of the organizer is a URI (RFC 5545 §3.3.3): the
    // session's page. No teacher address is published, and the attendee is
    // asked for no reply (RSVP=FALSE), so none is needed.
    let organizer = format!(
        "ORGANIZER;CN={}:{}",
        param_value(event.organizer_name),
        uri(event.url)
    );
    let attendee = format!(
        "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{}",
        param_value(event.attendee_name),
        uri(event.attendee_email)
    );
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        format!("PRODID:{PRODID}"),
        "VERSION:2.0".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{method_name}"),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape_text(event.uid)),
        format!("SEQUENCE:{sequence}"),
        format!("DTSTAMP:{}", utc(stamp)),
        format!("DTSTART:{}", utc(event.start)),
        format!("DTEND:{}", utc(event.end)),
        format!("SUMMARY:{}", escape_text(event.title)),
        format!("DESCRIPTION:{}", escape_text(event.description)),
        format!("URL:{}", uri(event.url)),
        organizer,
        attendee,
        format!("STATUS:{status}"),
        "TRANSP:OPAQUE".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    let mut out = String::new();
    for line in &lines {
        out.push_str(&fold(line));
    }
    out
}

/// `YYYYMMDDTHHMMSSZ`: a UTC DATE-TIME (RFC 5545 §3.3.5, form #2).
fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines
/// escaped; other control characters dropped.
fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (RFC 5545 §3.2), always quoted: a quoted value may hold
/// `:`, `;` and `,` but no DQUOTE and no control characters.
fn param_value(value: &str) -> String {
    let inner: String = value
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect();
    format!("\"{inner}\"")
}

/// A URI value: not escaped as TEXT, but no control characters or spaces.
fn uri(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// One content line folded at 75 octets (never inside a UTF-8 character),
/// continuation lines starting with a space, each line ending in CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 60 * 3 + 2);
    let mut octets = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if octets + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 12, 2, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn sample(title: &str, description: &str) -> String {
        invitation(
            "0193-abc@aveli",
            title,
            description,
            at(16),
            at(17),
            "Maja Lärare",
            "https://aveli.example/sessions/1",
            "student@example.com",
            "Stina Student",
        )
    }

    /// The content lines, unfolded.
    fn unfolded(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
        let ics = sample("Yoga; lugn, och\nro", "Ta med\\matta");
        let lines = unfolded(&ics);
        assert!(lines.contains(&"SUMMARY:Yoga\\; lugn\\, och\\nro".to_owned()));
        assert!(lines.contains(&"DESCRIPTION:Ta med\\\\matta".to_owned()));
    }

    #[test]
    fn long_lines_are_folded_at_75_octets() {
        let long = "Andning och meditation under fullmånen – ".repeat(8);
        let ics = sample(&long, &"å".repeat(200));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets: {line}", line.len());
        }
        let continuations = ics.split("\r\n").filter(|l| l.starts_with(' ')).count();
        assert!(continuations > 5);
        // Unfolding gives the values back whole.
        let lines = unfolded(&ics);
        assert!(lines.contains(&format!("SUMMARY:{}", escape_text(&long))));
        assert!(lines.contains(&format!("DESCRIPTION:{}", "å".repeat(200))));
    }

    #[test]
    fn lines_end_in_crlf() {
        let ics = sample("Yoga", "Kväll");
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
        assert_eq!(ics.matches('\r').count(), ics.matches("\r\n").count());
    }

    #[test]
    fn one_attendee_only() {
        let ics = sample("Yoga", "Kväll");
        let lines = unfolded(&ics);
        let attendees: Vec<_> = lines.iter().filter(|l| l.starts_with("ATTENDEE")).collect();
        assert_eq!(attendees.len(), 1);
        assert!(attendees[0].ends_with(":mailto:student@example.com"));
        assert!(attendees[0].contains("CN=\"Stina Student\""));
        assert_eq!(ics.matches("mailto:").count(), 1);
    }

    #[test]
    fn invitation_has_the_required_properties() {
        let ics = sample("Yoga", "Kväll");
        let lines = unfolded(&ics);
        for expected in [
            "BEGIN:VCALENDAR",
            "PRODID:-//Aveli//Bookings//EN",
            "VERSION:2.0",
            "METHOD:REQUEST",
            "UID:0193-abc@aveli",
            "DTSTART:20251202T160000Z",
            "DTEND:20251202T170000Z",
            "SUMMARY:Yoga",
            "URL:https://aveli.example/sessions/1",
            "ORGANIZER;CN=\"Maja Lärare\":https://aveli.example/sessions/1",
            "STATUS:CONFIRMED",
            "END:VCALENDAR",
        ] {
            assert!(lines.contains(&expected.to_owned()), "{expected} missing");
        }
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
        assert!(lines
            .iter()
            .any(|l| l.starts_with("DTSTAMP:") && l.ends_with('Z')));
    }

    #[test]
    fn cancellation_keeps_the_uid() {
        let ics = cancellation(
            "0193-abc@aveli",
            "Yoga",
            "",
            at(16),
            at(17),
            "Maja",
            "https://aveli.example/s/1",
            "student@example.com",
            "Stina",
        );
        let lines = unfolded(&ics);
        for expected in [
            "METHOD:CANCEL",
            "STATUS:CANCELLED",
            "UID:0193-abc@aveli",
            "SEQUENCE:1",
        ] {
            assert!(lines.contains(&expected.to_owned()), "{expected} missing");
        }
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("ATTENDEE")).count(),
            1
        );
    }

    #[test]
    fn parameter_values_cannot_break_out() {
        let ics = invitation(
            "u",
            "t",
            "d",
            at(16),
            at(17),
            "Evil\":mailto:x@y;\r\nATTENDEE:mailto:other@example.com",
            "https://a.example/\r\nATTENDEE:mailto:z@example.com",
            "student@example.com",
            "S\"",
        );
        let lines = unfolded(&ics);
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("ATTENDEE")).count(),
            1
        );
        assert!(!lines.iter().any(|l| l.contains("\"\"")));
    }
}
