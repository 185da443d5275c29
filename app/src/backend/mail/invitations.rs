//! iCalendar (RFC 5545) invitations for booking receipts, built with the
//! `icalendar` crate, which escapes TEXT values and folds content lines.
//!
//! Each invitation names exactly one attendee — the student it is sent to —
//! so no calendar file ever shows who else booked (DESIGN §5, receipts).
//! A cancellation (METHOD:CANCEL) carries the same UID and a higher SEQUENCE,
//! so calendar programs remove the event they imported from the invitation.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

const PRODID: &str = "-//Aveli//Bookings//EN";

/// One booking as an event for its one attendee.
///
/// `uid` must be stable for the booking (e.g. `"{order_id}@aveli"`): the
/// cancellation is matched to the invitation by it.
pub struct Invite<'a> {
    pub uid: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub organizer_name: &'a str,
    pub url: &'a str,
    /// The attendee's personal join link: the event's URL and LOCATION.
    /// Never the room's own address.
    pub join_url: Option<&'a str>,
    /// Raised by every change of the event (a moved slot), so calendar
    /// programs update the one they have instead of adding another.
    pub sequence: u32,
    pub attendee_email: &'a str,
    pub attendee_name: &'a str,
}

/// The invitation (METHOD:REQUEST). `stamp` is DTSTAMP: when it was made,
/// from the app's clock.
pub fn invitation(invite: &Invite<'_>, stamp: DateTime<Utc>) -> String {
    calendar(invite, Method::Request, stamp)
}

/// The cancellation (METHOD:CANCEL, STATUS:CANCELLED) of an invitation made
/// by [`invitation`] with the same `uid`, for the same one attendee.
pub fn cancellation(invite: &Invite<'_>, stamp: DateTime<Utc>) -> String {
    calendar(invite, Method::Cancel, stamp)
}

#[derive(Clone, Copy)]
enum Method {
    Request,
    Cancel,
}

fn calendar(invite: &Invite<'_>, method: Method, stamp: DateTime<Utc>) -> String {
    let (method_name, status, sequence) = match method {
        Method::Request => ("REQUEST", EventStatus::Confirmed, invite.sequence),
        Method::Cancel => ("CANCEL", EventStatus::Cancelled, invite.sequence + 1),
    };
    // The CAL-ADDRESS of the organizer is a URI (RFC 5545 §3.3.3): the
    // session's page. No teacher address is published, and the attendee is
    // asked for no reply (RSVP=FALSE), so none is needed.
    let mut organizer = Property::new("ORGANIZER", uri(invite.url));
    organizer.add_parameter("CN", &param_value(invite.organizer_name));
    let mut attendee = Property::new("ATTENDEE", format!("mailto:{}", uri(invite.attendee_email)));
    attendee
        .add_parameter("CN", &param_value(invite.attendee_name))
        .add_parameter("ROLE", "REQ-PARTICIPANT")
        .add_parameter("PARTSTAT", "ACCEPTED")
        .add_parameter("RSVP", "FALSE");

    let mut event = icalendar::Event::new();
    event
        .uid(&text(invite.uid))
        .sequence(sequence)
        .timestamp(stamp)
        .starts(invite.start)
        .ends(invite.end)
        .summary(&text(invite.title))
        .description(&text(invite.description))
        .url(&uri(invite.join_url.unwrap_or(invite.url)))
        .append_property(organizer)
        .append_multi_property(attendee)
        .status(status)
        .add_property("TRANSP", "OPAQUE");
    if let Some(join_url) = invite.join_url {
        event.location(&text(join_url));
    }
    let event = event.done();

    Calendar::empty()
        .append_property(("PRODID", PRODID))
        .append_property(("VERSION", "2.0"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", method_name))
        .push(event)
        .done()
        .to_string()
}

/// One event of a calendar feed. A feed names no attendee at all.
pub struct FeedEvent<'a> {
    /// Stable: a booking's is its invitation's (`{order_id}@aveli`).
    pub uid: String,
    pub title: &'a str,
    pub description: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The join link (a booking) or the start link (the teacher's slot).
    pub url: String,
    pub sequence: u32,
}

/// A subscription feed (`/calendar/{token}.ics`): a published calendar
/// (METHOD:PUBLISH) that calendar apps refresh now and then.
pub fn feed(name: &str, events: &[FeedEvent<'_>], stamp: DateTime<Utc>) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("PRODID", PRODID))
        .append_property(("VERSION", "2.0"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .append_property(("X-WR-CALNAME", text(name).as_str()))
        // Calendar apps that honour it refresh every hour.
        .append_property(("X-PUBLISHED-TTL", "PT1H"));
    for e in events {
        let event = icalendar::Event::new()
            .uid(&text(&e.uid))
            .sequence(e.sequence)
            .timestamp(stamp)
            .starts(e.start)
            .ends(e.end)
            .summary(&text(e.title))
            .description(&text(&e.description))
            .url(&uri(&e.url))
            .location(&text(&e.url))
            .status(EventStatus::Confirmed)
            .done();
        calendar.push(event);
    }
    calendar.done().to_string()
}

/// A TEXT value before the crate escapes it: CR LF and lone CR become LF
/// (which the crate writes as `\n`), other control characters are dropped.
/// The crate escapes `\ ; , LF` but passes CR and the other controls through,
/// and a raw CR would end the content line.
fn text(value: &str) -> String {
    let normalized = value.replace("\r\n", "\n").replace('\r', "\n");
    normalized
        .chars()
        .filter(|&c| c == '\n' || !c.is_control())
        .collect()
}

/// A parameter value (RFC 5545 §3.2), always quoted: a quoted value may hold
/// `:`, `;` and `,` but no DQUOTE and no control characters. The crate quotes
/// only values holding `:;,` and does not strip DQUOTE, so a name could end
/// the parameter early; it leaves an already quoted value as it is.
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 12, 2, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn stamp() -> DateTime<Utc> {
        at(9)
    }

    fn invite<'a>(title: &'a str, description: &'a str) -> Invite<'a> {
        Invite {
            uid: "0193-abc@aveli",
            title,
            description,
            start: at(16),
            end: at(17),
            organizer_name: "Maja Lärare",
            url: "https://aveli.example/sessions/1",
            join_url: None,
            sequence: 0,
            attendee_email: "student@example.com",
            attendee_name: "Stina Student",
        }
    }

    fn sample(title: &str, description: &str) -> String {
        invitation(&invite(title, description), stamp())
    }

    /// A TEXT value as the invitation writes it: our normalising, then the
    /// crate's escaping, on one unfolded content line.
    fn escape_text(value: &str) -> String {
        let line: String = Property::new("SUMMARY", text(value))
            .try_into()
            .unwrap_or_default();
        line.replace("\r\n ", "")
            .trim_end_matches("\r\n")
            .trim_start_matches("SUMMARY:")
            .to_owned()
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
            &Invite {
                uid: "0193-abc@aveli",
                title: "Yoga",
                description: "",
                start: at(16),
                end: at(17),
                organizer_name: "Maja",
                url: "https://aveli.example/s/1",
                join_url: None,
                sequence: 0,
                attendee_email: "student@example.com",
                attendee_name: "Stina",
            },
            stamp(),
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

    /// The personal join link is the event's URL and LOCATION; a change
    /// keeps the UID and raises SEQUENCE, and its cancellation goes higher.
    #[test]
    fn the_join_link_is_where_the_event_is_and_changes_raise_the_sequence() {
        let join = "https://aveli.example/join/abc_DEF-123";
        let moved = Invite {
            join_url: Some(join),
            sequence: 2,
            ..invite("Yoga", "")
        };
        let parsed: Calendar = match invitation(&moved, stamp()).parse() {
            Ok(c) => c,
            Err(e) => panic!("unparsable: {e}"),
        };
        let event = parsed.events().next();
        assert_eq!(event.and_then(|e| e.get_url()), Some(join));
        assert_eq!(event.and_then(|e| e.get_location()), Some(join));
        assert_eq!(event.and_then(|e| e.get_uid()), Some("0193-abc@aveli"));
        assert_eq!(event.and_then(|e| e.get_sequence()), Some(2));
        let cancel: Calendar = match cancellation(&moved, stamp()).parse() {
            Ok(c) => c,
            Err(e) => panic!("unparsable: {e}"),
        };
        assert_eq!(
            cancel.events().next().and_then(|e| e.get_sequence()),
            Some(3)
        );
    }

    #[test]
    fn parameter_values_cannot_break_out() {
        let ics = invitation(
            &Invite {
                uid: "u",
                title: "t",
                description: "d",
                start: at(16),
                end: at(17),
                organizer_name: "Evil\":mailto:x@y;\r\nATTENDEE:mailto:other@example.com",
                url: "https://a.example/\r\nATTENDEE:mailto:z@example.com",
                join_url: None,
                sequence: 0,
                attendee_email: "student@example.com",
                attendee_name: "S\"",
            },
            stamp(),
        );
        let lines = unfolded(&ics);
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("ATTENDEE")).count(),
            1
        );
        assert!(!lines.iter().any(|l| l.contains("\"\"")));
    }

    /// The crate's own parser reads back what was written: the same UID,
    /// times, texts and the one attendee.
    #[test]
    fn round_trip_through_the_parser() {
        let title = "Yoga; lugn, och\nro – ".repeat(6);
        let ics = invitation(&invite(&title, "Ta med\\matta"), stamp());
        let parsed: Calendar = match ics.parse() {
            Ok(c) => c,
            Err(e) => panic!("unparsable: {e}\n{ics}"),
        };
        assert_eq!(parsed.property_value("METHOD"), Some("REQUEST"));
        let events: Vec<_> = parsed.events().collect();
        assert_eq!(events.len(), 1);
        let event = events[0];
        assert_eq!(event.get_uid(), Some("0193-abc@aveli"));
        assert_eq!(event.get_summary(), Some(title.as_str()));
        assert_eq!(event.get_description(), Some("Ta med\\matta"));
        assert_eq!(event.get_sequence(), Some(0));
        assert_eq!(event.get_status(), Some(EventStatus::Confirmed));
        assert_eq!(event.get_timestamp(), Some(stamp()));
        assert_eq!(event.get_start(), Some(at(16).into()));
        assert_eq!(event.get_end(), Some(at(17).into()));
        assert_eq!(event.get_url(), Some("https://aveli.example/sessions/1"));
        let attendees = event.get_attendees();
        assert_eq!(attendees.len(), 1);

        let cancel = cancellation(&invite(&title, ""), stamp());
        let parsed: Calendar = match cancel.parse() {
            Ok(c) => c,
            Err(e) => panic!("unparsable: {e}\n{cancel}"),
        };
        assert_eq!(parsed.property_value("METHOD"), Some("CANCEL"));
        let event = parsed.events().next();
        assert_eq!(event.and_then(|e| e.get_uid()), Some("0193-abc@aveli"));
        assert_eq!(event.and_then(|e| e.get_sequence()), Some(1));
        assert_eq!(
            event.and_then(|e| e.get_status()),
            Some(EventStatus::Cancelled)
        );
    }

    #[test]
    fn the_stamp_is_the_given_time() {
        let lines = unfolded(&sample("Yoga", "Kväll"));
        assert!(lines.contains(&"DTSTAMP:20251202T090000Z".to_owned()));
    }
}
