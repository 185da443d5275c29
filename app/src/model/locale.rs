use serde::{Deserialize, Serialize};

/// The interface language. Swedish is the default; English is a choice that
/// is remembered in a cookie (and on the account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Sv,
    En,
}

impl Locale {
    /// The cookie that remembers the visitor's choice.
    pub const COOKIE: &'static str = "aveli_locale";

    pub fn code(self) -> &'static str {
        match self {
            Locale::Sv => "sv",
            Locale::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "sv" => Some(Locale::Sv),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn other(self) -> Locale {
        match self {
            Locale::Sv => Locale::En,
            Locale::En => Locale::Sv,
        }
    }

    /// The locale of a request: the remembered choice first, then the
    /// browser's first preference, then Swedish.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        if let Some(locale) = cookie.and_then(Locale::parse) {
            return locale;
        }
        accept_language
            .and_then(|header| header.split(',').next())
            .and_then(|first| first.split(['-', ';']).next())
            .and_then(Locale::parse)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_wins_over_browser_preference() {
        assert_eq!(
            Locale::negotiate(Some("sv"), Some("en-GB,en;q=0.9")),
            Locale::Sv
        );
        assert_eq!(Locale::negotiate(Some("en"), None), Locale::En);
    }

    #[test]
    fn browser_preference_then_swedish() {
        assert_eq!(Locale::negotiate(None, Some("en-US,sv;q=0.5")), Locale::En);
        assert_eq!(Locale::negotiate(Some("xx"), Some("de-DE")), Locale::Sv);
        assert_eq!(Locale::negotiate(None, None), Locale::Sv);
    }
}
