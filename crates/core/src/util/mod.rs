//! Small pieces the pipeline shares: civil dates, bit sets and typed ids.

pub mod bits;
pub mod dates;
pub mod ids;
