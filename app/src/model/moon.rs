//! Phases of the Moon for the calendar: the instants of the four principal
//! phases, the lit fraction and age of the Moon at any instant, and an SVG
//! path to draw it.
//!
//! Pure arithmetic on `chrono` instants, so the server and the browser (WASM)
//! compute the same thing without a clock, a network call or a data file.
//!
//! The principal phases follow Meeus, *Astronomical Algorithms* (2nd ed.),
//! chapter 49, which gives them in Terrestrial (dynamical) Time to a few
//! seconds; they are turned into UTC with the ΔT polynomials of Espenak and
//! Meeus (NASA, "Polynomial Expressions for Delta T"). Over 1900–2100 the
//! result stays within a minute or two of published tables. The continuous
//! quantities (lit fraction, age) use the cheaper formula of chapter 48,
//! good to a few thousandths of the disc, finer than any drawing shows.
//!
//! All instants are UT; UTC never differs from it by more than 0.9 s.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// One of the four instants of the lunar cycle that almanacs list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalPhase {
    New,
    FirstQuarter,
    Full,
    LastQuarter,
}

impl PrincipalPhase {
    /// Cycle order, starting at new moon.
    const ALL: [PrincipalPhase; 4] = [
        PrincipalPhase::New,
        PrincipalPhase::FirstQuarter,
        PrincipalPhase::Full,
        PrincipalPhase::LastQuarter,
    ];

    /// Fraction of the lunation at which the phase falls (the fractional
    /// part of Meeus' k).
    fn offset(self) -> f64 {
        match self {
            PrincipalPhase::New => 0.0,
            PrincipalPhase::FirstQuarter => 0.25,
            PrincipalPhase::Full => 0.5,
            PrincipalPhase::LastQuarter => 0.75,
        }
    }
}

/// A principal phase and the instant (UTC) at which it occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhaseEvent {
    pub phase: PrincipalPhase,
    pub at: DateTime<Utc>,
}

/// The everyday name of the Moon's phase: the four principal phases and the
/// four stretches between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseName {
    New,
    WaxingCrescent,
    FirstQuarter,
    WaxingGibbous,
    Full,
    WaningGibbous,
    LastQuarter,
    WaningCrescent,
}

impl From<PrincipalPhase> for PhaseName {
    fn from(phase: PrincipalPhase) -> Self {
        match phase {
            PrincipalPhase::New => PhaseName::New,
            PrincipalPhase::FirstQuarter => PhaseName::FirstQuarter,
            PrincipalPhase::Full => PhaseName::Full,
            PrincipalPhase::LastQuarter => PhaseName::LastQuarter,
        }
    }
}

/// Principal phases with `from <= at < to`, in time order.
///
/// Half-open, so consecutive windows (days, months) never list an event
/// twice. The work is proportional to the length of the window.
pub fn principal_phases_between(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<PhaseEvent> {
    let mut events = Vec::new();
    if from >= to {
        return events;
    }
    let jd_to = julian_day(to);
    // Start one lunation early: a true phase can be up to ~0.6 day away from
    // its mean date, and ΔT moves it again.
    let jd_from_tt = terrestrial(julian_day(from));
    let mut lunation = ((jd_from_tt - MEAN_NEW_MOON_2000) / SYNODIC_MONTH).floor() - 1.0;
    loop {
        for phase in PrincipalPhase::ALL {
            let jd = universal(phase_jde(lunation + phase.offset(), phase));
            // True phases keep their order, so the first one past the window
            // ends the search.
            if jd >= jd_to {
                return events;
            }
            if let Some(at) = instant(jd) {
                if at >= to {
                    return events;
                }
                if at >= from {
                    events.push(PhaseEvent { phase, at });
                }
            }
        }
        lunation += 1.0;
    }
}

/// Illuminated fraction of the disc, 0.0..=1.0, at an instant.
pub fn illuminated_fraction(at: DateTime<Utc>) -> f64 {
    fraction_from_position(phase_position(at))
}

/// The Moon's age as a fraction of the cycle, 0.0..1.0: 0 = new,
/// 0.25 = first quarter, 0.5 = full, 0.75 = last quarter.
///
/// Unlike the lit fraction this tells waxing (< 0.5) from waning (> 0.5),
/// which a drawing needs. It is the Moon's elongation from the Sun over 360°,
/// so it runs unevenly in time, as the real Moon does.
pub fn phase_position(at: DateTime<Utc>) -> f64 {
    let t = (terrestrial(julian_day(at)) - J2000) / 36525.0;
    let d = radians(poly(t, &MEAN_ELONGATION));
    let m = radians(poly(t, &SUN_MEAN_ANOMALY));
    let mp = radians(poly(t, &MOON_MEAN_ANOMALY));
    // Meeus 48.4 gives the phase angle i = 180° − elongation. The elongation,
    // counted eastwards over 0–360°, also tells waxing from waning; i cannot.
    let elongation = d.to_degrees() + 6.289 * mp.sin() - 2.100 * m.sin()
        + 1.274 * (2.0 * d - mp).sin()
        + 0.658 * (2.0 * d).sin()
        + 0.214 * (2.0 * mp).sin()
        + 0.110 * d.sin();
    (elongation / 360.0).rem_euclid(1.0)
}

/// Moon's mean elongation, in degrees, as a polynomial in Julian centuries
/// of TT since J2000 (Meeus 47.2); then the Sun's (47.3) and the Moon's
/// (47.4) mean anomalies.
#[rustfmt::skip]
const MEAN_ELONGATION: [f64; 5] = [297.8501921, 445267.1114034, -0.0018819, 1.0 / 545868.0, -1.0 / 113065000.0];
#[rustfmt::skip]
const SUN_MEAN_ANOMALY: [f64; 4] = [357.5291092, 35999.0502909, -0.0001536, 1.0 / 24490000.0];
#[rustfmt::skip]
const MOON_MEAN_ANOMALY: [f64; 5] = [134.9633964, 477198.8675055, 0.0087414, 1.0 / 69699.0, -1.0 / 14712000.0];

/// The name of the phase at an instant, among eight.
///
/// A principal name holds for the 24 hours centred on its event (from just
/// after 12 h before it to 12 h after it), so asking at noon, local time,
/// names exactly the calendar day that contains the event, as almanacs do.
/// The rest of the cycle is crescent or gibbous, waxing or waning.
pub fn phase_name(at: DateTime<Utc>) -> PhaseName {
    let half_day = chrono::TimeDelta::hours(12);
    if let (Some(from), Some(to)) = (
        at.checked_sub_signed(half_day),
        at.checked_add_signed(half_day),
    ) {
        // Principal phases are at least six days apart: at most one is found.
        if let Some(event) = principal_phases_between(from, to).first() {
            return event.phase.into();
        }
    }
    let position = phase_position(at);
    if position < 0.25 {
        PhaseName::WaxingCrescent
    } else if position < 0.5 {
        PhaseName::WaxingGibbous
    } else if position < 0.75 {
        PhaseName::WaningGibbous
    } else {
        PhaseName::WaningCrescent
    }
}

/// SVG path data (`d`) for the lit part of a Moon disc of radius `r` centred
/// at (`cx`, `cy`), for a [`phase_position`] (the lit fraction follows from
/// it, so one number drives the drawing).
///
/// Seen from the northern hemisphere: lit on the right while waxing, on the
/// left while waning. The outline is half the limb plus the terminator, a
/// half-ellipse of x-radius `r * |1 - 2 * fraction|`. Returns an empty string
/// when there is nothing sensible to draw (non-finite input, `r <= 0`).
pub fn lit_path(position: f64, cx: f64, cy: f64, r: f64) -> String {
    if !(position.is_finite() && cx.is_finite() && cy.is_finite() && r.is_finite()) || r <= 0.0 {
        return String::new();
    }
    let position = position.rem_euclid(1.0);
    let fraction = fraction_from_position(position);
    let rx = r * (1.0 - 2.0 * fraction).abs();
    // SVG's y axis points down, so sweep 1 is clockwise on screen: top to
    // bottom through the right-hand side of the disc.
    let limb_sweep = u8::from(position < 0.5);
    // A crescent's terminator bulges towards the lit limb, so it returns to
    // the top on the lit side, turning the other way; a gibbous one bulges
    // into the dark half and turns the same way as the limb.
    let terminator_sweep = if fraction < 0.5 {
        1 - limb_sweep
    } else {
        limb_sweep
    };
    let (top, bottom) = (cy - r, cy + r);
    format!(
        "M {cx} {top} A {r} {r} 0 0 {limb_sweep} {cx} {bottom} A {rx} {r} 0 0 {terminator_sweep} {cx} {top} Z",
        cx = svg_number(cx),
        top = svg_number(top),
        bottom = svg_number(bottom),
        r = svg_number(r),
        rx = svg_number(rx),
    )
}

// ---------------------------------------------------------------------------
// Time scales

/// Julian Day of the Unix epoch, 1970-01-01 00:00 UT.
const JD_UNIX_EPOCH: f64 = 2440587.5;
/// Julian Day of J2000.0, the epoch of Meeus' series.
const J2000: f64 = 2451545.0;
/// Mean synodic month in days (Meeus 49.1).
const SYNODIC_MONTH: f64 = 29.530588861;
/// JDE of the mean new moon of 2000 January 6, where k = 0 (Meeus 49.1).
const MEAN_NEW_MOON_2000: f64 = 2451550.09766;
const MILLIS_PER_DAY: f64 = 86_400_000.0;
const SECONDS_PER_DAY: f64 = 86_400.0;

fn julian_day(at: DateTime<Utc>) -> f64 {
    at.timestamp_millis() as f64 / MILLIS_PER_DAY + JD_UNIX_EPOCH
}

/// The UTC instant of a Julian Day (UT), to the millisecond; `None` outside
/// chrono's range.
fn instant(jd: f64) -> Option<DateTime<Utc>> {
    let millis = ((jd - JD_UNIX_EPOCH) * MILLIS_PER_DAY).round();
    if !millis.is_finite() || millis.abs() >= i64::MAX as f64 {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}

/// Universal Time Julian Day → Terrestrial Time (JDE).
fn terrestrial(jd: f64) -> f64 {
    jd + delta_t(jd) / SECONDS_PER_DAY
}

/// Terrestrial Time (JDE) → Universal Time. ΔT changes by well under a second
/// over the few minutes between the two scales, so one step is exact enough.
fn universal(jde: f64) -> f64 {
    jde - delta_t(jde) / SECONDS_PER_DAY
}

/// ΔT = TT − UT in seconds, by the piecewise polynomials of Espenak & Meeus
/// (NASA, "Polynomial Expressions for Delta T"). Beyond the last observations
/// they are extrapolations, off by a few seconds in the 2020s.
fn delta_t(jd: f64) -> f64 {
    // Decimal year; Espenak uses mid-month values, a continuous one is as good.
    let y = 2000.0 + (jd - 2451544.5) / 365.2425;
    let long_term = |y: f64| {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u
    };
    if y < -500.0 {
        return long_term(y);
    }
    if let Some(&(_, origin, scale, coefficients)) =
        DELTA_T_POLYNOMIALS.iter().find(|(until, ..)| y < *until)
    {
        return poly((y - origin) / scale, coefficients);
    }
    if y < 2150.0 {
        // The linear term joins the 2005–2050 branch to the long-term parabola.
        long_term(y) - 0.5628 * (2150.0 - y)
    } else {
        long_term(y)
    }
}

/// The ΔT branches from −500 to 2050: (valid before year, origin, scale,
/// coefficients in ascending powers of (year − origin) / scale).
#[rustfmt::skip]
const DELTA_T_POLYNOMIALS: [(f64, f64, f64, &[f64]); 12] = [
    (500.0, 0.0, 100.0, &[10583.6, -1014.41, 33.78311, -5.952053, -0.1798452, 0.022174192, 0.0090316521]),
    (1600.0, 1000.0, 100.0, &[1574.2, -556.01, 71.23472, 0.319781, -0.8503463, -0.005050998, 0.0083572073]),
    (1700.0, 1600.0, 1.0, &[120.0, -0.9808, -0.01532, 1.0 / 7129.0]),
    (1800.0, 1700.0, 1.0, &[8.83, 0.1603, -0.0059285, 0.00013336, -1.0 / 1174000.0]),
    (1860.0, 1800.0, 1.0, &[13.72, -0.332447, 0.0068612, 0.0041116, -0.00037436, 0.0000121272, -0.0000001699, 0.000000000875]),
    (1900.0, 1860.0, 1.0, &[7.62, 0.5737, -0.251754, 0.01680668, -0.0004473624, 1.0 / 233174.0]),
    (1920.0, 1900.0, 1.0, &[-2.79, 1.494119, -0.0598939, 0.0061966, -0.000197]),
    (1941.0, 1920.0, 1.0, &[21.20, 0.84493, -0.076100, 0.0020936]),
    (1961.0, 1950.0, 1.0, &[29.07, 0.407, -1.0 / 233.0, 1.0 / 2547.0]),
    (1986.0, 1975.0, 1.0, &[45.45, 1.067, -1.0 / 260.0, -1.0 / 718.0]),
    (2005.0, 2000.0, 1.0, &[63.86, 0.3345, -0.060374, 0.0017275, 0.000651814, 0.00002373599]),
    (2050.0, 2000.0, 1.0, &[62.92, 0.32217, 0.005589]),
];

// ---------------------------------------------------------------------------
// Meeus chapter 49

/// Multiples of (M, M′, F, Ω) that make up the argument of a sine term.
type Argument = [i8; 4];

/// Periodic terms for new and full moon, in days: (coefficient for new moon,
/// coefficient for full moon, power of E, argument).
#[rustfmt::skip]
const NEW_FULL_TERMS: [(f64, f64, i32, Argument); 25] = [
    (-0.40720, -0.40614, 0, [0, 1, 0, 0]),   // M′
    ( 0.17241,  0.17302, 1, [1, 0, 0, 0]),   // M
    ( 0.01608,  0.01614, 0, [0, 2, 0, 0]),   // 2M′
    ( 0.01039,  0.01043, 0, [0, 0, 2, 0]),   // 2F
    ( 0.00739,  0.00734, 1, [-1, 1, 0, 0]),  // M′ − M
    (-0.00514, -0.00515, 1, [1, 1, 0, 0]),   // M′ + M
    ( 0.00208,  0.00209, 2, [2, 0, 0, 0]),   // 2M
    (-0.00111, -0.00111, 0, [0, 1, -2, 0]),  // M′ − 2F
    (-0.00057, -0.00057, 0, [0, 1, 2, 0]),   // M′ + 2F
    ( 0.00056,  0.00056, 1, [1, 2, 0, 0]),   // 2M′ + M
    (-0.00042, -0.00042, 0, [0, 3, 0, 0]),   // 3M′
    ( 0.00042,  0.00042, 1, [1, 0, 2, 0]),   // M + 2F
    ( 0.00038,  0.00038, 1, [1, 0, -2, 0]),  // M − 2F
    (-0.00024, -0.00024, 1, [-1, 2, 0, 0]),  // 2M′ − M
    (-0.00017, -0.00017, 0, [0, 0, 0, 1]),   // Ω
    (-0.00007, -0.00007, 0, [2, 1, 0, 0]),   // M′ + 2M
    ( 0.00004,  0.00004, 0, [0, 2, -2, 0]),  // 2M′ − 2F
    ( 0.00004,  0.00004, 0, [3, 0, 0, 0]),   // 3M
    ( 0.00003,  0.00003, 0, [1, 1, -2, 0]),  // M′ + M − 2F
    ( 0.00003,  0.00003, 0, [0, 2, 2, 0]),   // 2M′ + 2F
    (-0.00003, -0.00003, 0, [1, 1, 2, 0]),   // M′ + M + 2F
    ( 0.00003,  0.00003, 0, [-1, 1, 2, 0]),  // M′ − M + 2F
    (-0.00002, -0.00002, 0, [-1, 1, -2, 0]), // M′ − M − 2F
    (-0.00002, -0.00002, 0, [1, 3, 0, 0]),   // 3M′ + M
    ( 0.00002,  0.00002, 0, [0, 4, 0, 0]),   // 4M′
];

/// Periodic terms for the first and last quarters, in days:
/// (coefficient, power of E, argument).
#[rustfmt::skip]
const QUARTER_TERMS: [(f64, i32, Argument); 25] = [
    (-0.62801, 0, [0, 1, 0, 0]),   // M′
    ( 0.17172, 1, [1, 0, 0, 0]),   // M
    (-0.01183, 1, [1, 1, 0, 0]),   // M′ + M
    ( 0.00862, 0, [0, 2, 0, 0]),   // 2M′
    ( 0.00804, 0, [0, 0, 2, 0]),   // 2F
    ( 0.00454, 1, [-1, 1, 0, 0]),  // M′ − M
    ( 0.00204, 2, [2, 0, 0, 0]),   // 2M
    (-0.00180, 0, [0, 1, -2, 0]),  // M′ − 2F
    (-0.00070, 0, [0, 1, 2, 0]),   // M′ + 2F
    (-0.00040, 0, [0, 3, 0, 0]),   // 3M′
    (-0.00034, 1, [-1, 2, 0, 0]),  // 2M′ − M
    ( 0.00032, 1, [1, 0, 2, 0]),   // M + 2F
    ( 0.00032, 1, [1, 0, -2, 0]),  // M − 2F
    (-0.00028, 2, [2, 1, 0, 0]),   // M′ + 2M
    ( 0.00027, 1, [1, 2, 0, 0]),   // 2M′ + M
    (-0.00017, 0, [0, 0, 0, 1]),   // Ω
    (-0.00005, 0, [-1, 1, -2, 0]), // M′ − M − 2F
    ( 0.00004, 0, [0, 2, 2, 0]),   // 2M′ + 2F
    (-0.00004, 0, [1, 1, 2, 0]),   // M′ + M + 2F
    ( 0.00004, 0, [-2, 1, 0, 0]),  // M′ − 2M
    ( 0.00003, 0, [1, 1, -2, 0]),  // M′ + M − 2F
    ( 0.00003, 0, [3, 0, 0, 0]),   // 3M
    ( 0.00002, 0, [0, 2, -2, 0]),  // 2M′ − 2F
    ( 0.00002, 0, [-1, 1, 2, 0]),  // M′ − M + 2F
    (-0.00002, 0, [1, 3, 0, 0]),   // 3M′ + M
];

/// Planetary arguments A1..A14 and their terms, common to all phases:
/// (coefficient in days, A at k = 0 in degrees, degrees per lunation).
/// A1 also has a −0.009173 T² term, added where it is used.
#[rustfmt::skip]
const PLANETARY_TERMS: [(f64, f64, f64); 14] = [
    (0.000325, 299.77, 0.107408),
    (0.000165, 251.88, 0.016321),
    (0.000164, 251.83, 26.651886),
    (0.000126, 349.42, 36.412478),
    (0.000110, 84.66, 18.206239),
    (0.000062, 141.74, 53.303771),
    (0.000060, 207.14, 2.453732),
    (0.000056, 154.84, 7.306860),
    (0.000047, 34.52, 27.261239),
    (0.000042, 207.19, 0.121824),
    (0.000040, 291.34, 1.844379),
    (0.000037, 161.72, 24.198154),
    (0.000035, 239.56, 25.513099),
    (0.000023, 331.55, 3.592518),
];

/// The fundamental arguments of chapter 49 at one value of k (angles in
/// radians).
struct Arguments {
    e: f64,
    m: f64,
    mp: f64,
    f: f64,
    omega: f64,
}

impl Arguments {
    fn term(&self, coefficient: f64, e_power: i32, [m, mp, f, omega]: Argument) -> f64 {
        let angle = f64::from(m) * self.m
            + f64::from(mp) * self.mp
            + f64::from(f) * self.f
            + f64::from(omega) * self.omega;
        coefficient * self.e.powi(e_power) * angle.sin()
    }
}

/// Instant (JDE, Terrestrial Time) of the principal phase with lunation
/// number `k` (an integer for new moon, + 0.25 / 0.5 / 0.75 for the others;
/// k = 0 is the new moon of 2000 January 6). Meeus chapter 49.
fn phase_jde(k: f64, phase: PrincipalPhase) -> f64 {
    let t = k / 1236.85; // Julian centuries since J2000 (49.3)
    let t2 = t * t;
    let t3 = t2 * t;
    let t4 = t3 * t;
    // Mean phase (49.1).
    let mean = MEAN_NEW_MOON_2000 + SYNODIC_MONTH * k + 0.00015437 * t2 - 0.000000150 * t3
        + 0.00000000073 * t4;
    let args = Arguments {
        // Eccentricity of the Earth's orbit, which damps the solar terms (47.6).
        e: 1.0 - 0.002516 * t - 0.0000074 * t2,
        // Sun's mean anomaly (49.4).
        m: radians(2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3),
        // Moon's mean anomaly (49.5).
        mp: radians(
            201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4,
        ),
        // Moon's argument of latitude (49.6).
        f: radians(
            160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4,
        ),
        // Longitude of the ascending node of the lunar orbit (49.7).
        omega: radians(124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3),
    };
    let periodic = match phase {
        PrincipalPhase::New => NEW_FULL_TERMS
            .iter()
            .map(|&(c, _, e, a)| args.term(c, e, a))
            .sum(),
        PrincipalPhase::Full => NEW_FULL_TERMS
            .iter()
            .map(|&(_, c, e, a)| args.term(c, e, a))
            .sum(),
        PrincipalPhase::FirstQuarter | PrincipalPhase::LastQuarter => {
            let terms: f64 = QUARTER_TERMS
                .iter()
                .map(|&(c, e, a)| args.term(c, e, a))
                .sum();
            // The quarters need one more correction, W, added for the first
            // and subtracted for the last.
            let w = 0.00306 - 0.00038 * args.e * args.m.cos() + 0.00026 * args.mp.cos()
                - 0.00002 * (args.mp - args.m).cos()
                + 0.00002 * (args.mp + args.m).cos()
                + 0.00002 * (2.0 * args.f).cos();
            if phase == PrincipalPhase::FirstQuarter {
                terms + w
            } else {
                terms - w
            }
        }
    };
    let planetary: f64 = PLANETARY_TERMS
        .iter()
        .enumerate()
        .map(|(i, &(c, a0, rate))| {
            let a1_extra = if i == 0 { -0.009173 * t2 } else { 0.0 };
            c * radians(a0 + rate * k + a1_extra).sin()
        })
        .sum();
    mean + periodic + planetary
}

// ---------------------------------------------------------------------------
// Helpers

/// Lit fraction for a cycle position: (1 − cos elongation) / 2, Meeus 48.1
/// with the phase angle i = 180° − elongation.
fn fraction_from_position(position: f64) -> f64 {
    ((1.0 - (TAU * position).cos()) / 2.0).clamp(0.0, 1.0)
}

/// Degrees to radians, reduced first so large multiples of k keep precision.
fn radians(degrees: f64) -> f64 {
    degrees.rem_euclid(360.0).to_radians()
}

/// Polynomial with coefficients in ascending powers (Horner's scheme).
fn poly(x: f64, coefficients: &[f64]) -> f64 {
    coefficients.iter().rev().fold(0.0, |acc, &c| acc * x + c)
}

/// A number for SVG: at most three decimals, no trailing zeros, no "-0".
fn svg_number(x: f64) -> String {
    let text = format!("{x:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};
    use serde::de::{value::Error as ValueError, IntoDeserializer};

    use PrincipalPhase::{FirstQuarter, Full, LastQuarter, New};

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .expect("valid date")
    }

    /// A phase, its instant (year, month, day, hour, minute UT) and source.
    type Reference = (PrincipalPhase, (i32, u32, u32, u32, u32), &'static str);

    /// Published instants (UT) of principal phases, 1900–2100.
    ///
    /// Espenak = Fred Espenak, "Six Millennium Catalog of Phases of the Moon"
    /// (NASA GSFC; the same tables at astropixels.com, "Phases of the Moon:
    /// 1801 to 1900 / 1901 to 2000 / 2001 to 2100", Universal Time), given to
    /// the minute. Those marked USNO are listed at the same minute by the U.S.
    /// Naval Observatory. Espenak's tables are themselves computed with Meeus
    /// ch. 49, so what differs is minute rounding and, after about 2020, ΔT.
    #[rustfmt::skip]
    const PUBLISHED: [Reference; 16] = [
        (Full,         (1900, 1, 15, 19, 8),   "Espenak 1801–1900"),
        (FirstQuarter, (1903, 1, 6, 21, 57),   "Espenak 1901–2000"),
        (New,          (1919, 5, 29, 13, 12),  "Espenak 1901–2000 (total solar eclipse)"),
        (LastQuarter,  (1936, 1, 16, 19, 41),  "Espenak 1901–2000"),
        (Full,         (1945, 7, 25, 2, 25),   "Espenak 1901–2000"),
        (New,          (1969, 7, 14, 14, 11),  "Espenak 1901–2000"),
        (New,          (1977, 2, 18, 3, 37),   "Espenak 1901–2000; Meeus Example 49.a"),
        (LastQuarter,  (1989, 12, 19, 23, 55), "Espenak 1901–2000"),
        (New,          (2000, 1, 6, 18, 14),   "Espenak 1901–2000, USNO"),
        (FirstQuarter, (2000, 1, 14, 13, 34),  "Espenak 1901–2000"),
        (Full,         (2000, 1, 21, 4, 40),   "Espenak 1901–2000, USNO (total lunar eclipse)"),
        (FirstQuarter, (2024, 1, 18, 3, 53),   "Espenak 2001–2100, USNO"),
        (LastQuarter,  (2044, 1, 21, 23, 47),  "Espenak 2001–2100; Meeus Example 49.b"),
        (Full,         (2061, 8, 30, 22, 18),  "Espenak 2001–2100"),
        (FirstQuarter, (2075, 12, 14, 14, 38), "Espenak 2001–2100"),
        (New,          (2100, 1, 10, 12, 57),  "Espenak 2001–2100"),
    ];

    fn published() -> impl Iterator<Item = (PrincipalPhase, DateTime<Utc>, &'static str)> {
        PUBLISHED
            .iter()
            .map(|&(phase, (y, mo, d, h, mi), source)| (phase, utc(y, mo, d, h, mi, 0), source))
    }

    /// The computed event of `phase` nearest to `around`.
    fn computed(phase: PrincipalPhase, around: DateTime<Utc>) -> DateTime<Utc> {
        let events =
            principal_phases_between(around - TimeDelta::days(2), around + TimeDelta::days(2));
        let matching: Vec<_> = events.iter().filter(|e| e.phase == phase).collect();
        assert_eq!(matching.len(), 1, "{phase:?} near {around}: {events:?}");
        matching[0].at
    }

    #[test]
    fn meeus_example_49a_new_moon_1977_february() {
        // JDE 2443192.65118 = 1977 Feb 18 3h37m42s TD (p. 353).
        let jde = phase_jde(-283.0, New);
        assert!((jde - 2443192.65118).abs() < 0.00001, "{jde}");
    }

    #[test]
    fn meeus_example_49b_last_quarter_2044_january() {
        // JDE 2467636.49186 = 2044 Jan 21 23h48m17s TD (p. 353).
        let jde = phase_jde(544.75, LastQuarter);
        assert!((jde - 2467636.49186).abs() < 0.00001, "{jde}");
    }

    #[test]
    fn published_instants_within_two_minutes() {
        let mut worst = 0;
        for (phase, expected, source) in published() {
            let at = computed(phase, expected);
            let error = (at - expected).num_seconds().abs();
            println!("{phase:?} {expected} ({source}): computed {at}, error {error} s");
            assert!(
                error <= 120,
                "{phase:?} {expected}: computed {at} ({source})"
            );
            worst = worst.max(error);
        }
        println!("worst-case error: {worst} s");
    }

    #[test]
    fn delta_t_matches_published_values() {
        // Espenak & Meeus: ΔT ≈ −2.8 s in 1900, 63.8 s in 2000.
        assert!((delta_t(julian_day(utc(1900, 1, 1, 0, 0, 0))) + 2.79).abs() < 0.2);
        assert!((delta_t(julian_day(utc(2000, 1, 1, 0, 0, 0))) - 63.86).abs() < 0.2);
        // The branches join without steps worth a second.
        for year in [1920, 1941, 1961, 1986, 2005, 2050, 2150] {
            let at = julian_day(utc(year, 1, 1, 0, 0, 0));
            let step = delta_t(at + 0.01) - delta_t(at - 0.01);
            assert!(step.abs() < 1.0, "ΔT step of {step} s at {year}");
        }
    }

    #[test]
    fn illuminated_fraction_at_principal_phases() {
        for (phase, at, _) in published() {
            let fraction = illuminated_fraction(computed(phase, at));
            let expected = match phase {
                New => 0.0,
                FirstQuarter | LastQuarter => 0.5,
                Full => 1.0,
            };
            assert!(
                (fraction - expected).abs() <= 0.02,
                "{phase:?} {at}: {fraction}"
            );
        }
    }

    #[test]
    fn illuminated_fraction_matches_jpl_horizons() {
        // Geocentric illuminated fraction ("Illu%") from JPL Horizons for
        // 2019 Sep 12–19, 00:00 UT, as quoted in the answer to
        // astronomy.stackexchange.com question 33403.
        let horizons = [
            (12, 0.95688),
            (13, 0.98620),
            (14, 0.99814),
            (15, 0.99231),
            (16, 0.96874),
            (17, 0.92791),
            (18, 0.87074),
            (19, 0.79858),
        ];
        for (day, expected) in horizons {
            let fraction = illuminated_fraction(utc(2019, 9, day, 0, 0, 0));
            assert!((fraction - expected).abs() < 0.005, "Sep {day}: {fraction}");
        }
        // Waning after the full moon of Sep 14.
        assert!(phase_position(utc(2019, 9, 19, 0, 0, 0)) > 0.5);
    }

    #[test]
    fn phase_position_at_principal_phases() {
        for (phase, at, _) in published() {
            let position = phase_position(computed(phase, at));
            let distance = (position - phase.offset()).rem_euclid(1.0);
            let distance = distance.min(1.0 - distance);
            assert!(distance < 0.005, "{phase:?} {at}: {position}");
        }
    }

    #[test]
    fn one_synodic_month_has_four_phases_in_order() {
        // From the new moon of 2000 January 6 up to (excluding) the next one.
        let new_moon = computed(New, utc(2000, 1, 6, 18, 14, 0));
        let next_new_moon = computed(New, utc(2000, 2, 5, 13, 3, 0));
        let events = principal_phases_between(new_moon, next_new_moon);
        let phases: Vec<_> = events.iter().map(|e| e.phase).collect();
        assert_eq!(phases, [New, FirstQuarter, Full, LastQuarter]);
        assert_eq!(events[0].at, new_moon);

        // Starting mid-cycle (after the new moon of Jan 6), a month's window
        // starts with the first quarter.
        let events = principal_phases_between(utc(2000, 1, 10, 0, 0, 0), utc(2000, 2, 5, 0, 0, 0));
        let phases: Vec<_> = events.iter().map(|e| e.phase).collect();
        assert_eq!(phases, [FirstQuarter, Full, LastQuarter]);
        let events = principal_phases_between(utc(2000, 1, 10, 0, 0, 0), utc(2000, 2, 8, 0, 0, 0));
        let phases: Vec<_> = events.iter().map(|e| e.phase).collect();
        assert_eq!(phases, [FirstQuarter, Full, LastQuarter, New]);
    }

    #[test]
    fn window_is_half_open_and_ordered() {
        let full = computed(Full, utc(2000, 1, 21, 4, 40, 0));
        let at_start = principal_phases_between(full, full + TimeDelta::hours(1));
        assert_eq!(
            at_start,
            [PhaseEvent {
                phase: Full,
                at: full
            }]
        );
        assert!(principal_phases_between(full - TimeDelta::hours(1), full).is_empty());
        assert!(principal_phases_between(full, full).is_empty());
        assert!(principal_phases_between(full, full - TimeDelta::days(30)).is_empty());

        // A whole century: the cycle never skips or repeats a phase.
        let events = principal_phases_between(utc(2000, 1, 1, 0, 0, 0), utc(2100, 1, 1, 0, 0, 0));
        // Espenak's tables list 4947 principal phases in 2000–2099.
        assert_eq!(events.len(), 4947);
        for pair in events.windows(2) {
            let gap = pair[1].at - pair[0].at;
            assert!(
                gap > TimeDelta::days(6) && gap < TimeDelta::days(9),
                "{pair:?}"
            );
            let next = PrincipalPhase::ALL[((pair[0].phase.offset() * 4.0) as usize + 1) % 4];
            assert_eq!(pair[1].phase, next, "{pair:?}");
        }
    }

    #[test]
    fn phase_name_at_and_between_principal_phases() {
        for (phase, at, _) in published() {
            let event = computed(phase, at);
            assert_eq!(phase_name(event), PhaseName::from(phase), "{event}");
            // Two days either side lies between principal phases.
            let (before, after) = match phase {
                New => (PhaseName::WaningCrescent, PhaseName::WaxingCrescent),
                FirstQuarter => (PhaseName::WaxingCrescent, PhaseName::WaxingGibbous),
                Full => (PhaseName::WaxingGibbous, PhaseName::WaningGibbous),
                LastQuarter => (PhaseName::WaningGibbous, PhaseName::WaningCrescent),
            };
            assert_eq!(phase_name(event - TimeDelta::days(2)), before, "{event}");
            assert_eq!(phase_name(event + TimeDelta::days(2)), after, "{event}");
        }
    }

    #[test]
    fn phase_name_at_noon_names_the_day_of_the_event() {
        // Full moon 2000-01-21 04:40 UT: noon that day is Full, the noons
        // around it are gibbous.
        assert_eq!(phase_name(utc(2000, 1, 21, 12, 0, 0)), PhaseName::Full);
        assert_eq!(
            phase_name(utc(2000, 1, 20, 12, 0, 0)),
            PhaseName::WaxingGibbous
        );
        assert_eq!(
            phase_name(utc(2000, 1, 22, 12, 0, 0)),
            PhaseName::WaningGibbous
        );
        // The window is 12 h either side of the event, end excluded.
        let full = computed(Full, utc(2000, 1, 21, 4, 40, 0));
        assert_eq!(phase_name(full + TimeDelta::hours(12)), PhaseName::Full);
        assert_eq!(
            phase_name(full - TimeDelta::hours(12)),
            PhaseName::WaxingGibbous
        );
    }

    #[test]
    fn phase_name_at_noon_is_principal_exactly_on_event_days() {
        let start = utc(2020, 1, 1, 0, 0, 0);
        let events = principal_phases_between(start, utc(2030, 1, 1, 0, 0, 0));
        let mut next = events.iter().peekable();
        for day in 0..3653 {
            let midnight = start + TimeDelta::days(day);
            let mut on_this_day = None;
            while let Some(event) = next.next_if(|e| e.at < midnight + TimeDelta::days(1)) {
                on_this_day = Some(PhaseName::from(event.phase));
            }
            let name = phase_name(midnight + TimeDelta::hours(12));
            match on_this_day {
                Some(expected) => assert_eq!(name, expected, "{midnight}"),
                None => assert!(
                    !matches!(
                        name,
                        PhaseName::New
                            | PhaseName::FirstQuarter
                            | PhaseName::Full
                            | PhaseName::LastQuarter
                    ),
                    "{midnight}: {name:?}"
                ),
            }
        }
    }

    #[test]
    fn lit_path_follows_fraction_and_side() {
        let waxing = lit_path(0.2, 50.0, 50.0, 40.0);
        let waning = lit_path(0.8, 50.0, 50.0, 40.0);
        assert!(!waxing.is_empty() && !waning.is_empty());
        assert_ne!(waxing, waning);
        // Waxing: limb down the right (sweep 1); waning: down the left.
        assert!(
            waxing.starts_with("M 50 10 A 40 40 0 0 1 50 90"),
            "{waxing}"
        );
        assert!(
            waning.starts_with("M 50 10 A 40 40 0 0 0 50 90"),
            "{waning}"
        );
        // Same fraction, so the same terminator x-radius, r·|1 − 2k|.
        let rx = format!(
            "A {} 40",
            svg_number(40.0 * (1.0 - 2.0 * fraction_from_position(0.2)).abs())
        );
        assert!(
            waxing.contains(&rx) && waning.contains(&rx),
            "{waxing} / {waning}"
        );

        // Quarters: the terminator is a straight line; full: a whole disc.
        assert_eq!(
            lit_path(0.25, 50.0, 50.0, 40.0),
            "M 50 10 A 40 40 0 0 1 50 90 A 0 40 0 0 0 50 10 Z"
        );
        assert_eq!(
            lit_path(0.5, 50.0, 50.0, 40.0),
            "M 50 10 A 40 40 0 0 0 50 90 A 40 40 0 0 0 50 10 Z"
        );
        // Crescent and gibbous turn the terminator opposite ways.
        assert!(lit_path(0.1, 0.0, 0.0, 1.0).ends_with("0 0 0 0 -1 Z"));
        assert!(lit_path(0.4, 0.0, 0.0, 1.0).ends_with("0 0 1 0 -1 Z"));
        // Positions wrap; nonsense draws nothing.
        assert_eq!(lit_path(1.2, 50.0, 50.0, 40.0), waxing);
        assert_eq!(lit_path(f64::NAN, 50.0, 50.0, 40.0), "");
        assert_eq!(lit_path(0.3, 50.0, 50.0, 0.0), "");
    }

    #[test]
    fn serde_names_are_snake_case() {
        for (name, expected) in [
            ("new", New),
            ("first_quarter", FirstQuarter),
            ("full", Full),
            ("last_quarter", LastQuarter),
        ] {
            let parsed: Result<PrincipalPhase, ValueError> =
                PrincipalPhase::deserialize(name.into_deserializer());
            assert_eq!(parsed.ok(), Some(expected), "{name}");
        }
        let parsed: Result<PhaseName, ValueError> =
            PhaseName::deserialize("waning_gibbous".into_deserializer());
        assert_eq!(parsed.ok(), Some(PhaseName::WaningGibbous));
    }
}
