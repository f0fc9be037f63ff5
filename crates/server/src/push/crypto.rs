//! WeChat's message encryption, as WeChat publishes it for its message push
//! (消息加解密): `msg_signature` is the SHA-1 of the token, timestamp, nonce
//! and ciphertext sorted and joined; the key is the 43-character
//! EncodingAESKey with `=` appended, base64-decoded to 32 bytes; the cipher
//! is AES-256-CBC with the key's first 16 bytes as IV and PKCS#7 padding to
//! 32-byte blocks; the plaintext is 16 random bytes, the message's length
//! (4 bytes, big-endian), the message, and the appid it is for.

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::NoPadding};
use base64::Engine;
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use sha1::{Digest, Sha1};

type Decryptor = cbc::Decryptor<aes::Aes256>;
type Encryptor = cbc::Encryptor<aes::Aes256>;

/// What can be wrong with a push, said without its secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The EncodingAESKey is not 43 characters of base64.
    Key,
    /// `msg_signature` does not match.
    Signature,
    /// The ciphertext does not decrypt to WeChat's layout.
    Cipher,
    /// The message is for another appid.
    Appid,
}

/// The 32-byte key an EncodingAESKey stands for.
pub fn key_of(encoding_aes_key: &str) -> Result<[u8; 32], Fault> {
    if encoding_aes_key.len() != 43 {
        return Err(Fault::Key);
    }
    // WeChat's keys end in bits base64 would leave zero: read them as its
    // own implementations do.
    let lenient = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let bytes = lenient
        .decode(format!("{encoding_aes_key}="))
        .map_err(|_| Fault::Key)?;
    bytes.try_into().map_err(|_| Fault::Key)
}

/// WeChat's `msg_signature` of a ciphertext.
pub fn signature(token: &str, timestamp: &str, nonce: &str, encrypted: &str) -> String {
    let mut parts = [token, timestamp, nonce, encrypted];
    parts.sort_unstable();
    livegate_store::hex(&Sha1::digest(parts.concat().as_bytes()))
}

/// Whether `given` is the signature, compared in constant time.
pub fn signed(token: &str, timestamp: &str, nonce: &str, encrypted: &str, given: &str) -> bool {
    let want = signature(token, timestamp, nonce, encrypted);
    want.len() == given.len()
        && want
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b.to_ascii_lowercase()))
            == 0
}

/// The message in a ciphertext, if it is for `appid`.
pub fn decrypt(key: &[u8; 32], encrypted: &str, appid: &str) -> Result<String, Fault> {
    let mut buf = STANDARD
        .decode(encrypted.trim())
        .map_err(|_| Fault::Cipher)?;
    if buf.is_empty() || buf.len() % 16 != 0 {
        return Err(Fault::Cipher);
    }
    let plain = Decryptor::new(key.into(), key[..16].into())
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .map_err(|_| Fault::Cipher)?;
    let pad = usize::from(*plain.last().ok_or(Fault::Cipher)?);
    if !(1..=32).contains(&pad) || pad > plain.len() {
        return Err(Fault::Cipher);
    }
    let body = plain.get(16..plain.len() - pad).ok_or(Fault::Cipher)?;
    let len = body.get(..4).ok_or(Fault::Cipher)?;
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let msg = body.get(4..4 + len).ok_or(Fault::Cipher)?;
    let for_appid = body.get(4 + len..).ok_or(Fault::Cipher)?;
    if for_appid != appid.as_bytes() {
        return Err(Fault::Appid);
    }
    String::from_utf8(msg.to_vec()).map_err(|_| Fault::Cipher)
}

/// A message encrypted as WeChat does, with `random` as its first 16
/// bytes: what a test sends, and what a reply to WeChat would carry.
pub fn encrypt(key: &[u8; 32], msg: &str, appid: &str, random: [u8; 16]) -> String {
    let mut plain = random.to_vec();
    plain.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    plain.extend_from_slice(msg.as_bytes());
    plain.extend_from_slice(appid.as_bytes());
    let pad = 32 - plain.len() % 32;
    plain.extend(std::iter::repeat_n(pad as u8, pad));
    let len = plain.len();
    let out = Encryptor::new(key.into(), key[..16].into())
        .encrypt_padded_mut::<NoPadding>(&mut plain, len)
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    STANDARD.encode(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made with wechatpy 1.8.18 (PyPI), an independent implementation:
    // WeChatCrypto(TOKEN, KEY, APPID).encrypt_message(MSG, NONCE, TIMESTAMP).
    const TOKEN: &str = "livegatetoken";
    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const APPID: &str = "wxcomponent00000001";
    const SEALED: &str = "FbEFG56afmXwwQh8r/OX4N9q/ujLfWcYGJnoygO6kj6czkkpT8sNSH8sB9HKRAz4zF1zKboupObDv5riEZiJxlT/sWm6Qy5Yzxn0XH8IqjVhnpZjyb8FCp68zozVhnjk0KmFEGhMUoeRzT3B0yYaIfkJpihQzjyoS6pVgtkMumyav2N03bh/e+GVIrGhReTsKqvbBzog1Z5WltWkzDgRgWlY3rzY8W12PGUJFTp+AhfJnSGDFy2FF+W0/xXQ0X9MoTJsxEkovLtA9SO11vNTcLnVxKwRppR/zqaqAGYBAgXzcMi/oxT2P11wBOK2OdF3+W2sq0HhWcDhM4f3+u3nWQ==";
    const SIGNATURE: &str = "6482f399e7117d8d465cbfe00765527c121bca4a";

    #[test]
    fn a_message_sealed_by_an_independent_implementation_opens() {
        assert!(signed(TOKEN, "1700000000", "nonce1", SEALED, SIGNATURE));
        let key = key_of(KEY).expect("key");
        let msg = decrypt(&key, SEALED, APPID).expect("decrypts");
        assert!(
            msg.starts_with("<xml><ToUserName><![CDATA[gh_fb9688c2a4b2]]>"),
            "{msg}"
        );
        assert!(msg.contains("weapp_audit_success"));
    }

    #[test]
    fn a_message_round_trips_and_only_for_its_appid() {
        let key = key_of(KEY).expect("key");
        let sealed = encrypt(&key, "<xml>你好</xml>", APPID, [7; 16]);
        assert_eq!(
            decrypt(&key, &sealed, APPID).as_deref(),
            Ok("<xml>你好</xml>")
        );
        assert_eq!(decrypt(&key, &sealed, "wxother"), Err(Fault::Appid));
        let mut bad = sealed.into_bytes();
        bad[10] = if bad[10] == b'A' { b'B' } else { b'A' };
        assert!(decrypt(&key, &String::from_utf8(bad).unwrap_or_default(), APPID).is_err());
    }

    #[test]
    fn the_signature_is_sha1_of_the_sorted_parts() {
        let s = signature(TOKEN, "1700000000", "nonce1", "CIPHER");
        assert!(signed(TOKEN, "1700000000", "nonce1", "CIPHER", &s));
        assert!(!signed(TOKEN, "1700000001", "nonce1", "CIPHER", &s));
        assert!(!signed(TOKEN, "1700000000", "nonce1", "CIPHER", "00"));
    }

    #[test]
    fn a_key_is_43_characters_of_base64() {
        assert!(key_of(KEY).is_ok());
        assert_eq!(key_of("short"), Err(Fault::Key));
        assert_eq!(key_of(&"!".repeat(43)), Err(Fault::Key));
    }
}
