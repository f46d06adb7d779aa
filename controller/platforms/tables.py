"""Transform sets shared by several platforms' capability rows."""
GCM = frozenset(f"aes{k}gcm{i}" for k in (128, 256) for i in (8, 12, 16))
GCM_IOS = frozenset({"aes128gcm16", "aes256gcm16"})
CBC = frozenset(f"aes{k}-{h}" for k in (128, 256) for h in ("sha1", "sha256", "sha384", "sha512"))
