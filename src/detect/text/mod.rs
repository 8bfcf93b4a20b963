//! How detectors read the normalized text: its lines, headings and contact
//! blocks ([`layout`]), field labels ([`labels`]), and the values in it —
//! amounts ([`amount`]), dates ([`dates`]), personal names ([`names`]),
//! check digits ([`checksum`]) — and the compact re-encoding the one
//! dictionary pass runs on ([`compact`]). No detector logic here: these
//! answer "what is at this place in the text", detectors decide what it
//! means.

pub mod amount;
pub mod checksum;
pub mod compact;
pub mod dates;
pub mod labels;
pub mod layout;
pub mod names;
