//! Whole numbers as JSON writes them: `7`, and also `7.0`, which is the
//! same JSON number (and a JSON Schema `integer`). serde's integers refuse
//! the second; these read both, and refuse a fraction or a value out of
//! range with serde's own words (`expected u32`), so messages stay
//! translatable.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Unexpected, Visitor};

macro_rules! whole {
    ($name:ident, $t:ty, $what:literal) => {
        #[doc = concat!("A `", $what, "` written with or without a zero fraction.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name(pub $t);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        <$t>::try_from(v)
                            .map($name)
                            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        <$t>::try_from(v)
                            .map($name)
                            .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        let whole =
                            v.fract() == 0.0 && v >= <$t>::MIN as f64 && v <= <$t>::MAX as f64;
                        match whole {
                            true => Ok($name(v as $t)),
                            false => Err(E::invalid_type(Unexpected::Float(v), &self)),
                        }
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

whole!(WholeU8, u8, "u8");
whole!(WholeU32, u32, "u32");
whole!(WholeI64, i64, "i64");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_fraction_is_the_whole_number_and_anything_else_is_refused() {
        let u = |s: &str| serde_json::from_str::<WholeU32>(s).map(|w| w.0);
        assert_eq!(u("420").ok(), Some(420));
        assert_eq!(u("420.0").ok(), Some(420));
        for bad in ["420.5", "-1", "4294967296", "\"7\"", "null"] {
            let e = u(bad).expect_err(bad);
            assert!(e.to_string().contains("expected u32"), "{bad}: {e}");
        }
        assert_eq!(
            serde_json::from_str::<WholeI64>("-40001.0").ok(),
            Some(WholeI64(-40001))
        );
        assert!(serde_json::from_str::<WholeU8>("256").is_err());
    }
}
