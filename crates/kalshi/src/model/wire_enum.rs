//! The `wire_enum!` macro: closed string vocabularies (statuses, sides, ...) with strict serde.
//!
//! Every enum made here serialises to its exact wire string and rejects any other string
//! with serde's "unknown variant `x`, expected one of ..." message, so a vocabulary change
//! at Kalshi is a loud decode error naming the field rather than a silent misreading.

/// Defines a `Copy` enum whose variants map one-to-one to wire strings.
///
/// Generates `ALL`, `as_str`, `from_wire`, `Display`, `Serialize` and a strict
/// `Deserialize` (which also accepts the string from a URL query via `visit_str`).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The exact string Kalshi uses on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            /// Reads a wire string; `None` for anything outside the vocabulary.
            pub fn from_wire(text: &str) -> Option<Self> {
                match text {
                    $($wire => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct WireVisitor;
                impl ::serde::de::Visitor<'_> for WireVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::from_wire(v).ok_or_else(|| E::unknown_variant(v, &[$($wire),+]))
                    }
                }
                d.deserialize_str(WireVisitor)
            }
        }
    };
}

pub(crate) use wire_enum;

#[cfg(test)]
mod tests {
    wire_enum! {
        /// Test vocabulary.
        pub enum Colour {
            /// Red.
            Red => "red",
            /// Empty string is a legal wire value too.
            Unset => "",
        }
    }

    #[test]
    fn round_trips_every_value_and_rejects_others() {
        for c in Colour::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<Colour>(&json).unwrap(), *c);
        }
        let err = serde_json::from_str::<Colour>("\"blue\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown variant `blue`, expected `red` or ``"),
            "unknown values are errors listing the vocabulary: {err}"
        );
        assert!(
            serde_json::from_str::<Colour>("1").is_err(),
            "numbers are not strings"
        );
    }
}
