//! The sending policy's parser on arbitrary text (a hostile server serves it): no panic; a
//! policy it accepts decides for every kind and destination, and parses again to the same
//! decisions.
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use pli_dlp::{Destination, Kind, Labels, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(policy) = Policy::parse(text) else {
        return;
    };
    let again = Policy::parse(text).expect("a policy that parsed once parses again");
    assert_eq!(policy.version(), again.version());
    let every = [Destination::SameOrganisation, Destination::TrustZone, Destination::External];
    for kind in Kind::ALL.iter().copied().map(Some).chain([None]) {
        for destination in every {
            assert_eq!(policy.action(kind, destination), again.action(kind, destination));
        }
    }
    let labels = Labels {
        kinds: Kind::ALL.iter().map(|&kind| (kind, 1)).collect(),
        not_inspectable: 1,
    };
    let decision = policy.decide(&labels, &every.into_iter().collect::<BTreeSet<_>>());
    // Reasons name what called for more than allowing: none exactly when all is allowed.
    assert_eq!(decision.reasons.is_empty(), decision.action == pli_dlp::Action::Allow);
    let _ = policy.destination("chu", "police");
});
