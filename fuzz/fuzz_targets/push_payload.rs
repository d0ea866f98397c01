#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| clavepin_fuzz::push_payload(data));
