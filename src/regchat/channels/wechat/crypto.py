"""The WeChat / WeCom callback cryptography, as pure functions.

Both platforms use the same scheme:

* a request signature: SHA-1 over the *sorted* concatenation of the token,
  the timestamp, the nonce and (for ``msg_signature``) the encrypted payload;
* AES-256-CBC with the key decoded from the 43-character ``EncodingAESKey``
  (base64 with the trailing ``=`` left off) and the IV = the key's first
  16 bytes;
* PKCS#7 padding over 32-byte blocks (not AES's 16);
* the plaintext framed as ``random(16) + len(msg) as 4 big-endian bytes + msg
  + receive id``, where the receive id is the Official Account's AppID or the
  WeCom CorpID and must match on the way in.

Signatures are compared in constant time. Every failure raises
``CallbackRejected`` (a ``RegchatError``); the webhook turns it into a plain
403 or 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from regchat.errors import ConfigError, RegchatError

BLOCK = 32
"""WeChat pads to 32-byte blocks."""


class CallbackRejected(RegchatError):
    """A callback request that must not be processed (forged, stale, replayed, malformed)."""

    def __init__(self, reason: str, status: int = 403):
        self.reason = reason
        self.status = status
        super().__init__(reason)


def signature(*parts: str) -> str:
    """SHA-1 hex digest of the sorted parts, concatenated: WeChat's request signature."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_matches(given: str | None, *parts: str) -> bool:
    """Whether ``given`` is the signature of ``parts``, compared in constant time."""
    if not given:
        return False
    return hmac.compare_digest(given.strip().lower().encode("ascii", "replace"), signature(*parts).encode("ascii"))


def decode_aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key from a 43-character EncodingAESKey."""
    if len(encoding_aes_key) != 43:
        raise ConfigError("The EncodingAESKey must be exactly 43 characters (as shown in the admin console).")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("The EncodingAESKey must use only the characters A-Z, a-z, 0-9, + and /.") from exc
    if len(key) != 32:
        raise ConfigError("The EncodingAESKey does not decode to a 32-byte AES key.")
    return key


def pkcs7_pad(data: bytes, block: int = BLOCK) -> bytes:
    n = block - len(data) % block
    return data + bytes([n]) * n


def pkcs7_unpad(data: bytes, block: int = BLOCK) -> bytes:
    if not data or len(data) % 16:
        raise CallbackRejected("ciphertext length is not a multiple of the AES block", 400)
    n = data[-1]
    if not 1 <= n <= block or n > len(data) or data[-n:] != bytes([n]) * n:
        raise CallbackRejected("bad padding", 400)
    return data[:-n]


@dataclass(frozen=True)
class MessageCrypto:
    """Encrypts and decrypts callback payloads for one account.

    ``receive_id`` is the Official Account's AppID, or the WeCom CorpID.
    """

    token: str
    encoding_aes_key: str
    receive_id: str

    def __post_init__(self) -> None:
        if not self.token:
            raise ConfigError("A token is required for encrypted callbacks.")
        if not self.receive_id:
            raise ConfigError("Encrypted callbacks need the AppID (Official Account) or the CorpID (WeCom).")
        object.__setattr__(self, "_key", decode_aes_key(self.encoding_aes_key))

    @property
    def key(self) -> bytes:
        return self._key  # type: ignore[attr-defined]

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    # -- payload -------------------------------------------------------------
    def encrypt(self, plaintext: str, *, random16: bytes | None = None) -> str:
        """Base64 ciphertext of ``plaintext`` framed with a random prefix and the receive id."""
        rand = os.urandom(16) if random16 is None else random16
        if len(rand) != 16:
            raise ValueError("random16 must be 16 bytes")
        body = plaintext.encode("utf-8")
        framed = rand + struct.pack(">I", len(body)) + body + self.receive_id.encode("utf-8")
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(pkcs7_pad(framed)) + enc.finalize()).decode("ascii")

    def decrypt(self, ciphertext_b64: str) -> str:
        """The plaintext inside a base64 ciphertext; checks padding, framing and the receive id."""
        try:
            raw = base64.b64decode(ciphertext_b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CallbackRejected("ciphertext is not base64", 400) from exc
        if not raw or len(raw) % 16:
            raise CallbackRejected("ciphertext length is not a multiple of the AES block", 400)
        dec = self._cipher().decryptor()
        framed = pkcs7_unpad(dec.update(raw) + dec.finalize())
        if len(framed) < 20:
            raise CallbackRejected("decrypted payload too short", 400)
        (length,) = struct.unpack(">I", framed[16:20])
        if 20 + length > len(framed):
            raise CallbackRejected("decrypted payload length out of range", 400)
        msg, rid = framed[20 : 20 + length], framed[20 + length :]
        if not hmac.compare_digest(rid, self.receive_id.encode("utf-8")):
            raise CallbackRejected("payload is for another AppID / CorpID")
        try:
            return msg.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CallbackRejected("decrypted payload is not UTF-8", 400) from exc

    # -- signatures ----------------------------------------------------------
    def msg_signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return signature(self.token, timestamp, nonce, encrypted)

    def verify_and_decrypt(self, msg_signature: str | None, timestamp: str, nonce: str, encrypted: str) -> str:
        """Check ``msg_signature`` over the encrypted payload, then decrypt it."""
        if not encrypted:
            raise CallbackRejected("no encrypted payload", 400)
        if not signature_matches(msg_signature, self.token, timestamp, nonce, encrypted):
            raise CallbackRejected("bad msg_signature")
        return self.decrypt(encrypted)

    def encrypted_reply(self, plaintext_xml: str, timestamp: str, nonce: str, *, random16: bytes | None = None) -> str:
        """The ``<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`` envelope of a passive reply."""
        encrypted = self.encrypt(plaintext_xml, random16=random16)
        sig = self.msg_signature(timestamp, nonce, encrypted)
        return (
            "<xml>\n"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>\n"
            f"<MsgSignature><![CDATA[{sig}]]></MsgSignature>\n"
            f"<TimeStamp>{timestamp}</TimeStamp>\n"
            f"<Nonce><![CDATA[{nonce}]]></Nonce>\n"
            "</xml>"
        )
