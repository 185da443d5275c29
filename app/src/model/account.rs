//! Account newtypes: an `Email`, `Password` or `DisplayName` exists only if it
//! passed its parser, so the backend never re-checks them.

use serde::{Deserialize, Serialize};

use crate::i18n::{strings, Strings};
use crate::model::{AppError, ErrorCode, Locale};

/// The signed-in user as both sides see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    /// IANA zone name; calendars show times in it.
    pub time_zone: String,
    pub is_teacher: bool,
    pub is_admin: bool,
}

/// Why a piece of account input was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("invalid email")]
    EmailInvalid,
    #[error("password too short")]
    PasswordTooShort,
    #[error("password too long")]
    PasswordTooLong,
    #[error("display name empty")]
    NameEmpty,
    #[error("display name too long")]
    NameTooLong,
    #[error("unknown time zone")]
    TimeZoneUnknown,
}

impl ValidationError {
    pub fn message(self, s: &Strings) -> &'static str {
        match self {
            ValidationError::EmailInvalid => s.err_email_invalid,
            ValidationError::PasswordTooShort => s.err_password_short,
            ValidationError::PasswordTooLong => s.err_password_long,
            ValidationError::NameEmpty => s.err_name_empty,
            ValidationError::NameTooLong => s.err_name_long,
            ValidationError::TimeZoneUnknown => s.err_time_zone,
        }
    }

    pub fn into_app_error(self, locale: Locale) -> AppError {
        AppError::new(ErrorCode::Validation, self.message(strings(locale)))
    }
}

/// A syntactically plausible email address, trimmed and lower-cased (emails
/// are unique regardless of case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Email, ValidationError> {
        let email = input.trim().to_lowercase();
        let (local, domain) = email.split_once('@').ok_or(ValidationError::EmailInvalid)?;
        let plausible = !local.is_empty()
            && local.len() <= 64
            && email.len() <= Self::MAX_LEN
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if plausible {
            Ok(Email(email))
        } else {
            Err(ValidationError::EmailInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 10 characters (counted as characters, not bytes),
/// at most 256 so hashing cost stays bounded.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(input: &str) -> Result<Password, ValidationError> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            Err(ValidationError::PasswordTooShort)
        } else if chars > Self::MAX_CHARS {
            Err(ValidationError::PasswordTooLong)
        } else {
            Ok(Password(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Never print a password, not even in debug logs.
impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The name other people see: 1–80 characters after trimming, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(input: &str) -> Result<DisplayName, ValidationError> {
        let name: String = input.trim().chars().filter(|c| !c.is_control()).collect();
        if name.is_empty() {
            Err(ValidationError::NameEmpty)
        } else if name.chars().count() > Self::MAX_CHARS {
            Err(ValidationError::NameTooLong)
        } else {
            Ok(DisplayName(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone name that chrono-tz knows, e.g. `America/New_York`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(input: &str) -> Result<TimeZoneName, ValidationError> {
        let name = input.trim();
        name.parse::<chrono_tz::Tz>()
            .map(|tz| TimeZoneName(tz.name().to_owned()))
            .map_err(|_| ValidationError::TimeZoneUnknown)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a confirmed email link did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum EmailConfirmed {
    /// The account's address is confirmed.
    Verified,
    /// The account now uses this address (and it is confirmed).
    Changed { email: String },
}

/// What the account page shows beside the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub user: User,
    pub email_verified: bool,
    pub devices: Vec<Device>,
}

/// One signed-in device (login session) on the account page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Device {
    /// Names the session in `DELETE /api/v1/me/devices/{id}`; not its token.
    pub id: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; updated at most once a minute.
    pub last_used_at: i64,
    /// "Firefox 128 · Linux", from the User-Agent it logged in with.
    pub summary: String,
    /// The session of this very request.
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Anna.Lund@Example.SE ").expect("valid");
        assert_eq!(email.as_str(), "anna.lund@example.se");
    }

    #[test]
    fn implausible_emails_are_refused() {
        for bad in [
            "",
            "anna",
            "@example.se",
            "anna@",
            "anna@example",
            "anna@@example.se",
            "an na@example.se",
            "anna@.example.se",
            "anna@example..se",
            "anna@example.se.",
        ] {
            assert_eq!(
                Email::parse(bad),
                Err(ValidationError::EmailInvalid),
                "{bad:?}"
            );
        }
        let long = format!("{}@example.se", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn password_needs_ten_characters_not_bytes() {
        assert_eq!(
            Password::parse("123456789").err(),
            Some(ValidationError::PasswordTooShort)
        );
        assert!(Password::parse("1234567890").is_ok());
        // Nine two-byte characters are 18 bytes but still too short.
        assert_eq!(
            Password::parse("ååååååååå").err(),
            Some(ValidationError::PasswordTooShort)
        );
        assert_eq!(
            Password::parse(&"x".repeat(257)).err(),
            Some(ValidationError::PasswordTooLong)
        );
    }

    #[test]
    fn password_debug_hides_the_secret() {
        let password = Password::parse("hemligt-lösenord").expect("valid");
        assert!(!format!("{password:?}").contains("hemligt"));
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            TimeZoneName::parse(" America/New_York ")
                .expect("known")
                .as_str(),
            "America/New_York"
        );
        for bad in ["", "Mars/Olympus", "EST5EDT6", "Europe/Stockholm\u{0}"] {
            assert_eq!(
                TimeZoneName::parse(bad),
                Err(ValidationError::TimeZoneUnknown),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Sol  ").expect("valid").as_str(),
            "Sol"
        );
        assert_eq!(
            DisplayName::parse("   ").err(),
            Some(ValidationError::NameEmpty)
        );
        assert_eq!(DisplayName::parse("a\u{0}b").expect("valid").as_str(), "ab");
        assert_eq!(
            DisplayName::parse(&"n".repeat(81)).err(),
            Some(ValidationError::NameTooLong)
        );
        assert!(DisplayName::parse(&"n".repeat(80)).is_ok());
    }
}
