//! The organisation's sending policy: for each kind of data and each kind of destination,
//! allow, warn, require a written justification, or block.
//!
//! A policy is a TOML file written by an admin (see `docs/DLP.md`):
//!
//! ```toml
//! version = 3
//! trust_zone = ["police-lyon"]
//!
//! [default]
//! external = "warn"
//!
//! [kinds.nir]
//! trust_zone = "justify"
//! external = "block"
//!
//! [not_inspectable]
//! external = "justify"
//! ```
//!
//! A destination missing from a kind's table takes the `[default]` table's action, and a
//! destination missing there is allowed; files that could not be inspected follow
//! `[not_inspectable]`, whose missing destinations warn, since such a file was not checked.
//! Unknown keys, kinds and actions are errors, so a typo never weakens a rule in silence.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;

use crate::Kind;

/// Largest policy file, in bytes.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;

/// What the policy says to do with a kind of data going to a kind of destination. Ordered
/// from the most lenient to the strictest: of several, the strictest applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Send without a word.
    Allow,
    /// Send, after telling the sender what was found.
    Warn,
    /// Send only with a written justification, which travels in the signed manifest.
    Justify,
    /// Do not send.
    Block,
}

impl Action {
    /// The stable name used in policy files, manifests and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Justify => "justify",
            Action::Block => "block",
        }
    }

    /// The action with this stable name.
    pub fn from_name(name: &str) -> Option<Action> {
        [Action::Allow, Action::Warn, Action::Justify, Action::Block]
            .into_iter()
            .find(|action| action.as_str() == name)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Where an envelope goes, as the policy sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Destination {
    /// An account or mailbox of the sender's own organisation.
    SameOrganisation,
    /// An organisation the policy lists in `trust_zone`.
    TrustZone,
    /// Anyone else: another organisation, or a recipient without an account.
    External,
}

impl Destination {
    /// The stable name used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Destination::SameOrganisation => "same_organisation",
            Destination::TrustZone => "trust_zone",
            Destination::External => "external",
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Why a policy file is refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Larger than [`MAX_POLICY_BYTES`].
    #[error("the policy is larger than {MAX_POLICY_BYTES} bytes")]
    TooLarge,
    /// Not TOML, or not the expected tables and keys.
    #[error("the policy is not valid: {0}")]
    Invalid(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyToml {
    version: u64,
    #[serde(default)]
    trust_zone: Vec<String>,
    #[serde(default)]
    default: RulesToml,
    #[serde(default)]
    kinds: BTreeMap<String, RulesToml>,
    #[serde(default)]
    not_inspectable: RulesToml,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesToml {
    same_organisation: Option<String>,
    trust_zone: Option<String>,
    external: Option<String>,
}

/// One action per destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rules {
    same_organisation: Action,
    trust_zone: Action,
    external: Action,
}

impl Rules {
    fn get(&self, destination: Destination) -> Action {
        match destination {
            Destination::SameOrganisation => self.same_organisation,
            Destination::TrustZone => self.trust_zone,
            Destination::External => self.external,
        }
    }

    fn from_toml(table: &RulesToml, fallback: Rules, at: &str) -> Result<Rules, PolicyError> {
        let action = |value: &Option<String>, fallback: Action, key: &str| match value {
            None => Ok(fallback),
            Some(name) => Action::from_name(name).ok_or_else(|| {
                PolicyError::Invalid(format!(
                    "{at}.{key} must be \"allow\", \"warn\", \"justify\" or \"block\", not {name:?}"
                ))
            }),
        };
        Ok(Rules {
            same_organisation: action(
                &table.same_organisation,
                fallback.same_organisation,
                "same_organisation",
            )?,
            trust_zone: action(&table.trust_zone, fallback.trust_zone, "trust_zone")?,
            external: action(&table.external, fallback.external, "external")?,
        })
    }
}

/// A parsed, checked sending policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    version: u64,
    trust_zone: BTreeSet<String>,
    default: Rules,
    kinds: BTreeMap<Kind, Rules>,
    not_inspectable: Rules,
}

impl Policy {
    /// Parses and checks a policy file.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::TooLarge);
        }
        let parsed: PolicyToml = toml::from_str(text)
            .map_err(|error| PolicyError::Invalid(error.message().to_owned()))?;
        if parsed.version == 0 {
            return Err(PolicyError::Invalid(
                "version must be 1 or more, and grow with every change".into(),
            ));
        }
        let mut trust_zone = BTreeSet::new();
        for org in parsed.trust_zone {
            let org = org.trim().to_lowercase();
            if org.is_empty() || org.len() > 64 || org.chars().any(char::is_control) {
                return Err(PolicyError::Invalid(
                    "trust_zone must list organisation names (1 to 64 characters)".into(),
                ));
            }
            trust_zone.insert(org);
        }
        let allow_all = Rules {
            same_organisation: Action::Allow,
            trust_zone: Action::Allow,
            external: Action::Allow,
        };
        let default = Rules::from_toml(&parsed.default, allow_all, "default")?;
        let mut kinds = BTreeMap::new();
        for (name, table) in &parsed.kinds {
            let kind = Kind::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Kind::ALL.iter().map(|kind| kind.as_str()).collect();
                PolicyError::Invalid(format!(
                    "unknown kind {name:?} in [kinds]; known kinds: {}",
                    known.join(", ")
                ))
            })?;
            kinds.insert(
                kind,
                Rules::from_toml(table, default, &format!("kinds.{name}"))?,
            );
        }
        let warn_all = Rules {
            same_organisation: Action::Warn,
            trust_zone: Action::Warn,
            external: Action::Warn,
        };
        let not_inspectable =
            Rules::from_toml(&parsed.not_inspectable, warn_all, "not_inspectable")?;
        Ok(Policy {
            version: parsed.version,
            trust_zone,
            default,
            kinds,
            not_inspectable,
        })
    }

    /// The policy's version: it grows with every change, so clients can refuse an older one.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Where a recipient of organisation `to_org` stands for a sender of `own_org`.
    pub fn destination(&self, own_org: &str, to_org: &str) -> Destination {
        if own_org.eq_ignore_ascii_case(to_org) {
            Destination::SameOrganisation
        } else if self.trust_zone.contains(&to_org.to_lowercase()) {
            Destination::TrustZone
        } else {
            Destination::External
        }
    }

    /// The action for one kind of data (`None`: a file that could not be inspected).
    pub fn action(&self, kind: Option<Kind>, destination: Destination) -> Action {
        match kind {
            None => self.not_inspectable.get(destination),
            Some(kind) => self
                .kinds
                .get(&kind)
                .unwrap_or(&self.default)
                .get(destination),
        }
    }

    /// Applies the policy to what was found in an envelope's files, for all its destinations:
    /// the strictest action, and every (data, destination) pair that called for more than
    /// allowing, so the sender is told why.
    pub fn decide(&self, labels: &Labels, destinations: &BTreeSet<Destination>) -> Decision {
        let mut reasons = Vec::new();
        let mut subjects: Vec<Option<Kind>> = labels.kinds.keys().copied().map(Some).collect();
        if labels.not_inspectable > 0 {
            subjects.push(None);
        }
        for destination in destinations {
            for subject in &subjects {
                let action = self.action(*subject, *destination);
                if action > Action::Allow {
                    reasons.push(Reason {
                        kind: *subject,
                        destination: *destination,
                        action,
                    });
                }
            }
        }
        let action = reasons
            .iter()
            .map(|reason| reason.action)
            .max()
            .unwrap_or(Action::Allow);
        Decision { action, reasons }
    }
}

/// What was found in an envelope's files: kinds and counts, never values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    /// How many findings of each kind, over all files.
    pub kinds: BTreeMap<Kind, u64>,
    /// How many files could not be inspected.
    pub not_inspectable: u64,
}

impl Labels {
    /// Counts `findings` in.
    pub fn add_findings<'a>(&mut self, findings: impl IntoIterator<Item = &'a crate::Finding>) {
        for finding in findings {
            *self.kinds.entry(finding.kind).or_default() += 1;
        }
    }
}

/// The outcome of [`Policy::decide`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The strictest action called for.
    pub action: Action,
    /// Each kind of data (or `None` for files not inspected) and destination that called for
    /// more than allowing.
    pub reasons: Vec<Reason>,
}

/// One rule that fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The kind of data, or `None` for files that could not be inspected.
    pub kind: Option<Kind>,
    pub destination: Destination,
    pub action: Action,
}

impl fmt::Display for Reason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = self.kind.map_or("not inspectable", Kind::as_str);
        write!(formatter, "{what} to {}: {}", self.destination, self.action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
version = 3
trust_zone = ["Police-Lyon"]

[default]
external = "warn"

[kinds.nir]
trust_zone = "justify"
external = "block"

[kinds.health]
same_organisation = "warn"

[not_inspectable]
external = "justify"
"#;

    fn labels(kinds: &[(Kind, u64)], not_inspectable: u64) -> Labels {
        Labels {
            kinds: kinds.iter().copied().collect(),
            not_inspectable,
        }
    }

    fn to(destinations: &[Destination]) -> BTreeSet<Destination> {
        destinations.iter().copied().collect()
    }

    #[test]
    fn missing_destinations_inherit_the_default_table() {
        let policy = Policy::parse(EXAMPLE).unwrap();
        assert_eq!(policy.version(), 3);
        use Destination::*;
        assert_eq!(
            policy.action(Some(Kind::Nir), SameOrganisation),
            Action::Allow
        );
        assert_eq!(policy.action(Some(Kind::Nir), TrustZone), Action::Justify);
        assert_eq!(policy.action(Some(Kind::Nir), External), Action::Block);
        // health: same_organisation set, external from [default].
        assert_eq!(
            policy.action(Some(Kind::Health), SameOrganisation),
            Action::Warn
        );
        assert_eq!(policy.action(Some(Kind::Health), External), Action::Warn);
        assert_eq!(policy.action(Some(Kind::Iban), TrustZone), Action::Allow);
        assert_eq!(policy.action(None, External), Action::Justify);
        // An unset not_inspectable destination warns: the file was not checked.
        assert_eq!(policy.action(None, SameOrganisation), Action::Warn);
    }

    #[test]
    fn destinations_come_from_the_organisations() {
        let policy = Policy::parse(EXAMPLE).unwrap();
        assert_eq!(
            policy.destination("hospital", "Hospital"),
            Destination::SameOrganisation
        );
        assert_eq!(
            policy.destination("hospital", "police-lyon"),
            Destination::TrustZone
        );
        assert_eq!(
            policy.destination("hospital", "bank"),
            Destination::External
        );
    }

    #[test]
    fn the_strictest_rule_wins_and_every_reason_is_given() {
        let policy = Policy::parse(EXAMPLE).unwrap();
        let found = labels(&[(Kind::Nir, 2), (Kind::Email, 1)], 0);
        let decision = policy.decide(&found, &to(&[Destination::SameOrganisation]));
        assert_eq!(decision.action, Action::Allow);
        assert!(decision.reasons.is_empty());

        let decision = policy.decide(
            &found,
            &to(&[Destination::SameOrganisation, Destination::TrustZone]),
        );
        assert_eq!(decision.action, Action::Justify);
        assert_eq!(decision.reasons.len(), 1);
        assert_eq!(
            decision.reasons[0].to_string(),
            "nir to trust_zone: justify"
        );

        let decision = policy.decide(&found, &to(&[Destination::External]));
        assert_eq!(decision.action, Action::Block);
        let shown: Vec<String> = decision.reasons.iter().map(Reason::to_string).collect();
        assert_eq!(shown, ["nir to external: block", "email to external: warn"]);

        let decision = policy.decide(&labels(&[], 1), &to(&[Destination::External]));
        assert_eq!(decision.action, Action::Justify);
        assert_eq!(
            decision.reasons[0].to_string(),
            "not inspectable to external: justify"
        );
        let nothing = policy.decide(&Labels::default(), &to(&[Destination::External]));
        assert_eq!(nothing.action, Action::Allow);
    }

    #[test]
    fn mistakes_are_refused_with_what_is_wrong() {
        let refused = |text: &str| Policy::parse(text).unwrap_err().to_string();
        assert!(refused("version = 1\n[kinds.nirr]\nexternal = \"block\"\n").contains("nirr"));
        assert!(
            refused("version = 1\n[default]\nexternal = \"deny\"\n")
                .contains("default.external must be")
        );
        assert!(refused("version = 1\n[default]\nexternel = \"block\"\n").contains("externel"));
        assert!(refused("trust_zone = []\n").contains("version"));
        assert!(refused("version = 0\n").contains("version must be 1 or more"));
        assert!(refused("version = -1\n").contains("not valid"));
        assert!(refused("version = 1\ntrust_zone = [\"\"]\n").contains("trust_zone"));
        assert!(refused("version = \"1\"").contains("not valid"));
        assert!(refused("[[[").contains("not valid"));
        assert!(matches!(
            Policy::parse(&"#".repeat(MAX_POLICY_BYTES + 1)),
            Err(PolicyError::TooLarge)
        ));
    }

    #[test]
    fn action_names_round_trip_and_order_by_strictness() {
        for action in [Action::Allow, Action::Warn, Action::Justify, Action::Block] {
            assert_eq!(Action::from_name(action.as_str()), Some(action));
        }
        assert!(Action::Allow < Action::Warn);
        assert!(Action::Warn < Action::Justify);
        assert!(Action::Justify < Action::Block);
    }
}
