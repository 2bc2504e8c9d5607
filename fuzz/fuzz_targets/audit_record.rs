//! Audit log entries as clients and `pli audit verify` read them from a server: any bytes
//! either fail to decode or are the one encoding of what they decode to, so an entry's leaf
//! hash names exactly one record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pli_audit::Record;

fuzz_target!(|data: &[u8]| {
    if let Ok((header, record)) = Record::decode(data) {
        assert_eq!(header.kind, record.kind());
        assert_eq!(header.time, record.time());
        let again = record
            .encode(header.index, &header.prev)
            .expect("a decoded record encodes");
        assert_eq!(again, data, "a record has one encoding");
    }
});
