"""The callback cryptography, checked against wechatpy 1.8.18 (a source we did not write):
its published vectors, and round trips in both directions."""

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto as WechatpyAppCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WechatpyCorpCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature as wechatpy_check_signature

from regchat.channels.wechat.crypto import (
    CallbackRejected, MessageCrypto, decode_aes_key, pkcs7_pad, pkcs7_unpad, signature, signature_matches,
)
from regchat.channels.wechat.messages import parse_xml
from regchat.errors import ConfigError

# wechatpy's WeCom test vectors (tests/test_crypto.py)
TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
CORP_ID = "wx49f0ab532d5d035a"
ECHO = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
ENCRYPTED_MESSAGE = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzx"
    "h6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQq"
    "Gp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS70"
    "9/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
ENCRYPTED_REPLY = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5"
    "nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03"
    "oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxx"
    "EE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
)
APP_ID = "wx2c2769f8efd9abc2"
APP_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


class TestSignature:
    def test_known_answer_from_wechatpy(self):
        assert signature("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
        wechatpy_check_signature("test", signature("test", "1410685589", "test"), "1410685589", "test")

    def test_order_of_parts_does_not_matter(self):
        assert signature("b", "a", "c") == signature("c", "b", "a")

    def test_matching_is_exact(self):
        good = signature("test", "1410685589", "test")
        assert signature_matches(good, "test", "1410685589", "test")
        assert signature_matches(good.upper(), "test", "1410685589", "test")
        assert not signature_matches(good[:-1] + "0", "test", "1410685589", "test")
        assert not signature_matches("", "test", "1410685589", "test")
        assert not signature_matches(None, "test", "1410685589", "test")
        assert not signature_matches("签名", "test", "1410685589", "test")

    def test_wecom_msg_signature_vector(self):
        crypto = MessageCrypto(TOKEN, AES_KEY, CORP_ID)
        assert crypto.msg_signature("1411443780", "437374425", ECHO) == "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
        assert crypto.msg_signature("1411525903", "461056294", ENCRYPTED_MESSAGE) == (
            "74d92dfeb87ba7c714f89d98870ae5eb62dff26d")


class TestWeComVectors:
    crypto = MessageCrypto(TOKEN, AES_KEY, CORP_ID)

    def test_url_verification_echostr_decrypts_like_wechatpy(self):
        ours = self.crypto.verify_and_decrypt("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780",
                                              "437374425", ECHO)
        theirs = WechatpyCorpCrypto(TOKEN, AES_KEY, CORP_ID).check_signature(
            "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425", ECHO)
        assert ours == theirs and ours

    def test_wrong_nonce_is_refused_like_wechatpy(self):
        with pytest.raises(CallbackRejected) as refused:
            self.crypto.verify_and_decrypt("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780",
                                           "437374424", ECHO)
        assert refused.value.status == 403
        with pytest.raises(InvalidSignatureException):
            WechatpyCorpCrypto(TOKEN, AES_KEY, CORP_ID).check_signature(
                "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374424", ECHO)

    def test_encrypted_message_vector(self):
        plain = self.crypto.verify_and_decrypt("74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903",
                                               "461056294", ENCRYPTED_MESSAGE)
        fields = parse_xml(plain)
        assert fields["Content"] == "test" and fields["FromUserName"] == "messense"

    def test_encrypted_reply_vector_with_wechatpys_fixed_random(self):
        envelope = self.crypto.encrypted_reply(REPLY, "1411525903", "461056294", random16=b"1234567890123456")
        fields = parse_xml(envelope)
        assert fields["Encrypt"] == ENCRYPTED_REPLY
        assert fields["MsgSignature"] == "407518b7649e86ef23978113f92d27afa9296533"
        assert fields["TimeStamp"] == "1411525903" and fields["Nonce"] == "461056294"

    def test_other_corp_id_is_refused(self):
        with pytest.raises(CallbackRejected, match="another"):
            MessageCrypto(TOKEN, AES_KEY, "wwsomeoneelse").decrypt(ENCRYPTED_MESSAGE)


class TestRoundTrips:
    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)

    @settings(max_examples=40, deadline=None)
    @given(text)
    def test_ours_to_wechatpy_official_account(self, content):
        ours = MessageCrypto("tok", APP_KEY, APP_ID)
        xml = ours.encrypted_reply(f"<xml><Content>{content}</Content></xml>", "1410685589", "nonce")
        fields = parse_xml(xml)
        theirs = WechatpyAppCrypto("tok", APP_KEY, APP_ID)
        decrypted = theirs.decrypt_message(xml, fields["MsgSignature"], "1410685589", "nonce")
        assert decrypted == f"<xml><Content>{content}</Content></xml>"

    @settings(max_examples=40, deadline=None)
    @given(text)
    def test_wechatpy_to_ours_official_account(self, content):
        theirs = WechatpyAppCrypto("tok", APP_KEY, APP_ID)
        xml = theirs.encrypt_message(f"<xml>{content}</xml>", "nonce", "1410685589")
        fields = parse_xml(xml)
        ours = MessageCrypto("tok", APP_KEY, APP_ID)
        assert ours.verify_and_decrypt(fields["MsgSignature"], "1410685589", "nonce", fields["Encrypt"]) == (
            f"<xml>{content}</xml>")

    @settings(max_examples=20, deadline=None)
    @given(text)
    def test_both_ways_wecom(self, content):
        ours, theirs = MessageCrypto(TOKEN, AES_KEY, CORP_ID), WechatpyCorpCrypto(TOKEN, AES_KEY, CORP_ID)
        mine = ours.encrypted_reply(f"<xml>{content}</xml>", "1", "n")
        assert theirs.decrypt_message(mine, parse_xml(mine)["MsgSignature"], "1", "n") == f"<xml>{content}</xml>"
        their = parse_xml(theirs.encrypt_message(f"<xml>{content}</xml>", "n", "1"))
        assert ours.verify_and_decrypt(their["MsgSignature"], "1", "n", their["Encrypt"]) == f"<xml>{content}</xml>"

    def test_wechatpy_refuses_our_ciphertext_for_another_app(self):
        xml = MessageCrypto("tok", APP_KEY, APP_ID).encrypted_reply("<xml/>", "1", "n")
        with pytest.raises(Exception):
            WechatpyAppCrypto("tok", APP_KEY, "wxother").decrypt_message(xml, parse_xml(xml)["MsgSignature"], "1", "n")


class TestTampering:
    crypto = MessageCrypto("tok", APP_KEY, APP_ID)

    def test_flipped_ciphertext_byte_is_refused(self):
        raw = bytearray(base64.b64decode(self.crypto.encrypt("<xml>hello</xml>")))
        raw[-1] ^= 0x01
        with pytest.raises(CallbackRejected):
            self.crypto.decrypt(base64.b64encode(bytes(raw)).decode())

    def test_not_base64_and_wrong_length_are_bad_requests(self):
        for junk in ("%%%", base64.b64encode(b"short").decode(), ""):
            with pytest.raises(CallbackRejected) as refused:
                self.crypto.decrypt(junk)
            assert refused.value.status == 400

    def test_signature_over_another_payload_is_refused(self):
        encrypted = self.crypto.encrypt("<xml/>")
        other = self.crypto.encrypt("<xml/>")
        with pytest.raises(CallbackRejected):
            self.crypto.verify_and_decrypt(self.crypto.msg_signature("1", "n", other), "1", "n", encrypted)


class TestKeysAndPadding:
    def test_key_must_be_43_characters_of_base64(self):
        assert len(decode_aes_key(APP_KEY)) == 32
        with pytest.raises(ConfigError, match="43"):
            decode_aes_key(APP_KEY[:-1])
        with pytest.raises(ConfigError):
            decode_aes_key("!" * 43)

    def test_encrypted_callbacks_need_the_receive_id(self):
        with pytest.raises(ConfigError, match="AppID"):
            MessageCrypto("tok", APP_KEY, "")

    @given(st.binary(max_size=200))
    def test_pkcs7_pads_to_32_byte_blocks_and_back(self, data):
        padded = pkcs7_pad(data)
        assert len(padded) % 32 == 0 and 1 <= len(padded) - len(data) <= 32
        assert pkcs7_unpad(padded) == data

    def test_inconsistent_padding_is_refused(self):
        with pytest.raises(CallbackRejected):
            pkcs7_unpad(b"A" * 30 + b"\x01\x02")
        with pytest.raises(CallbackRejected):
            pkcs7_unpad(b"A" * 31 + b"\x21")
