package io.rsio.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Transport security of one namespace's connections (docs/CONFIG.md, docs/security.md): TLS
 * 1.3 with a server certificate, optionally pinned by the client, and the node-key login
 * bound to the TLS session.
 *
 * @param mode        {@code OFF}; {@code ON}: a client always uses TLS, a server accepts TLS and
 *                    plain connections; {@code REQUIRED}: a server accepts TLS only
 * @param certificate server only: the PEM certificate (chain) it presents
 * @param privateKey  server only: the PEM (PKCS#8, unencrypted) private key of that certificate
 * @param pins        client only: SHA-256 fingerprints (64 lowercase hex digits) of the server
 *                    certificates it accepts; empty accepts any certificate (the node-key login
 *                    bound to the session still stops a man in the middle)
 */
public record TlsSettings(Mode mode, Optional<Path> certificate, Optional<Path> privateKey, List<String> pins) {
    public enum Mode { OFF, ON, REQUIRED }

    public static final TlsSettings OFF = new TlsSettings(Mode.OFF, Optional.empty(), Optional.empty(), List.of());

    public TlsSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        pins = List.copyOf(pins);
    }

    public boolean enabled() {
        return mode != Mode.OFF;
    }

    static final List<String> CLIENT_KEYS = List.of("tls", "tls_pin");
    static final List<String> SERVER_KEYS = List.of("tls", "tls_cert", "tls_key");

    /** A client [namespace]'s {@code tls} (yes/no) and {@code tls_pin}. */
    static TlsSettings client(SectionReader r) throws ConfigException {
        boolean on = r.get("tls", ConfigValues::parseYesNo, false);
        List<String> pins = r.get("tls_pin", TlsSettings::parsePins, List.of());
        if (!on && r.has("tls_pin")) {
            throw r.error("tls_pin", "tls_pin needs tls = yes in the same section");
        }
        return on ? new TlsSettings(Mode.ON, Optional.empty(), Optional.empty(), pins) : OFF;
    }

    /** The server [namespace]'s {@code tls} (no/yes/required), {@code tls_cert} and {@code tls_key}. */
    static TlsSettings server(SectionReader r, Path base) throws ConfigException {
        Mode mode = r.get("tls", TlsSettings::parseServerMode, Mode.OFF);
        if (mode == Mode.OFF) {
            for (String key : List.of("tls_cert", "tls_key")) {
                if (r.has(key)) {
                    throw r.error(key, key + " needs tls = yes or tls = required in the same section");
                }
            }
            return OFF;
        }
        for (String key : List.of("tls_cert", "tls_key")) {
            if (!r.has(key)) {
                throw r.error("tls", "tls = " + mode.name().toLowerCase(Locale.ROOT) + " needs " + key
                        + " (a PEM file) in the same section");
            }
        }
        return new TlsSettings(mode, Optional.of(path(r, "tls_cert", base)), Optional.of(path(r, "tls_key", base)),
                List.of());
    }

    private static Mode parseServerMode(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("required")) {
            return Mode.REQUIRED;
        }
        try {
            return ConfigValues.parseYesNo(v) ? Mode.ON : Mode.OFF;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be no, yes or required, found " + ConfigValues.quote(value));
        }
    }

    /**
     * SHA-256 fingerprints separated by commas and/or spaces, each 64 hex digits, colons
     * between byte pairs allowed (as {@code openssl x509 -fingerprint -sha256} prints them).
     */
    static List<String> parsePins(String value) {
        List<String> pins = new ArrayList<>();
        for (String word : value.strip().split("[,\\s]+")) {
            String hex = word.replace(":", "").toLowerCase(Locale.ROOT);
            if (word.regionMatches(true, 0, "sha256/", 0, 7)) {
                hex = hex.substring(7);
            }
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("must be SHA-256 certificate fingerprints (64 hex digits each, "
                        + "e.g. from openssl x509 -noout -fingerprint -sha256), found " + ConfigValues.quote(word));
            }
            pins.add(hex);
        }
        return pins;
    }

    private static Path path(SectionReader r, String key, Path base) throws ConfigException {
        String raw = r.requireRaw(key);
        if (raw.isEmpty()) {
            throw r.error(key, key + " must name a PEM file, found \"\"");
        }
        try {
            return base.resolve(Path.of(raw)).normalize();
        } catch (InvalidPathException e) {
            throw r.error(key, key + " is not a valid file name, found " + ConfigValues.quote(raw));
        }
    }
}
