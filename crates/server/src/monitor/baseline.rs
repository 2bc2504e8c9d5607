//! What the monitor learns of an account (or organisation) from its own history: decaying
//! peaks of each window, the hours it works, the addresses it comes from. Saved in the store
//! as versioned bytes (the store does not interpret them), so it survives restarts.

use pli_store::Timestamp;

use super::rules::{Limits, NEW_ADDRESS_SECS, Numbers};

/// A peak a day old counts for this much of itself: the half-life is about three weeks, so a
/// monthly burst (closing the accounts, a Monday backlog) is remembered from one to the next.
const PEAK_DECAY_PER_DAY: f64 = 0.97;
/// The hour profile forgets faster: a change of shift is learned in about a week.
const HOURS_DECAY_PER_DAY: f64 = 0.9;
/// An hour (or its neighbours) holding less than this share of the activity is unusual.
const USUAL_HOUR_SHARE: f64 = 0.02;
/// Addresses remembered per account.
const MAX_ADDRESSES: usize = 16;
const VERSION: u8 = 1;

/// The largest counts seen in each window, decayed day by day.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Peaks {
    pub downloads_10m: f64,
    pub downloads_1h: f64,
    pub downloads_24h: f64,
    pub listings_10m: f64,
    pub mailboxes_1h: f64,
    pub senders_1h: f64,
}

impl Peaks {
    fn fields(&mut self) -> [&mut f64; 6] {
        [
            &mut self.downloads_10m,
            &mut self.downloads_1h,
            &mut self.downloads_24h,
            &mut self.listings_10m,
            &mut self.mailboxes_1h,
            &mut self.senders_1h,
        ]
    }

    fn raise(&mut self, numbers: &Numbers) {
        let seen = [
            numbers.downloads_10m,
            numbers.downloads_1h,
            numbers.downloads_24h,
            numbers.listings_10m,
            numbers.mailboxes_1h,
            numbers.senders_1h,
        ];
        for (field, seen) in self.fields().into_iter().zip(seen) {
            *field = field.max(f64::from(seen));
        }
    }
}

/// The current day's maxima, folded into the peaks when the day ends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Today {
    pub peaks: Peaks,
    pub hours: [u32; 24],
    pub active: bool,
    /// An episode of the day reached a step-up or a block: the day teaches nothing.
    pub tainted: bool,
}

/// An address the account came from: a hash of it, and when it was first and last seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownAddress {
    pub hash: u64,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
}

/// An account's (or organisation's) learned behaviour.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Baseline {
    /// The day (Unix days, UTC) that `today` describes; 0 before anything was seen.
    pub day: i64,
    pub active_days: u32,
    pub peak: Peaks,
    /// Decayed count of requests per hour of the day (UTC).
    pub hours: [f64; 24],
    pub addresses: Vec<KnownAddress>,
    pub today: Today,
}

/// Saved bytes that are not a baseline this version reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unreadable monitor baseline")]
pub struct BadBaseline;

impl Baseline {
    /// Folds the days that ended before `at` into the peaks and the hour profile.
    pub fn roll(&mut self, at: Timestamp, _limits: &Limits) {
        let day = at.div_euclid(86_400);
        if self.day == 0 {
            self.day = day;
            return;
        }
        if day <= self.day {
            return;
        }
        // The day that ended is folded in, then the days without activity decay it.
        let idle = i32::try_from(day - self.day - 1).unwrap_or(i32::MAX);
        let today = std::mem::take(&mut self.today);
        let mut learned = today.peaks;
        for (peak, today) in self.peak.fields().into_iter().zip(learned.fields()) {
            *peak = (*peak * PEAK_DECAY_PER_DAY).max(*today) * PEAK_DECAY_PER_DAY.powi(idle);
        }
        for (hour, today) in self.hours.iter_mut().zip(today.hours) {
            *hour =
                (*hour * HOURS_DECAY_PER_DAY + f64::from(today)) * HOURS_DECAY_PER_DAY.powi(idle);
        }
        if today.active {
            self.active_days = self.active_days.saturating_add(1);
        }
        self.day = day;
    }

    /// Forgets what the day taught (peaks, hours, addresses first seen lately) and learns
    /// nothing more until the day ends: a thief must not train the limits up.
    pub fn taint(&mut self, at: Timestamp) {
        self.today.peaks = Peaks::default();
        self.today.hours = [0; 24];
        self.today.tainted = true;
        self.addresses
            .retain(|known| at - known.first_seen >= NEW_ADDRESS_SECS);
    }

    /// Records one request that went ahead, with the window counts that include it.
    pub fn note(&mut self, at: Timestamp, address: Option<u64>, numbers: &Numbers, download: bool) {
        if self.today.tainted {
            return;
        }
        self.today.peaks.raise(numbers);
        let hour = hour_of_day(at);
        self.today.hours[hour] = self.today.hours[hour].saturating_add(1);
        self.today.active |= download;
        let Some(hash) = address else {
            return;
        };
        if let Some(known) = self.addresses.iter_mut().find(|known| known.hash == hash) {
            known.last_seen = at;
            return;
        }
        if self.addresses.len() >= MAX_ADDRESSES
            && let Some(oldest) = self
                .addresses
                .iter()
                .enumerate()
                .min_by_key(|(_, known)| known.last_seen)
                .map(|(index, _)| index)
        {
            self.addresses.swap_remove(oldest);
        }
        self.addresses.push(KnownAddress {
            hash,
            first_seen: at,
            last_seen: at,
        });
    }

    /// Whether the account has enough history for its hours and addresses to mean something.
    pub fn has_history(&self, limits: &Limits) -> bool {
        self.active_days >= limits.learning_days
    }

    /// Whether `hash` is an address the account has used for a day or more.
    pub fn address_known(&self, hash: u64, at: Timestamp) -> bool {
        self.addresses
            .iter()
            .any(|known| known.hash == hash && at - known.first_seen >= NEW_ADDRESS_SECS)
    }

    /// Whether `at` falls outside the hours the account usually works (never before it has a
    /// history). An hour next to a usual one is usual too: shifts start a little early.
    pub fn off_hours(&self, at: Timestamp, limits: &Limits) -> bool {
        if !self.has_history(limits) {
            return false;
        }
        let total: f64 = self.hours.iter().sum();
        if total <= 0.0 {
            return false;
        }
        let hour = hour_of_day(at);
        let near = [(hour + 23) % 24, hour, (hour + 1) % 24];
        near.iter()
            .all(|&near| self.hours[near] < USUAL_HOUR_SHARE * total)
    }

    /// The saved form.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(1 + 8 + 4 + 6 * 8 + 24 * 8 + 6 * 8 + 24 * 4 + 1 + 2);
        bytes.push(VERSION);
        bytes.extend_from_slice(&self.day.to_le_bytes());
        bytes.extend_from_slice(&self.active_days.to_le_bytes());
        let mut peak = self.peak;
        for field in peak.fields() {
            bytes.extend_from_slice(&field.to_le_bytes());
        }
        for hour in self.hours {
            bytes.extend_from_slice(&hour.to_le_bytes());
        }
        let mut today = self.today.peaks;
        for field in today.fields() {
            bytes.extend_from_slice(&field.to_le_bytes());
        }
        for hour in self.today.hours {
            bytes.extend_from_slice(&hour.to_le_bytes());
        }
        bytes.push(u8::from(self.today.active) | (u8::from(self.today.tainted) << 1));
        bytes.push(self.addresses.len().min(MAX_ADDRESSES) as u8);
        for known in self.addresses.iter().take(MAX_ADDRESSES) {
            bytes.extend_from_slice(&known.hash.to_le_bytes());
            bytes.extend_from_slice(&known.first_seen.to_le_bytes());
            bytes.extend_from_slice(&known.last_seen.to_le_bytes());
        }
        bytes
    }

    /// Reads the saved form; anything else is refused whole.
    pub fn decode(bytes: &[u8]) -> Result<Baseline, BadBaseline> {
        let mut reader = Reader(bytes);
        if reader.take::<1>()? != [VERSION] {
            return Err(BadBaseline);
        }
        let mut baseline = Baseline {
            day: i64::from_le_bytes(reader.take()?),
            active_days: u32::from_le_bytes(reader.take()?),
            ..Baseline::default()
        };
        for field in baseline.peak.fields() {
            *field = reader.float()?;
        }
        for hour in &mut baseline.hours {
            *hour = reader.float()?;
        }
        for field in baseline.today.peaks.fields() {
            *field = reader.float()?;
        }
        for hour in &mut baseline.today.hours {
            *hour = u32::from_le_bytes(reader.take()?);
        }
        let [flags] = reader.take::<1>()?;
        if flags > 3 {
            return Err(BadBaseline);
        }
        baseline.today.active = flags & 1 == 1;
        baseline.today.tainted = flags & 2 == 2;
        let [n_addresses] = reader.take::<1>()?;
        if usize::from(n_addresses) > MAX_ADDRESSES {
            return Err(BadBaseline);
        }
        for _ in 0..n_addresses {
            baseline.addresses.push(KnownAddress {
                hash: u64::from_le_bytes(reader.take()?),
                first_seen: i64::from_le_bytes(reader.take()?),
                last_seen: i64::from_le_bytes(reader.take()?),
            });
        }
        if !reader.0.is_empty() {
            return Err(BadBaseline);
        }
        Ok(baseline)
    }
}

fn hour_of_day(at: Timestamp) -> usize {
    (at.rem_euclid(86_400) / 3_600) as usize
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], BadBaseline> {
        let (head, rest) = self.0.split_first_chunk::<N>().ok_or(BadBaseline)?;
        self.0 = rest;
        Ok(*head)
    }

    /// A finite, non-negative count.
    fn float(&mut self) -> Result<f64, BadBaseline> {
        let value = f64::from_le_bytes(self.take()?);
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(BadBaseline)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_round_trip_and_bad_bytes_are_refused() {
        let mut baseline = Baseline::default();
        let limits = Limits::default();
        let numbers = Numbers {
            downloads_10m: 7,
            downloads_1h: 12,
            ..Numbers::default()
        };
        baseline.roll(1_750_000_000, &limits);
        baseline.note(1_750_000_000, Some(42), &numbers, true);
        baseline.roll(1_750_000_000 + 86_400, &limits);
        baseline.note(1_750_000_000 + 86_400, Some(43), &numbers, true);
        let bytes = baseline.encode();
        assert_eq!(Baseline::decode(&bytes), Ok(baseline.clone()));
        assert_eq!(baseline.peak.downloads_10m, 7.0);
        assert_eq!(baseline.active_days, 1);
        assert_eq!(
            Baseline::decode(&bytes[..bytes.len() - 1]),
            Err(BadBaseline)
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Baseline::decode(&longer), Err(BadBaseline));
        let mut version = bytes.clone();
        version[0] = 9;
        assert_eq!(Baseline::decode(&version), Err(BadBaseline));
        let mut negative = bytes;
        negative[13..21].copy_from_slice(&(-1.0f64).to_le_bytes());
        assert_eq!(Baseline::decode(&negative), Err(BadBaseline));
        assert_eq!(Baseline::decode(&[]), Err(BadBaseline));
    }

    #[test]
    fn peaks_decay_and_addresses_age() {
        let limits = Limits::default();
        let mut baseline = Baseline::default();
        let day0 = 1_750_032_000;
        baseline.roll(day0, &limits);
        let numbers = Numbers {
            downloads_24h: 100,
            ..Numbers::default()
        };
        baseline.note(day0, Some(1), &numbers, true);
        assert!(!baseline.address_known(1, day0 + 3_600), "new for a day");
        assert!(baseline.address_known(1, day0 + 86_400));
        baseline.roll(day0 + 10 * 86_400, &limits);
        let expected = 100.0 * PEAK_DECAY_PER_DAY.powi(9);
        assert!((baseline.peak.downloads_24h - expected).abs() < 1e-9);
    }
}
