"""strongSwan proposal strings, checked the way charon reads them (pure; no strongSwan needed).

A proposals value is proposals separated by ``,``; a proposal is algorithm keywords separated by
``-`` (or the single word ``default``). charon refuses a proposal (``proposal_create_from_string``
and ``check_proposal`` in libstrongswan) when a keyword is unknown, an IKE proposal lacks an
encryption algorithm, a PRF (given, or derived from the integrity algorithm) or a DH group, or it
mixes AEAD and classic encryption, or a classic-encryption IKE proposal has no integrity algorithm.

Only keywords of the plugins grectl's routers load (aes, sha1, sha2, hmac, gcm, openssl: x25519,
ECP, MODP, chacha20poly1305) are accepted: a keyword charon knows but cannot use fails the same way
at negotiation, later and less clearly.

>>> check_ike_proposal("aes256-sha256-x25519") is None
True
>>> check_ike_proposal("aes128gcm16-prfsha256-ecp256,aes256-sha384-modp3072") is None
True
>>> check_ike_proposal("aes256gcm16-x25519")
"proposal 1 'aes256gcm16-x25519': a PRF is mandatory in IKE proposals with AEAD encryption (add e.g. prfsha256)"
>>> check_ike_proposal("aes256-sha256-x25519 }\\n  evil {")
'may hold only letters, digits and , - _ (no spaces, quotes, braces or line breaks)'
>>> check_ike_proposal("aes256-sha256-rot13")
"proposal 1 'aes256-sha256-rot13': unknown algorithm 'rot13'"
>>> check_esp_proposal("aes128gcm16") is None
True
>>> check_esp_proposal("aes128gcm16-sha256")
"proposal 1 'aes128gcm16-sha256': an AEAD proposal carries no integrity algorithm"
"""
from __future__ import annotations

import re

_CHARSET = re.compile(r"[A-Za-z0-9_,-]+")  # fullmatch
MAX_LEN = 256

_AES = ("128", "192", "256")
ENCRYPTION = {f"aes{k}" for k in _AES} | {f"aes{k}ctr" for k in _AES} | {"3des", "aes"}
AEAD = ({f"aes{k}gcm{i}" for k in _AES for i in ("8", "12", "16", "64", "96", "128")}
        | {f"aes{k}gcm" for k in _AES} | {"chacha20poly1305"})
INTEGRITY = {"sha1", "sha", "sha256", "sha2_256", "sha384", "sha2_384", "sha512", "sha2_512", "sha1_160",
             "sha256_96", "sha2_256_96", "aesxcbc", "aescmac"}
PRF = {"prfsha1", "prfsha256", "prfsha384", "prfsha512", "prfaesxcbc", "prfaescmac"}
DH = ({f"modp{b}" for b in (1024, 1536, 2048, 3072, 4096, 6144, 8192)}
      | {"modp1024s160", "modp2048s224", "modp2048s256"}
      | {f"ecp{b}" for b in (192, 224, 256, 384, 521)} | {"x25519", "curve25519", "x448", "curve448"})
ESN = {"esn", "noesn"}
# integrity algorithms from which charon derives the PRF when none is given (integ_prf_map)
_PRF_FROM_INTEG = {"sha1", "sha", "sha1_160", "sha256", "sha2_256", "sha384", "sha2_384", "sha512", "sha2_512",
                   "aesxcbc", "aescmac"}


def _charset(text: str) -> str | None:
    if not isinstance(text, str) or not _CHARSET.fullmatch(text):
        return "may hold only letters, digits and , - _ (no spaces, quotes, braces or line breaks)"
    if len(text) > MAX_LEN:
        return f"is longer than {MAX_LEN} characters"
    return None


_KINDS = (("aead", AEAD), ("enc", ENCRYPTION), ("integ", INTEGRITY), ("prf", PRF), ("dh", DH), ("esn", ESN))


def _no_prf(k: dict[str, list[str]]) -> bool:
    return not k["prf"] and not any(i in _PRF_FROM_INTEG for i in k["integ"])


# (applies, broken, why) in order: the first broken rule names the problem
_RULES = (
    (None, lambda k: not (k["enc"] or k["aead"]), "an encryption algorithm is mandatory"),
    (None, lambda k: k["enc"] and k["aead"], "classic and AEAD encryption cannot be mixed in one proposal"),
    (True, lambda k: k["esn"], "esn/noesn belong in ESP proposals, not IKE"),
    (True, lambda k: _no_prf(k) and k["aead"],
     "a PRF is mandatory in IKE proposals with AEAD encryption (add e.g. prfsha256)"),
    (True, _no_prf, "a PRF is mandatory in IKE proposals (add an integrity algorithm or a prf)"),
    (True, lambda k: not k["dh"], "a DH group is mandatory in IKE proposals (add e.g. x25519)"),
    (True, lambda k: k["enc"] and not k["integ"], "an integrity algorithm is mandatory with classic encryption"),
    (False, lambda k: k["prf"], "a PRF belongs in IKE proposals, not ESP"),
    (False, lambda k: k["aead"] and k["integ"], "an AEAD proposal carries no integrity algorithm"),
    (False, lambda k: k["enc"] and not k["integ"],
     "classic encryption without an integrity algorithm leaves ESP unauthenticated"),
)


def _kinds(words: list[str], where: str) -> tuple[dict[str, list[str]], str | None]:
    """The algorithms of one proposal by kind, or why a word is not one."""
    kinds: dict[str, list[str]] = {"enc": [], "aead": [], "integ": [], "prf": [], "dh": [], "esn": []}
    for w in words:
        if not w:
            return kinds, f"{where}: empty algorithm (two dashes, or a dash at an end)"
        kind = next((kind for kind, names in _KINDS if w in names), None)
        if kind is None:
            return kinds, f"{where}: unknown algorithm {w[:30]!r}"
        kinds[kind].append(w)
    return kinds, None


def _check_one(n: int, proposal: str, ike: bool) -> str | None:
    where = f"proposal {n} {proposal[:60]!r}"
    if not proposal:
        return f"proposal {n} is empty (two commas, or a comma at an end)"
    words = proposal.lower().split("-")
    if words == ["default"]:
        return None
    kinds, problem = _kinds(words, where)
    if problem:
        return problem
    why = next((why for applies, broken, why in _RULES if applies in (None, ike) and broken(kinds)), None)
    return f"{where}: {why}" if why else None


def _check(text: str, ike: bool) -> str | None:
    problem = _charset(text)
    if problem:
        return problem
    return next((p for n, proposal in enumerate(text.split(","), 1) if (p := _check_one(n, proposal, ike))), None)


def check_ike_proposal(text: str) -> str | None:
    """Why strongSwan would refuse ``text`` as an IKE ``proposals`` value, or None."""
    return _check(text, ike=True)


def check_esp_proposal(text: str) -> str | None:
    """Why strongSwan would refuse ``text`` as an ``esp_proposals`` value, or None."""
    return _check(text, ike=False)
