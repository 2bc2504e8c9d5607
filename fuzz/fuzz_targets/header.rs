//! The age header parser alone, on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pli_envelope::age_file::read_stanzas(&mut &data[..]);
});
