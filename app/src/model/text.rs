//! The one rule for text we accept from anyone: no control characters
//! except the line breaks and tabs a description may hold. A NUL byte is
//! what PostgreSQL refuses outright (`invalid byte sequence for encoding
//! "UTF8": 0x00`); the other controls have no business in names, ids or
//! addresses either.

/// Whether `text` holds a character we refuse: any control character but
/// `\n`, `\r` and `\t`.
pub fn has_forbidden_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// An id in a path or a body: a UUID, as every id we make is
/// (`backend::new_id`). Anything else names nothing.
pub fn is_id(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::try_parse(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_other_controls_are_refused_line_breaks_are_not() {
        assert!(has_forbidden_control("a\u{0}b"));
        assert!(has_forbidden_control("bell\u{7}"));
        assert!(has_forbidden_control("del\u{7f}"));
        assert!(has_forbidden_control("c1\u{85}"));
        assert!(!has_forbidden_control("Rad ett\nRad två\r\n\tindrag"));
        assert!(!has_forbidden_control("Åsa Öberg – 🌕"));
    }

    #[test]
    fn ids_are_uuids() {
        assert!(is_id("0193b1d2-7c1e-7a10-9c3e-1f2a3b4c5d6e"));
        assert!(!is_id("x\u{0}y"));
        assert!(!is_id("nope"));
        assert!(
            !is_id("0193b1d27c1e7a109c3e1f2a3b4c5d6e"),
            "hyphenated form only"
        );
    }
}
